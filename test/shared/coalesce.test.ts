import { coalesced } from '../../src/shared/coalesce';

/** A read that finishes when the test says, recording when each began. */
function controlledReads() {
  const started: { key: string; finish(value: string): void; fail(err: Error): void }[] = [];
  const read = (key: string) =>
    new Promise<string>((resolve, reject) => started.push({ key, finish: resolve, fail: reject }));
  return { started, read: coalesced(read) };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesced reads', () => {
  it('never hands a caller a read that began before it asked, and shares the next read among those who wait', async () => {
    const { started, read } = controlledReads();
    const first = read('cohort-1');
    await tick();
    expect(started).toHaveLength(1);
    // three callers arrive while the first read runs: they must not get its (possibly older) answer
    const waiting = [read('cohort-1'), read('cohort-1'), read('cohort-1')];
    await tick();
    expect(started).toHaveLength(1);
    started[0].finish('before the write');
    expect(await first).toBe('before the write');
    await tick();
    expect(started).toHaveLength(2); // one read for the three of them, begun after they asked
    started[1].finish('after the write');
    expect(await Promise.all(waiting)).toEqual(['after the write', 'after the write', 'after the write']);
    // nothing running: the next caller's read starts within the turn
    const later = read('cohort-1');
    await tick();
    expect(started).toHaveLength(3);
    started[2].finish('later');
    expect(await later).toBe('later');
  });

  it('shares one read among callers who ask in the same turn, even when the read never yields', async () => {
    let reads = 0;
    const read = coalesced(async (key: string) => `${key} read ${++reads}`);
    const together = await Promise.all([read('cohort-1'), read('cohort-1'), read('cohort-1')]);
    expect(together).toEqual(['cohort-1 read 1', 'cohort-1 read 1', 'cohort-1 read 1']);
    // a caller who asks after that read has finished gets a new one
    expect(await read('cohort-1')).toBe('cohort-1 read 2');
  });

  it('keeps keys apart, and a failed read fails only those who shared it', async () => {
    const { started, read } = controlledReads();
    const one = read('cohort-1');
    const two = read('cohort-2');
    await tick();
    expect(started.map((s) => s.key)).toEqual(['cohort-1', 'cohort-2']);
    const next = read('cohort-1');
    started[0].fail(new Error('database went away'));
    await expect(one).rejects.toThrow('database went away');
    await tick();
    started[2].finish('recovered');
    expect(await next).toBe('recovered');
    started[1].finish('two');
    expect(await two).toBe('two');
  });
});
