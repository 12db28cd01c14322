import { useSyncExternalStore } from 'react';

/**
 * The app's one store primitive: a value, a setter and subscribers, read by components through
 * React's useSyncExternalStore. Each resource (conversations, offers, users…) is one module built on
 * it, so a component reads what it shows without props passed down the tree.
 */
export interface Store<T> {
  get(): T;
  set(next: T | ((prev: T) => T)): void;
  subscribe(listener: () => void): () => void;
  /** Back to the first value (on sign-out: the next user starts empty). */
  reset(): void;
}

const all: Array<Store<unknown>> = [];

export function createStore<T>(initial: () => T): Store<T> {
  let value = initial();
  const listeners = new Set<() => void>();
  const store: Store<T> = {
    get: () => value,
    set(next) {
      const v = typeof next === 'function' ? (next as (prev: T) => T)(value) : next;
      if (Object.is(v, value)) return;
      value = v;
      for (const l of [...listeners]) l();
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    reset() {
      store.set(initial());
    },
  };
  all.push(store as Store<unknown>);
  return store;
}

/** Reads a part of a store; the component renders again only when that part changes (select must not build new objects). */
export function useStore<T, S = T>(store: Store<T>, select: (value: T) => S = (v) => v as unknown as S): S {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}

/** Every store back to empty: called when the session ends. */
export function resetStores(): void {
  for (const s of all) s.reset();
}
