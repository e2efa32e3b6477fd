/** A first-in, first-out lock: the holder of SQLite's one connection for a whole transaction. */
export function createFifoLock() {
  const waiting: (() => void)[] = [];
  let held = false;
  return {
    get held(): boolean {
      return held;
    },
    get waiting(): number {
      return waiting.length;
    },
    acquire(): Promise<void> {
      if (!held) {
        held = true;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    /** Hands the lock straight to the next waiter, so no one can slip in between. */
    release(): void {
      const next = waiting.shift();
      if (next) next();
      else held = false;
    },
  };
}
