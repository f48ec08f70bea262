import { LeakyBuckets } from './leaky-bucket';

function buckets(options: { capacity?: number; leakPerSecond?: number; maxBuckets?: number } = {}) {
  let now = 1_000_000;
  const store = new LeakyBuckets({ capacity: 100, leakPerSecond: 10, maxBuckets: 1000, ...options, now: () => now });
  return { store, advance: (ms: number) => (now += ms), now: () => now };
}

describe('LeakyBuckets', () => {
  it('lets a client burst up to the capacity and reports what is left', () => {
    const { store, now } = buckets();
    expect(store.take('a', 60)).toEqual({ ok: true, remaining: 40, resetAt: now() + 6000 });
    expect(store.take('a', 40)).toMatchObject({ ok: true, remaining: 0 });
  });

  it('refuses a cost that would overflow, with the seconds until it fits, and charges nothing', () => {
    const { store } = buckets();
    store.take('a', 90);
    expect(store.take('a', 25)).toMatchObject({ ok: false, retryAfterSeconds: 2, remaining: 10 });
    expect(store.take('a', 10)).toMatchObject({ ok: true, remaining: 0 });
  });

  it('leaks continuously at the configured rate', () => {
    const { store, advance } = buckets();
    store.take('a', 100);
    advance(2500);
    expect(store.peek('a').remaining).toBe(25);
    expect(store.take('a', 30).ok).toBe(false);
    advance(500);
    expect(store.take('a', 30).ok).toBe(true);
    advance(10_000);
    expect(store.peek('a').remaining).toBe(100);
  });

  it('keeps one bucket per key', () => {
    const { store } = buckets();
    store.take('account:1', 100);
    expect(store.take('ip:127.0.0.1', 100).ok).toBe(true);
    expect(store.take('account:1', 1).ok).toBe(false);
  });

  it('gives back what an operation did not use, and never fills past capacity', () => {
    const { store } = buckets();
    store.take('a', 80);
    expect(store.adjust('a', -70).remaining).toBe(90);
    expect(store.adjust('a', 500).remaining).toBe(0);
    expect(store.adjust('a', -1000).remaining).toBe(100);
  });

  it('always says to retry in at least a second', () => {
    const { store } = buckets({ leakPerSecond: 1000 });
    store.take('a', 100);
    expect(store.take('a', 1)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
  });

  it('forgets drained buckets, so idle clients cost no memory', () => {
    const { store, advance } = buckets();
    store.take('a', 50);
    store.take('b', 100);
    expect(store.size).toBe(2);
    advance(6000);
    // Sweeps run at most once per full-drain time (10 s here); by then a has drained, b not.
    store.take('c', 1);
    expect(store.size).toBe(3);
    advance(4100);
    store.take('c', 1);
    expect(store.size).toBe(1);
  });

  it('never holds more than maxBuckets, dropping the least recently used', () => {
    const { store } = buckets({ maxBuckets: 3 });
    for (const key of ['a', 'b', 'c']) store.take(key, 100);
    store.take('a', 0);
    store.take('d', 100);
    expect(store.size).toBe(3);
    expect(store.peek('b').remaining).toBe(100);
    expect(store.peek('a').remaining).toBe(0);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => new LeakyBuckets({ capacity: 0, leakPerSecond: 1, maxBuckets: 1 })).toThrow(RangeError);
  });
});
