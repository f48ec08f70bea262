/**
 * Keeps the activity log to ACTIVITY_RETENTION_DAYS (unset: forever): prunes at start and every
 * hour, as the database owner (the serving role may not delete events). Any number of instances
 * may run it; deleting is idempotent.
 */
import { Client } from 'pg';
import type { Logger } from 'pino';
import { pruneActivity, type RunSql } from './activity.log';

export class ActivityRetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly ownerUrl: string, private readonly days: number, private readonly logger: Logger) {}

  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), 3_600_000);
    this.timer.unref();
  }

  /** One pruning pass now (also what the hourly timer does). */
  run(): Promise<void> {
    this.running ??= this.prune().finally(() => (this.running = undefined));
    return this.running;
  }

  private async prune(): Promise<void> {
    const client = new Client({ connectionString: this.ownerUrl, application_name: 'silta-activity-retention' });
    client.on('error', (error) => this.logger.warn({ err: error }, 'activity: retention connection failed'));
    try {
      await client.connect();
      const run: RunSql = async <R>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as R[];
      const deleted = await pruneActivity(run, this.days);
      if (deleted > 0) this.logger.info({ deleted, days: this.days }, 'activity: pruned the log');
    } catch (error) {
      this.logger.warn({ err: error }, 'activity: pruning failed; trying again in an hour');
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
