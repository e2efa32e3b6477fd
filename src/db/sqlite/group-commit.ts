import type { SqliteTx } from './database';

interface Job {
  work: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Result = { ok: true; value: unknown } | { ok: false; error: unknown };

type Transaction = <T>(body: (tx: SqliteTx) => Promise<T>) => Promise<T>;
type Savepoint = <T>(tx: SqliteTx, work: () => Promise<T>) => Promise<T>;

/**
 * Group commit. Writes that arrive while the event loop is busy are committed together: one transaction, one fsync
 * (synchronous=FULL), each write in its own savepoint so that one failing write does not undo the others.
 * A write's promise settles only after the commit that holds it, so "answered 2xx" still means "on disk".
 */
export function createGroupCommit(
  transaction: Transaction,
  savepoint: Savepoint,
  inTransaction: () => boolean,
) {
  let queue: Job[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    const results: Result[] = [];
    try {
      await transaction(async (tx) => {
        for (const job of batch) {
          try {
            results.push({ ok: true, value: await savepoint(tx, job.work) });
          } catch (error) {
            // Some errors (a full disk among them) make SQLite roll back the whole transaction, not just the
            // savepoint: then nothing in the batch survived, and every write in it must fail with that error.
            if (!inTransaction()) throw error;
            results.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const job of batch) job.reject(error); // the commit itself failed (disk full, I/O): nothing in the batch is stored
      return;
    }
    batch.forEach((job, i) => {
      const result = results[i];
      if (result.ok) job.resolve(result.value);
      else job.reject(result.error);
    });
  }

  return {
    /** Runs `work` inside the next group transaction; settles once that transaction has committed. */
    write<T>(work: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}
