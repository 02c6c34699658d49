/**
 * One lane per key (an auction): work queued on a lane is drained in batches, one batch at a
 * time, in arrival order; lanes of different keys run side by side. `idle()` resolves once
 * every lane is empty, without polling.
 */
export function getCommandLanes<T>(options: {
  maxBatch: number;
  maxPending: number;
  drain(key: string, batch: T[]): Promise<void>;
  /** Told when a lane is full and the item refused. */
  onFull(item: T): void;
}) {
  const lanes = new Map<string, T[]>();
  let idleWaiters: Array<() => void> = [];

  const run = async (key: string, queue: T[]) => {
    while (queue.length > 0) await options.drain(key, queue.splice(0, options.maxBatch));
    lanes.delete(key);
    if (lanes.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    }
  };

  return {
    push(key: string, item: T) {
      const queue = lanes.get(key);
      if (queue && queue.length >= options.maxPending) return options.onFull(item);
      if (queue) return void queue.push(item);
      const fresh = [item];
      lanes.set(key, fresh);
      void run(key, fresh);
    },
    idle(): Promise<void> {
      if (lanes.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
