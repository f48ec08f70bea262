/**
 * One LISTEN connection per Silta instance on `silta_activity`: the triggers notify on commit with
 * an empty payload, so a notification only says "look again"; what changed is read from the log.
 * A generation counter lets a reader tell whether anything arrived between its read and its wait,
 * and a reader that misses a wake-up (connection down, notification lost) still polls.
 */
import { Client } from 'pg';
import type { Logger } from 'pino';

export class ActivityNotifier {
  private client: Client | undefined;
  /** Readers waiting for the next wake-up (a set: a thousand subscribers add and remove themselves in O(1)). */
  private readonly waiters = new Set<() => void>();
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  /** Bumped on every notification (and on reconnecting, when some may have been missed). */
  generation = 0;

  constructor(private readonly url: string, private readonly logger: Logger) {}

  async start(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'silta-activity' });
    client.on('notification', () => this.bump());
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'activity: listening connection failed; reconnecting');
      this.client = undefined;
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    });
    await client.connect();
    await client.query('listen silta_activity');
    this.client = client;
    this.bump();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start().catch(() => this.scheduleReconnect());
    }, 1000);
    this.retry.unref();
  }

  private bump(): void {
    this.generation += 1;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  /** Resolves on the next notification, after `ms`, or at once when `since` is no longer the current generation. */
  wait(since: number, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.generation !== since || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', done);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.bump();
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
