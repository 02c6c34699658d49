/**
 * What a process must close on the way out, in the reverse order it was opened: each part
 * registers its own closer as it starts, so `stop()` needs no hand-kept list.
 */
export function getClosers() {
  const stack: Array<() => Promise<void> | void> = [];
  return {
    add(close: () => Promise<void> | void) {
      stack.push(close);
    },
    async closeAll() {
      while (stack.length) await stack.pop()!();
    },
  };
}

export type Closers = ReturnType<typeof getClosers>;
