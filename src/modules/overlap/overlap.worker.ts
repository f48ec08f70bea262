/**
 * Keeps the findings fresh in every Silta instance: LISTENs on silta_overlaps (the triggers notify
 * on commit, payloads empty: the queue table is the truth), then takes queued projects off
 * overlap_dirty with `for update skip locked` and rescores them in the same transaction, so a crash
 * puts them back and two instances never rescore the same project at once. A long queue (a bulk
 * import, the first start after `silta generate`) is cheaper as one full recompute. A poll every
 * few seconds catches a notification lost while the listening connection was down.
 */
import { Pool, type PoolClient, type Client } from 'pg';
import type { Logger } from 'pino';
import { OVERLAP_LOCK, loadStatistics, rescoreProjects, statisticsVersion, type GramStatistics } from './overlap.engine';
import { recomputeInThread } from './recompute-thread';
import { loadTerritories, type Territories } from './overlap.profiles';

/** Lock timeout, deadlock, serialization failure: the batch is rolled back and its queue rows wait for the next run. */
const RETRYABLE = new Set(['55P03', '40P01', '40001']);

export interface OverlapWorkerOptions {
  /** Projects per transaction. */
  batchSize?: number;
  /** From this many queued projects on, recompute everything instead. */
  fullRecomputeFrom?: number;
  pollMs?: number;
}

export class OverlapWorker {
  private readonly pool: Pool;
  private listener: PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private statistics: GramStatistics | null = null;
  private territories: { value: Territories; loadedAt: number } | undefined;
  private readonly batchSize: number;
  private readonly fullRecomputeFrom: number;
  private readonly pollMs: number;

  /** `ownerUrl`: the engine writes findings, which the serving role may not. */
  constructor(private readonly ownerUrl: string, private readonly logger: Logger, options: OverlapWorkerOptions = {}) {
    this.pool = new Pool({ connectionString: ownerUrl, max: 2, application_name: 'silta-overlaps' });
    this.pool.on('error', (error) => this.logger.warn({ err: error }, 'overlaps: idle connection failed'));
    this.batchSize = options.batchSize ?? 200;
    this.fullRecomputeFrom = options.fullRecomputeFrom ?? 5000;
    this.pollMs = options.pollMs ?? 5000;
  }

  async start(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  private async listen(): Promise<void> {
    const listener = await this.pool.connect();
    (listener as unknown as Client).on('notification', () => this.wake());
    (listener as unknown as Client).on('error', (error: Error) => {
      this.logger.warn({ err: error }, 'overlaps: listening connection failed; polling until it is back');
      if (this.listener === listener) {
        this.listener = undefined;
        listener.release(error);
      }
    });
    await listener.query('listen silta_overlaps');
    this.listener = listener;
  }

  /** Schedules a run; a wake-up during a run makes it go round once more. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.logger.error({ err: error }, 'overlaps: rescoring failed; the queue is kept and retried'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Resolves when the queue is empty (or holds only projects another instance is rescoring). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    if (!this.listener && !this.stopped) await this.listen().catch(() => undefined);
    if (await this.needsFullRecompute()) {
      const result = await recomputeInThread(this.ownerUrl);
      this.logger.info({ ...result }, 'overlaps: full recompute');
    }
    while (!this.stopped) {
      const done = await this.batch();
      if (done === 0) break;
    }
  }

  /**
   * A long queue, or text statistics that are missing or were counted over a corpus a quarter
   * smaller or larger than today's (idf weights drift as projects arrive).
   */
  private async needsFullRecompute(): Promise<boolean> {
    const { rows: [row] } = await this.pool.query<{ queued: number; projects: number; counted: number | null }>(
      `select (select count(*)::int from overlap_dirty) as queued, (select count(*)::int from project) as projects,
              (select (value->>'documents')::int from overlap_state where key = 'corpus') as counted`);
    if (row.queued === 0) return false;
    if (row.queued >= this.fullRecomputeFrom || row.counted === null) return true;
    return row.projects > row.counted * 1.25 + 20 || row.projects < row.counted * 0.8 - 20;
  }

  /** One transaction: take up to batchSize queued projects, rescore them, commit. Returns how many. */
  private async batch(): Promise<number> {
    const client = await this.pool.connect();
    // A connection that fails while checked out (PostgreSQL restarted) emits 'error': without a
    // listener that would end the process; the query in flight rejects, and the batch is retried.
    const onError = (error: Error) => this.logger.warn({ err: error }, 'overlaps: connection failed during a batch');
    client.on('error', onError);
    const started = Date.now();
    try {
      await client.query('begin');
      // Requests come first: a batch that would wait on a request's locks (a project being deleted
      // while its findings are written) gives up before PostgreSQL's deadlock check (1 s) could
      // pick the request as the victim, and is retried.
      await client.query(`set local lock_timeout = '300ms'`);
      // A full recompute (exclusive lock) is running: it will leave newer changes queued for us.
      const { rows: [{ locked }] } = await client.query<{ locked: boolean }>('select pg_try_advisory_xact_lock_shared($1) as locked', [OVERLAP_LOCK]);
      if (!locked) {
        await client.query('rollback');
        return 0;
      }
      const { rows } = await client.query<{ project_id: number }>(
        `delete from overlap_dirty where project_id in (
           select project_id from overlap_dirty order by queued_at, project_id limit $1 for update skip locked)
         returning project_id`,
        [this.batchSize],
      );
      if (!rows.length) {
        await client.query('rollback');
        return 0;
      }
      const context = { statistics: await this.currentStatistics(client), territories: await this.currentTerritories(client) };
      const result = await rescoreProjects(client, rows.map((row) => row.project_id), context);
      await client.query('commit');
      this.logger.debug({ ...result, ms: Date.now() - started }, 'overlaps: rescored');
      return rows.length;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      if (RETRYABLE.has((error as { code?: string }).code ?? '')) {
        this.logger.debug({ code: (error as { code?: string }).code }, 'overlaps: batch gave way to a request; retrying');
        setTimeout(() => this.wake(), 100).unref();
        return 0;
      }
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release();
    }
  }

  private async currentStatistics(client: PoolClient): Promise<GramStatistics | null> {
    const version = await statisticsVersion(client);
    if (version !== (this.statistics?.version ?? null)) this.statistics = await loadStatistics(client);
    return this.statistics;
  }

  private async currentTerritories(client: PoolClient): Promise<Territories> {
    if (!this.territories || Date.now() - this.territories.loadedAt > 30_000) {
      this.territories = { value: await loadTerritories(client), loadedAt: Date.now() };
    }
    return this.territories.value;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
    if (this.listener) {
      await this.listener.query('unlisten silta_overlaps').catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
    await this.pool.end();
  }
}
