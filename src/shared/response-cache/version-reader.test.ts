import { VersionReader } from './version-reader';

/** A version query the test answers by hand, to order starts, arrivals and answers. */
function manualQuery() {
  const pending: ((version: bigint) => void)[] = [];
  let started = 0;
  const query = () =>
    new Promise<bigint>((resolve) => {
      started += 1;
      pending.push(resolve);
    });
  return { query, pending, started: () => started };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('VersionReader', () => {
  it('shares a read among the requests that arrived before it started, and never one started before them', async () => {
    const manual = manualQuery();
    const reader = new VersionReader(manual.query);
    const first = reader.read();
    expect(manual.started()).toBe(1);
    // Arrive while the first read runs: they wait for a second one, which they share.
    const second = reader.read();
    const third = reader.read();
    expect(manual.started()).toBe(1);
    manual.pending[0](1n);
    await expect(first).resolves.toBe(1n);
    await tick();
    expect(manual.started()).toBe(2);
    // Arrives while the second runs: a third read.
    const fourth = reader.read();
    manual.pending[1](2n);
    await expect(second).resolves.toBe(2n);
    await expect(third).resolves.toBe(2n);
    await tick();
    expect(manual.started()).toBe(3);
    manual.pending[2](3n);
    await expect(fourth).resolves.toBe(3n);
  });

  it('keeps one read in flight, whatever the concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    let version = 0n;
    const reader = new VersionReader(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await tick();
      inFlight -= 1;
      return ++version;
    });
    const reads = await Promise.all(Array.from({ length: 200 }, () => reader.read()));
    expect(most).toBe(1);
    // 200 requests, at most two rounds: the one running when they came and the one after.
    expect(version).toBeLessThanOrEqual(2n);
    expect(new Set(reads).size).toBeLessThanOrEqual(2);
  });

  it('reports each higher version once, and carries on after a failed read', async () => {
    const seen: bigint[] = [];
    let next: () => Promise<bigint> = async () => 5n;
    const reader = new VersionReader(() => next(), (version) => seen.push(version));
    await reader.read();
    await reader.read();
    reader.observe(4n);
    reader.observe(7n);
    next = async () => {
      throw new Error('connection lost');
    };
    await expect(reader.read()).rejects.toThrow('connection lost');
    next = async () => 8n;
    await expect(reader.read()).resolves.toBe(8n);
    expect(seen).toEqual([5n, 7n, 8n]);
    expect(reader.latest).toBe(8n);
  });
});
