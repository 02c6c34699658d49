import type { Logger } from '../platform';

/**
 * What a process must close on the way out, in the reverse order it was opened: each part
 * registers its own closer as it starts, so `stop()` needs no hand-kept list. Each closer's
 * time is logged (debug), so a slow shutdown names what held it.
 */
export function getClosers(logger: Logger) {
  const stack: Array<{ name: string; close: () => Promise<unknown> | unknown }> = [];
  return {
    add(name: string, close: () => Promise<unknown> | unknown) {
      stack.push({ name, close });
    },
    async closeAll() {
      while (stack.length) {
        const { name, close } = stack.pop()!;
        const started = performance.now();
        await close();
        logger.debug({ closer: name, ms: Math.round(performance.now() - started) }, 'closed');
      }
    },
  };
}

export type Closers = ReturnType<typeof getClosers>;
