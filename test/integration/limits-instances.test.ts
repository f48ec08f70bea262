import { randomBytes } from 'node:crypto';
import { loadConfig, type BudgetStoreConfig, type Config } from '../../src/config';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Two Silta instances on one database, as behind a load balancer (issue 9): a client's spending on
 * one reduces its budget on the other, so together they grant one budget, not two. The same requests
 * against instances that keep their buckets in memory get two budgets, which shows what is tested.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// 101 points each (the connection and 100 municipalities), both estimated and actual.
const HUNDRED = '{ municipalities(first: 100) { nodes { code } } }';

function config(store: BudgetStoreConfig): Partial<Config> {
  return { trustProxyHops: 1, limits: { ...loadConfig({}).limits, maxCost: 250, budget: 250, leakPerSecond: 1, store } };
}

// A fresh address per run: a Redis bucket outlives this file's database (until it drains).
const freshIp = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`;
const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
const remaining = (response: { extensions?: Record<string, unknown> }) => (response.extensions!.cost as { remaining: number }).remaining;

describe.each([
  ['PostgreSQL', { kind: 'postgres', poolMax: 2 }, 'one budget'],
  ['Redis', { kind: 'redis', url: REDIS_URL }, 'one budget'],
  ['memory', { kind: 'memory' }, 'a budget each'],
] as const)('two instances with the budget in %s', (_name, store, grants) => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => {
    one = await startTestApp('empty', config(store));
    two = await startTestApp('empty', config(store), { sameDatabaseAs: one });
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  it(`grant a client ${grants}`, async () => {
    const ip = freshIp();
    const first = await one.gql(HUNDRED, undefined, from(ip));
    const second = await two.gql(HUNDRED, undefined, from(ip));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(remaining(first)).toBe(149);

    const third = await one.gql(HUNDRED, undefined, from(ip));
    const fourth = await two.gql(HUNDRED, undefined, from(ip));
    if (grants === 'one budget') {
      // The second instance saw the first one's spending, and each refuses what the other granted.
      expect(remaining(second)).toBeLessThanOrEqual(48);
      expect([third.status, fourth.status]).toEqual([429, 429]);
      expect(third.errors![0].extensions!.code).toBe('RATE_LIMITED');
      expect(Number(third.headers!.get('retry-after'))).toBeGreaterThanOrEqual(50);
    } else {
      expect(remaining(second)).toBe(149);
      expect([third.status, fourth.status]).toEqual([200, 200]);
    }
  });

  it(`settle a charge where it was made, and the other instance sees ${grants === 'one budget' ? 'the settled bucket' : 'only its own'}`, async () => {
    const ip = freshIp();
    // Charged its estimate first, then settled on what it cost; the other instance's answer costs a point.
    const short = await one.gql('{ themes { code } }', undefined, from(ip));
    expect(short.status).toBe(200);
    const after = await two.gql('{ __typename }', undefined, from(ip));
    const spent = (short.extensions!.cost as { actual: number }).actual + 1;
    expect(remaining(after)).toBe(grants === 'one budget' ? 250 - spent : 249);
  });
});
