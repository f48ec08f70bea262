import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RecentStatuses, type BudgetLimits, type BudgetStore } from './budget-store';
import { retryAfterSeconds, type BucketStatus, type TakeResult } from './leaky-bucket';

export interface RedisBudgetStoreOptions {
  /** REDIS_URL. */
  url: string;
  limits: BudgetLimits;
  logger: Logger;
  /** Prepended to every bucket's key (tests give each file its own). */
  prefix?: string;
  /** Epoch milliseconds, for tests; otherwise Redis's own clock (`TIME`), one clock for every instance. */
  now?: () => number;
}

/**
 * One bucket operation, atomic because Redis runs a script alone. A bucket is a hash (level, at in ms)
 * that expires when it has drained, so idle clients cost nothing and need no sweep.
 * KEYS[1]: the bucket; ARGV: operation (take, adjust, peek), amount, capacity, leak per ms, [now].
 * Returns { 1 or 0 (taken or refused), level, at } with numbers as strings (Redis would truncate them to integers).
 */
const SCRIPT = `
local op = ARGV[1]
local amount = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local rate = tonumber(ARGV[4])
local now
if ARGV[5] ~= nil and ARGV[5] ~= '' then
  now = tonumber(ARGV[5])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local stored = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = 0
if stored[1] then
  local at = tonumber(stored[2])
  if at > now then now = at end
  level = math.max(0, tonumber(stored[1]) - (now - at) * rate)
end
local ok = 1
if op == 'take' then
  if level + amount > capacity then ok = 0 else level = level + amount end
elseif op == 'adjust' then
  level = math.min(capacity, math.max(0, level + amount))
end
if op ~= 'peek' and ok == 1 then
  if level > 0 then
    redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
    redis.call('PEXPIRE', KEYS[1], math.ceil(level / rate) + 1000)
  else
    redis.call('DEL', KEYS[1])
  end
end
return { ok, tostring(level), tostring(now) }
`;

type BudgetCommand = (key: string, op: string, amount: number, capacity: number, leakPerMs: number, now: string) => Promise<[number, string, string]>;

/** The cost budget in Redis (REDIS_URL), shared by every instance that uses the same Redis. */
export class RedisBudgetStore implements BudgetStore {
  private readonly redis: Redis;
  private readonly command: BudgetCommand;
  private readonly recent: RecentStatuses;
  private readonly prefix: string;

  constructor(private readonly options: RedisBudgetStoreOptions) {
    this.prefix = options.prefix ?? 'silta:budget:';
    this.recent = new RecentStatuses(options.limits);
    this.redis = new Redis(options.url, {
      // Fail a request fast while Redis is away rather than queueing it for the request timeout.
      maxRetriesPerRequest: 1,
    });
    this.redis.on('error', (error) => options.logger.warn({ err: error }, 'budget store (Redis) connection failed'));
    // EVALSHA with a fallback to EVAL: the script is sent once per connection, not with every request.
    this.redis.defineCommand('siltaBudget', { numberOfKeys: 1, lua: SCRIPT });
    const commands = this.redis as unknown as Record<'siltaBudget', BudgetCommand>;
    this.command = commands.siltaBudget.bind(this.redis);
  }

  async take(key: string, cost: number): Promise<TakeResult> {
    const { capacity, leakPerSecond } = this.options.limits;
    const [ok, level, at] = await this.run(key, 'take', cost);
    const status = this.recent.record(key, level, at);
    if (ok) return { ok: true, ...status };
    return { ok: false, retryAfterSeconds: retryAfterSeconds(level, cost, capacity, leakPerSecond), ...status };
  }

  async adjust(key: string, delta: number): Promise<BucketStatus> {
    const [, level, at] = await this.run(key, 'adjust', delta);
    return this.recent.record(key, level, at);
  }

  async peek(key: string): Promise<BucketStatus> {
    const [, level, at] = await this.run(key, 'peek', 0);
    return this.recent.record(key, level, at);
  }

  lastSeen(key: string): BucketStatus {
    return this.recent.status(key, this.options.now?.());
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async run(key: string, op: 'take' | 'adjust' | 'peek', amount: number): Promise<[boolean, number, number]> {
    const { capacity, leakPerSecond } = this.options.limits;
    const now = this.options.now ? String(this.options.now()) : '';
    const [ok, level, at] = await this.command(this.prefix + key, op, amount, capacity, leakPerSecond / 1000, now);
    return [ok === 1, Number(level), Number(at)];
  }
}
