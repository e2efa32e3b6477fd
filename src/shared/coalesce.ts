/**
 * One read per key at a time, shared by whoever asks while it waits to start. A caller never gets a read that began
 * before it asked: if one is running, the caller waits for it to finish and then shares the next read with everyone
 * else who arrived meanwhile. So what a caller wrote before asking is always in what it gets (on any instance), and a
 * burst of callers for the same key costs two reads, not one each.
 *
 * A read starts once the event loop has taken in what arrived with its first caller (on `setImmediate`), so callers
 * whose requests came in together share it even when a read would finish without ever yielding (an embedded
 * database answers synchronously, and would otherwise be read once per caller).
 */
export function coalesced<K, T>(read: (key: K) => Promise<T>): (key: K) => Promise<T> {
  const running = new Map<K, Promise<T>>();
  const waiting = new Map<K, Promise<T>>();

  const start = (key: K): Promise<T> => {
    waiting.delete(key);
    const reading = read(key);
    running.set(key, reading);
    const done = () => {
      if (running.get(key) === reading) running.delete(key);
    };
    reading.then(done, done);
    return reading;
  };

  const afterArrivals = (key: K): Promise<T> =>
    new Promise<void>((resolve) => setImmediate(resolve)).then(() => start(key));

  return (key: K): Promise<T> => {
    const next = waiting.get(key);
    if (next) return next;
    const current = running.get(key);
    const after = () => start(key);
    const queued = current ? current.then(after, after) : afterArrivals(key);
    waiting.set(key, queued);
    return queued;
  };
}
