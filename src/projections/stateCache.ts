import type { StoredAuction } from '../auction';

/**
 * The auction states a projection runner last committed, so a batch need not read them back.
 * Safe because a store instance lives for one run under the lease: anything that changes the
 * read model behind it also moves the checkpoint, which ends the run and the cache with it.
 */
export function getStateCache<T = StoredAuction>(max = 50_000) {
  const states = new Map<string, T>();
  return {
    /** The cached states of `ids`, and the ids to read from the store. */
    lookup(ids: string[]) {
      const found = new Map<string, T>();
      const missing: string[] = [];
      for (const id of ids) {
        const state = states.get(id);
        if (state) found.set(id, state);
        else missing.push(id);
      }
      return { found, missing };
    },
    /** Call after the batch committed. */
    remember(changed: Map<string, T>) {
      for (const [id, state] of changed) {
        states.delete(id);
        states.set(id, state);
      }
      while (states.size > max) states.delete(states.keys().next().value!);
    },
  };
}

export type StateCache<T = StoredAuction> = ReturnType<typeof getStateCache<T>>;
