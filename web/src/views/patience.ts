import { ApiError } from '../api';

/**
 * A link to an auction created a moment ago (by someone else) can arrive before the read models
 * show it: a 404 is retried for a few seconds before the page believes it.
 */
export async function withPatience<T>(load: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await load();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404 || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}
