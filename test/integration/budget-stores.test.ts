import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { MemoryBudgetStore, type BudgetLimits, type BudgetStore } from '../../src/shared/limits/budget-store';
import { PostgresBudgetStore } from '../../src/shared/limits/postgres-budget-store';
import { RedisBudgetStore } from '../../src/shared/limits/redis-budget-store';
import { createLogger } from '../../src/shared/logger';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The three budget stores against one specification, the in-memory bucket's: the shared ones on a
 * real PostgreSQL (this file's database) and a real Redis (TEST_REDIS_URL, else the machine's own on
 * 127.0.0.1:6379, which CI starts). Clocks are injected, so draining is exact; the concurrency cases
 * run on the stores' own clocks, as in production.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger('silent');
const prefix = `silta:test:${randomBytes(4).toString('hex')}:`;

let app: TestApp;
let ownerUrl: string;
const opened: BudgetStore[] = [];

beforeAll(async () => {
  app = await startTestApp('empty');
  ownerUrl = app.orm.config.get('clientUrl')!;
});

afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await app.close();
});

type Clock = (() => number) | undefined;
/** Opens a store on a clock (undefined: the store's own, and for PostgreSQL the serving role). */
const makers: Record<'memory' | 'postgres' | 'redis', (limits: BudgetLimits, now: Clock) => BudgetStore> = {
  memory: (limits, now) => new MemoryBudgetStore(limits, now),
  postgres: (limits, now) =>
    new PostgresBudgetStore({ url: now ? ownerUrl : app.servingUrl, limits, poolMax: 4, logger, now, pruneEveryMs: 0 }),
  redis: (limits, now) => new RedisBudgetStore({ url: REDIS_URL, limits, logger, prefix, now }),
};

function open<T extends BudgetStore>(store: T): T {
  opened.push(store);
  return store;
}

let keys = 0;
/** A key no other test uses (the shared stores keep buckets across tests). */
const fresh = (name = 'client') => `${name}:${++keys}:${randomBytes(3).toString('hex')}`;

describe.each(['memory', 'postgres', 'redis'] as const)('the %s store', (kind) => {
  function buckets(options: Partial<BudgetLimits> = {}) {
    let now = 1_700_000_000_000;
    const store = open(makers[kind]({ capacity: 100, leakPerSecond: 10, maxBuckets: 1000, ...options }, () => now));
    return { store, advance: (ms: number) => (now += ms), now: () => now };
  }

  it('lets a client burst up to the capacity and reports what is left', async () => {
    const { store, now } = buckets();
    const key = fresh();
    expect(await store.take(key, 60)).toEqual({ ok: true, remaining: 40, resetAt: now() + 6000 });
    expect(await store.take(key, 40)).toMatchObject({ ok: true, remaining: 0 });
  });

  it('refuses a cost that would overflow, with the seconds until it fits, and charges nothing', async () => {
    const { store } = buckets();
    const key = fresh();
    await store.take(key, 90);
    expect(await store.take(key, 25)).toMatchObject({ ok: false, retryAfterSeconds: 2, remaining: 10 });
    expect(await store.take(key, 10)).toMatchObject({ ok: true, remaining: 0 });
  });

  it('leaks continuously at the configured rate', async () => {
    const { store, advance } = buckets();
    const key = fresh();
    await store.take(key, 100);
    advance(2500);
    expect((await store.peek(key)).remaining).toBe(25);
    expect((await store.take(key, 30)).ok).toBe(false);
    advance(500);
    expect((await store.take(key, 30)).ok).toBe(true);
    advance(10_000);
    expect(await store.peek(key)).toMatchObject({ remaining: 100 });
  });

  it('keeps one bucket per key', async () => {
    const { store } = buckets();
    const [account, ip] = [fresh('account'), fresh('ip')];
    await store.take(account, 100);
    expect((await store.take(ip, 100)).ok).toBe(true);
    expect((await store.take(account, 1)).ok).toBe(false);
  });

  it('gives back what an operation did not use, and never fills past capacity', async () => {
    const { store } = buckets();
    const key = fresh();
    await store.take(key, 80);
    expect((await store.adjust(key, -70)).remaining).toBe(90);
    expect((await store.adjust(key, 500)).remaining).toBe(0);
    expect((await store.adjust(key, -1000)).remaining).toBe(100);
    // Settling a bucket that has drained away changes nothing.
    expect((await store.adjust(fresh(), -5)).remaining).toBe(100);
  });

  it('always says to retry in at least a second, and lastSeen answers without a round trip', async () => {
    const { store, now } = buckets({ leakPerSecond: 1000 });
    const key = fresh();
    await store.take(key, 100);
    expect(await store.take(key, 1)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    expect(store.lastSeen(key)).toEqual({ remaining: 0, resetAt: now() + 100 });
    expect(store.lastSeen(fresh())).toEqual({ remaining: 100, resetAt: now() });
  });

  it(`grants ${kind === 'memory' ? 'each of two instances its own capacity' : 'many parallel takes from two instances one capacity, never more'}`, async () => {
    // The stores' own clocks: at 1 point per 1000 s nothing drains while the takes run.
    const limits = { capacity: 100, leakPerSecond: 0.001, maxBuckets: 1000 };
    const [one, two] = [open(makers[kind](limits, undefined)), open(makers[kind](limits, undefined))];
    const key = fresh();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? one : two).take(key, 7)));
    // In memory each instance has a bucket of its own: the N budgets the shared stores exist to prevent.
    expect(results.filter((result) => result.ok)).toHaveLength(kind === 'memory' ? 28 : 14);
    expect(Math.min(...results.map((result) => result.remaining))).toBeGreaterThanOrEqual(0);
    expect((await one.peek(key)).remaining).toBe(2);
  });
});

describe('the PostgreSQL store', () => {
  it('keeps the table out of the serving role’s reach: only the functions, on the database’s clock', async () => {
    const serving = new Client({ connectionString: app.servingUrl });
    await serving.connect();
    try {
      await expect(serving.query('select * from rate_bucket')).rejects.toThrow(/permission denied/);
      await expect(serving.query(`delete from rate_bucket`)).rejects.toThrow(/permission denied/);
      await expect(serving.query(`select * from silta_budget_take_at('x', 1, 10, 1, now() + interval '1 day')`)).rejects.toThrow(/permission denied/);
      const { rows } = await serving.query(`select ok, bucket_level from silta_budget_take('serving:1', 3, 10, 1)`);
      expect(rows).toEqual([{ ok: true, bucket_level: 3 }]);
    } finally {
      await serving.end();
    }
  });

  it('prunes drained buckets and keeps the others', async () => {
    let now = 1_800_000_000_000;
    const store = open(new PostgresBudgetStore({ url: ownerUrl, limits: { capacity: 100, leakPerSecond: 10, maxBuckets: 10 }, poolMax: 1, logger, now: () => now, pruneEveryMs: 0 }));
    const [drained, busy] = [fresh('drained'), fresh('busy')];
    await store.take(drained, 10);
    now += 500;
    await store.take(busy, 100);
    now += 1000;
    expect(await store.prune()).toBeGreaterThanOrEqual(1);
    const rows = await app.sql<{ key: string }>('select key from rate_bucket where key in (?, ?)', [drained, busy]);
    expect(rows).toEqual([{ key: busy }]);
    expect((await store.peek(drained)).remaining).toBe(100);
    expect((await store.peek(busy)).remaining).toBe(10);
  });
});

describe('the Redis store', () => {
  it('lets a bucket expire once it has drained, so idle clients leave nothing behind', async () => {
    const store = open(new RedisBudgetStore({ url: REDIS_URL, limits: { capacity: 100, leakPerSecond: 50, maxBuckets: 10 }, logger, prefix }));
    const key = fresh();
    await store.take(key, 100);
    const redis = new Redis(REDIS_URL);
    try {
      const ttl = await redis.pttl(prefix + key);
      // Two seconds to drain, plus a second's margin.
      expect(ttl).toBeGreaterThan(2000);
      expect(ttl).toBeLessThanOrEqual(3000);
      await store.adjust(key, -100);
      expect(await redis.exists(prefix + key)).toBe(0);
    } finally {
      await redis.quit();
    }
  });
});
