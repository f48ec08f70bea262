import { Pool } from 'pg';
import type { Logger } from 'pino';
import { RecentStatuses, type BudgetLimits, type BudgetStore } from './budget-store';
import { retryAfterSeconds, type BucketStatus, type TakeResult } from './leaky-bucket';

export interface PostgresBudgetStoreOptions {
  /** The serving role's URL (the functions are security definer; the table itself is out of its reach). */
  url: string;
  limits: BudgetLimits;
  /** Connections of the store's own pool. */
  poolMax: number;
  logger: Logger;
  /** Epoch milliseconds, for tests: uses the owner-only `_at` functions instead of the database's clock. */
  now?: () => number;
  /** How often this instance deletes drained buckets; 0: never (tests prune by hand). */
  pruneEveryMs?: number;
}

interface Row {
  ok?: boolean;
  level: number;
  at: number;
}

/**
 * The cost budget in PostgreSQL, shared by every instance on the database: one statement per
 * operation (see the rate_buckets migration for why it cannot race). It has a pool of its own: the
 * request's transaction holds a connection of the serving pool while it is charged, so borrowing a
 * second one there could wait on itself when the pool is busy, and a charge made inside that
 * transaction would roll back with a failed request.
 */
export class PostgresBudgetStore implements BudgetStore {
  private readonly pool: Pool;
  private readonly recent: RecentStatuses;
  private readonly limits: BudgetLimits;
  private readonly now?: () => number;
  private readonly pruneTimer?: NodeJS.Timeout;

  constructor(options: PostgresBudgetStoreOptions) {
    this.limits = options.limits;
    this.now = options.now;
    this.recent = new RecentStatuses(options.limits);
    this.pool = new Pool({ connectionString: options.url, max: options.poolMax, application_name: 'silta-budget' });
    // An idle connection that breaks (a restarted server) must not take the process down; the next use reconnects.
    this.pool.on('error', (error) => options.logger.warn({ err: error }, 'budget store connection failed'));
    const pruneEveryMs = options.pruneEveryMs ?? Math.min(60_000, (options.limits.capacity / options.limits.leakPerSecond) * 1000);
    if (pruneEveryMs > 0) {
      this.pruneTimer = setInterval(() => {
        this.prune().catch((error: unknown) => options.logger.warn({ err: error }, 'could not prune drained budgets'));
      }, pruneEveryMs);
      this.pruneTimer.unref();
    }
  }

  async take(key: string, cost: number): Promise<TakeResult> {
    const { capacity, leakPerSecond } = this.limits;
    const row = await this.call('take', 'ok, ', [key, cost, capacity, leakPerSecond]);
    const status = this.recent.record(key, row.level, row.at);
    if (row.ok) return { ok: true, ...status };
    return { ok: false, retryAfterSeconds: retryAfterSeconds(row.level, cost, capacity, leakPerSecond), ...status };
  }

  async adjust(key: string, delta: number): Promise<BucketStatus> {
    const row = await this.call('adjust', '', [key, delta, this.limits.capacity, this.limits.leakPerSecond]);
    return this.recent.record(key, row.level, row.at);
  }

  async peek(key: string): Promise<BucketStatus> {
    const row = await this.call('peek', '', [key, this.limits.leakPerSecond]);
    return this.recent.record(key, row.level, row.at);
  }

  lastSeen(key: string): BucketStatus {
    return this.recent.status(key, this.now?.());
  }

  /** Deletes drained buckets (every instance does so now and then); returns how many. */
  async prune(): Promise<number> {
    const [fn, params] = this.clocked('prune', [this.limits.leakPerSecond]);
    const { rows } = await this.pool.query<{ pruned: number }>(`select ${fn} as pruned`, params);
    return rows[0].pruned;
  }

  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.pool.end();
  }

  private async call(operation: 'take' | 'adjust' | 'peek', ok: string, args: unknown[]): Promise<Row> {
    const [fn, params] = this.clocked(operation, args);
    const { rows } = await this.pool.query<Row>(
      `select ${ok}bucket_level as level, (extract(epoch from bucket_at) * 1000)::float8 as at from ${fn}`,
      params,
    );
    return rows[0];
  }

  /** `silta_budget_<op>($1, …)` on the database's clock, or `_at` with the injected one (tests, as the owner). */
  private clocked(operation: string, args: unknown[]): [string, unknown[]] {
    const params = this.now ? [...args, this.now()] : args;
    const placeholders = args.map((_, i) => `$${i + 1}`);
    if (this.now) placeholders.push(`to_timestamp($${args.length + 1}::float8 / 1000)`);
    return [`silta_budget_${operation}${this.now ? '_at' : ''}(${placeholders.join(', ')})`, params];
  }
}
