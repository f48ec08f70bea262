/**
 * Delivers webhooks from every Silta instance. Wakes on `silta_activity` (the log's triggers notify
 * on commit; the payload is empty, the log is the truth), on a poll, and when the earliest retry is
 * due. Each pass claims due hooks with `for update skip locked` and a lease (a short transaction
 * that marks them taken until the lease ends), so two instances never work on one hook at once,
 * and no transaction stays open while a receiver is slow (an open transaction with an xid would
 * hold back every reader of the log, which reads below the oldest running one). For each hook it
 * reads the next events after the hook's cursor as the hook's account, with that account's rights
 * now (the serving role under row-level security, with the viewer's settings set as a request sets
 * them), POSTs them one by one, and moves the cursor after each 2xx, in PostgreSQL: a restart loses
 * nothing. A failure is retried after base × 2^(n−1) (capped); `maxFailures` in a row disable the
 * hook with the reason. A crash between a receiver's 2xx and the cursor's update redelivers that
 * one event after the lease ends: receivers deduplicate by the event's `id`.
 */
import { randomUUID } from 'node:crypto';
import { Pool, type Client, type PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { WebhookConfig } from '../../config';
import { SESSION_VIEWER_SQL, sessionViewerParams } from '../../shared/db/session';
import { toGlobalId } from '../../shared/relay/global-id';
import { positionOf, readActivity, type ActivityPosition, type ActivityRow, type RunSql } from '../activity/activity.log';
import { accountViewer } from '../auth/authenticate';
import { isAdmin, seesAllProjects, type Viewer } from '../auth/viewer';
import { conditionsOf, type StoredActivityFilter } from '../feed/activity-filter';
import { eventJson } from '../feed/activity-view';
import { postChecked, type Resolver } from './webhook.http';
import { mayReceiveWebhooks } from './webhook.service';
import { signature } from './webhook.signing';

export interface WebhookWorkerOptions {
  /** Events read per look at the log. */
  batchSize?: number;
  /** Hooks claimed per transaction. */
  claimSize?: number;
  /** How long a claim holds; longer than any delivery batch can take. */
  leaseMs?: number;
  /** Name resolution (tests give a fixed one). */
  resolve?: Resolver;
}

interface ClaimedHook {
  id: number;
  account_id: number;
  url: string;
  filter: StoredActivityFilter;
  signing_secret: string;
  cursor_xid: string;
  cursor_id: string;
  consecutive_failures: number;
}

const ERROR_LENGTH = 500;
const EXCERPT_LENGTH = 200;

/** The wait before retry `failures` (1 for the first retry): base × 2^(failures−1), at most max. */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
}

export class WebhookWorker {
  private readonly owner: Pool;
  private readonly serving: Pool;
  private listener: PoolClient | undefined;
  private poll: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly batchSize: number;
  private readonly claimSize: number;
  private readonly leaseMs: number;

  /**
   * `ownerUrl`: the hooks' delivery state and log, which the serving role may not write.
   * `servingUrl`: reading the activity log as a hook's account, under row-level security (the
   * owner would bypass it).
   */
  constructor(
    ownerUrl: string,
    servingUrl: string,
    private readonly config: WebhookConfig,
    private readonly logger: Logger,
    private readonly options: WebhookWorkerOptions = {},
  ) {
    this.owner = new Pool({ connectionString: ownerUrl, max: 2, application_name: 'silta-webhooks' });
    this.serving = new Pool({ connectionString: servingUrl, max: 2, application_name: 'silta-webhooks-read' });
    for (const pool of [this.owner, this.serving]) pool.on('error', (error) => this.logger.warn({ err: error }, 'webhooks: idle connection failed'));
    this.batchSize = options.batchSize ?? 20;
    this.claimSize = options.claimSize ?? 10;
    this.leaseMs = options.leaseMs ?? Math.max(60_000, 4 * (config.connectTimeoutMs + config.responseTimeoutMs) * (options.batchSize ?? 20));
  }

  async start(): Promise<void> {
    await this.listen();
    this.poll = setInterval(() => this.wake(), this.config.pollMs);
    this.poll.unref();
    this.wake();
  }

  private async listen(): Promise<void> {
    const listener = await this.owner.connect();
    (listener as unknown as Client).on('notification', () => this.wake());
    (listener as unknown as Client).on('error', (error: Error) => {
      this.logger.warn({ err: error }, 'webhooks: listening connection failed; polling until it is back');
      listener.release(error);
      this.listener = undefined;
    });
    await listener.query('listen silta_activity');
    this.listener = listener;
  }

  /** Schedules a pass; a wake-up during a pass makes it go round once more. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.logger.error({ err: error }, 'webhooks: delivery pass failed; state is kept and retried'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.wake();
        } else {
          void this.scheduleRetry();
        }
      });
  }

  /** Resolves when no pass is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One pass over every due hook (by ID, so each is visited once per pass). */
  private async drain(): Promise<void> {
    if (!this.listener && !this.stopped) await this.listen().catch(() => undefined);
    let after = 0;
    while (!this.stopped) {
      const token = randomUUID();
      const hooks = await this.claim(after, token);
      if (!hooks.length) return;
      for (const hook of hooks) {
        after = Math.max(after, hook.id);
        if (this.stopped) {
          await this.release(hook.id, token);
          continue;
        }
        try {
          await this.deliverHook(hook, token);
        } catch (error) {
          this.logger.error({ err: error, webhookId: hook.id }, 'webhooks: delivering failed; the hook is retried on the next pass');
          await this.release(hook.id, token).catch(() => undefined);
        }
      }
    }
  }

  private async claim(after: number, token: string): Promise<ClaimedHook[]> {
    const { rows } = await this.owner.query<ClaimedHook>(
      `update webhook w set lease_until = now() + make_interval(secs => $1::float8 / 1000), lease_token = $2
        where w.id in (select id from webhook
                        where status = 'ACTIVE' and next_attempt_at <= now() and id > $3
                          and (lease_until is null or lease_until < now())
                        order by id limit $4 for update skip locked)
       returning w.id, w.account_id, w.url, w.filter, w.signing_secret, w.cursor_xid::text, w.cursor_id::text, w.consecutive_failures`,
      [this.leaseMs, token, after, this.claimSize],
    );
    return rows.sort((a, b) => a.id - b.id);
  }

  private async release(id: number, token: string): Promise<void> {
    await this.owner.query('update webhook set lease_until = null, lease_token = null where id = $1 and lease_token = $2', [id, token]);
  }

  private async disable(id: number, token: string, reason: string): Promise<void> {
    await this.owner.query(
      `update webhook set status = 'DISABLED', disabled_reason = $3, disabled_at = now(), next_attempt_at = null, lease_until = null, lease_token = null
        where id = $1 and lease_token = $2`,
      [id, token, reason],
    );
    this.logger.warn({ webhookId: id, reason }, 'webhooks: hook disabled');
  }

  /** The next events after `after` that the account may see now and the filter matches. */
  private async readAs(viewer: Viewer, after: ActivityPosition, filter: StoredActivityFilter): Promise<ActivityRow[]> {
    const client = await this.serving.connect();
    try {
      await client.query('begin read only');
      await client.query(SESSION_VIEWER_SQL, sessionViewerParams({ ...viewer, seesAllProjects: seesAllProjects(viewer), admin: isAdmin(viewer) }, 30_000));
      const run: RunSql = async <R>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as R[];
      const rows = await readActivity(run, after, conditionsOf(filter), this.batchSize);
      await client.query('commit');
      return rows;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async deliverHook(hook: ClaimedHook, token: string): Promise<void> {
    let cursor: ActivityPosition = { xid: hook.cursor_xid, id: hook.cursor_id };
    let failures = hook.consecutive_failures;
    for (;;) {
      const viewer = await accountViewer(async <R>(sql: string, params: unknown[]) => (await this.owner.query(sql, params)).rows as R[], hook.account_id);
      if (!viewer) return this.disable(hook.id, token, 'The account that registered the hook is disabled or removed');
      if (!mayReceiveWebhooks(viewer)) {
        return this.disable(hook.id, token, 'The account that registered the hook is no longer a programme coordinator or a verified member of an organisation');
      }
      const events = await this.readAs(viewer, cursor, hook.filter ?? {});
      if (!events.length) return this.release(hook.id, token);
      for (const event of events) {
        const outcome = await this.deliver(hook, event, failures + 1);
        if (!outcome.ok) {
          failures += 1;
          return this.recordFailure(hook, token, event, failures, outcome);
        }
        if (!(await this.recordSuccess(hook, token, event, failures + 1, outcome))) return; // the lease was lost
        cursor = positionOf(event);
        failures = 0;
      }
      if (events.length < this.batchSize) return this.release(hook.id, token);
    }
  }

  private async deliver(hook: ClaimedHook, event: ActivityRow, attempt: number) {
    const body = JSON.stringify({ ...eventJson(event), webhook: toGlobalId('Webhook', hook.id), attempt });
    const deliveryId = randomUUID();
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await postChecked(
      new URL(hook.url),
      body,
      {
        'content-type': 'application/json',
        'user-agent': 'Silta-Webhooks/1',
        'x-silta-signature': signature(hook.signing_secret, timestamp, body),
        'x-silta-timestamp': String(timestamp),
        'x-silta-event': event.type,
        'x-silta-delivery': deliveryId,
        'x-silta-webhook': toGlobalId('Webhook', hook.id),
      },
      this.config,
      this.config,
      this.options.resolve,
    );
    return { ...result, deliveryId };
  }

  private async logDelivery(
    client: PoolClient,
    hook: ClaimedHook,
    event: ActivityRow,
    attempt: number,
    outcome: Awaited<ReturnType<WebhookWorker['deliver']>>,
    nextAttemptAt: Date | null,
  ): Promise<void> {
    await client.query(
      `insert into webhook_delivery (webhook_id, delivery_id, event_xid, event_id, event_type, attempt, status, response_status, error, response_excerpt, duration_ms, next_attempt_at)
       values ($1, $2, $3::xid8, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        hook.id,
        outcome.deliveryId,
        event.xid,
        event.id,
        event.type,
        attempt,
        outcome.ok ? 'SUCCEEDED' : 'FAILED',
        outcome.status,
        outcome.error?.slice(0, ERROR_LENGTH) ?? null,
        outcome.excerpt?.slice(0, EXCERPT_LENGTH) ?? null,
        outcome.durationMs,
        nextAttemptAt,
      ],
    );
  }

  /** Logs the attempt and moves the cursor past the event; false when another instance holds the hook now. */
  private async recordSuccess(hook: ClaimedHook, token: string, event: ActivityRow, attempt: number, outcome: Awaited<ReturnType<WebhookWorker['deliver']>>): Promise<boolean> {
    return this.inOwnerTransaction(async (client) => {
      const { rowCount } = await client.query(
        `update webhook set cursor_xid = $3::xid8, cursor_id = $4, consecutive_failures = 0, next_attempt_at = now()
          where id = $1 and lease_token = $2`,
        [hook.id, token, event.xid, event.id],
      );
      if (!rowCount) return false;
      await this.logDelivery(client, hook, event, attempt, outcome, null);
      return true;
    });
  }

  private async recordFailure(hook: ClaimedHook, token: string, event: ActivityRow, failures: number, outcome: Awaited<ReturnType<WebhookWorker['deliver']>>): Promise<void> {
    const { retryBaseMs, retryMaxMs, maxFailures } = this.config;
    const disable = failures >= maxFailures;
    const next = disable ? null : new Date(Date.now() + retryDelayMs(failures, retryBaseMs, retryMaxMs));
    const reason = `Disabled after ${failures} failed deliveries in a row of event ${event.id}; the last: ${outcome.error ?? 'no answer'}`.slice(0, ERROR_LENGTH);
    await this.inOwnerTransaction(async (client) => {
      const { rowCount } = await client.query(
        disable
          ? `update webhook set consecutive_failures = $3, status = 'DISABLED', disabled_reason = $4, disabled_at = now(), next_attempt_at = null,
                    lease_until = null, lease_token = null where id = $1 and lease_token = $2`
          : `update webhook set consecutive_failures = $3, next_attempt_at = $4, lease_until = null, lease_token = null where id = $1 and lease_token = $2`,
        [hook.id, token, failures, disable ? reason : next],
      );
      if (rowCount) await this.logDelivery(client, hook, event, failures, outcome, next);
    });
    if (disable) this.logger.warn({ webhookId: hook.id, reason }, 'webhooks: hook disabled');
    else this.logger.info({ webhookId: hook.id, failures, status: outcome.status, retryAt: next }, 'webhooks: delivery failed; will retry');
  }

  private async inOwnerTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.owner.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Wakes when the earliest retry is due, if that is before the next poll. */
  private async scheduleRetry(): Promise<void> {
    if (this.stopped) return;
    try {
      const { rows: [row] } = await this.owner.query<{ ms: number | null }>(
        `select (extract(epoch from min(next_attempt_at) - now()) * 1000)::float8 as ms from webhook where status = 'ACTIVE'`,
      );
      if (row.ms === null || row.ms > this.config.pollMs) return;
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.wake(), Math.max(10, row.ms + 5));
      this.retryTimer.unref();
    } catch (error) {
      this.logger.debug({ err: error }, 'webhooks: could not schedule the next retry; the poll will');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.idle();
    if (this.listener) {
      await this.listener.query('unlisten silta_activity').catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
    await Promise.all([this.owner.end(), this.serving.end()]);
  }
}
