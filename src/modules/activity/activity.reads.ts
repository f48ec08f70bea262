/**
 * Shared, bounded reads of the activity log for subscriptions. A wake-up used to cost every
 * subscriber a transaction of its own and six statements; with a thousand subscribers that was
 * thousands of transactions per event. Here subscribers that read as the same viewer (the same
 * row-level-security settings, so they may see exactly the same events) from the same position
 * share one read of every visible event after it, and each applies its own filter to the rows
 * (`matchesConditions`, the same conditions as `conditionsSql`). Visibility is still decided at
 * delivery, in a read started after the wake-up, with the viewer's current rights. Reads wait in a
 * queue so that at most `maxConcurrent` transactions run at once and HTTP requests keep the rest of
 * the pool.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { RequestTransaction } from '../../shared/db/request-transaction';
import { sessionViewerParams, type SessionViewer } from '../../shared/db/session';
import { seesAllProjects, type Viewer } from '../auth/viewer';
import { readVisibleActivity, type ActivityPosition, type ActivityRow, type RunSql } from './activity.log';
import { requestSql } from './activity.service';

export interface ActivityReadsOptions {
  /** Rows per shared read; a full batch means the readers read again at once. */
  batchSize?: number;
  /** Transactions at once (the rest wait in the queue). */
  maxConcurrent?: number;
  statementTimeoutMs?: number;
}

/** What one shared read found after a position. */
export interface SharedRead {
  /** Every event after the position that the viewer may see, below the horizon, in log order. */
  rows: ActivityRow[];
  /** More may follow at once (the batch was full). */
  full: boolean;
  /** Events after the last row are held back by a transaction still running: look again soon. */
  held: boolean;
}

interface PendingRead {
  viewer: SessionViewer;
  after: ActivityPosition;
  resolve(read: SharedRead): void;
  reject(error: unknown): void;
  promise: Promise<SharedRead>;
}

function sessionViewerOf(viewer: Viewer): SessionViewer {
  return { ...viewer, seesAllProjects: seesAllProjects(viewer) };
}

/** Readers whose settings are equal see the same rows (the settings are all row-level security reads). */
function viewerKey(viewer: SessionViewer): string {
  return sessionViewerParams(viewer).join('|');
}

export class ActivityReads {
  private readonly batchSize: number;
  private readonly maxConcurrent: number;
  /** Reads not started yet, by viewer and position: a reader asking for the same joins it. */
  private readonly waiting = new Map<string, PendingRead>();
  private readonly queue: Array<() => Promise<void>> = [];
  private running = 0;
  private scheduled = false;
  /** Statements' worth of work done, for tests: shared reads run. */
  readsRun = 0;

  constructor(private readonly orm: MikroORM, private readonly options: ActivityReadsOptions = {}) {
    this.batchSize = options.batchSize ?? 500;
    this.maxConcurrent = options.maxConcurrent ?? 4;
  }

  /**
   * Every event after `after` that `viewer` may see, read in a transaction that starts after this
   * call (so after whatever woke the caller), shared with callers of the same viewer and position
   * that ask before it starts.
   */
  read(viewer: Viewer, after: ActivityPosition): Promise<SharedRead> {
    const session = sessionViewerOf(viewer);
    const key = `${viewerKey(session)}@${after.xid}.${after.id}`;
    const waiting = this.waiting.get(key);
    if (waiting) return waiting.promise;
    let resolve!: (read: SharedRead) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<SharedRead>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    const pending: PendingRead = { viewer: session, after, resolve, reject, promise };
    this.waiting.set(key, pending);
    this.enqueue(async () => {
      // Started: later callers need a read of their own, with a snapshot taken after they asked.
      this.waiting.delete(key);
      try {
        this.readsRun += 1;
        pending.resolve(await this.asViewer(pending.viewer, async (run) => {
          const { rows, held } = await readVisibleActivity(run, pending.after, this.batchSize);
          return { rows, held, full: rows.length >= this.batchSize };
        }));
      } catch (error) {
        pending.reject(error);
      }
    });
    return promise;
  }

  /** Runs `fn` in a read-only transaction as `viewer`, in turn with the shared reads. */
  run<T>(viewer: Viewer, fn: (run: RunSql) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue(() => this.asViewer(sessionViewerOf(viewer), fn).then(resolve, reject));
    });
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue.push(job);
    // Started on the next turn, not now: the subscribers one notification wakes ask in the same
    // turn, and so share the reads instead of each starting one.
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.queue.length) {
      const job = this.queue.shift()!;
      this.running += 1;
      void job().finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async asViewer<T>(viewer: SessionViewer, fn: (run: RunSql) => Promise<T>): Promise<T> {
    const em = this.orm.em.fork();
    const transaction = await RequestTransaction.begin(em, viewer, this.options.statementTimeoutMs ?? 0);
    try {
      return await fn(requestSql(em));
    } finally {
      // Reads only: ending it without a commit keeps nothing from being written by accident.
      await transaction.rollback();
    }
  }
}
