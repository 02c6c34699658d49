/** A value that views follow: set it, and every component using it renders again. */
import { useEffect, useState } from 'preact/hooks';

export interface Store<T> {
  get(): T;
  set(next: T): void;
  subscribe(listener: () => void): () => void;
}

export function store<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      value = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/** The store's value, rendering the component again whenever it changes. */
export function useStore<T>(s: Pick<Store<T>, 'get' | 'subscribe'>): T {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const off = s.subscribe(() => setVersion((n) => n + 1));
    setVersion((n) => n + 1); // it may have changed between the render and this effect
    return off;
  }, [s]);
  return s.get();
}

/** A value that moves with the clock (countdowns): renders again every `ms`. */
export function useTick(ms = 250) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return tick;
}
