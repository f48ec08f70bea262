/**
 * A subscription's event source: replays every stored event after its cursor that the subscriber
 * may see, then waits for a wake-up (or a poll) and reads again, from the same cursor, forever.
 * Replay and live are the same loop over the log, so there is no seam to lose or repeat an event
 * at; every read runs in a transaction of its own as the subscriber, with its rights re-checked
 * first (a revoked token ends the subscription), so visibility is decided at delivery time.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer';
import { seesAllProjects } from '../auth/viewer';
import { RequestTransaction } from '../../shared/db/request-transaction';
import type { ActivityNotifier } from './activity.notifier';
import { heldBack, positionOf, readActivity, type ActivityConditions, type ActivityPosition, type RunSql } from './activity.log';
import { endOfLog, requestSql } from './activity.service';
import { ActivityEvent } from './activity.types';

export interface ActivityStreamOptions {
  orm: MikroORM;
  notifier: ActivityNotifier;
  /** Who is subscribed, as of now (throws when the token no longer works). */
  viewer: () => Promise<Viewer>;
  conditions: ActivityConditions;
  /** Where to start: a position, or the end of the log (only new events). */
  after: ActivityPosition | 'end';
  batchSize?: number;
  /** How long to wait without a notification while events are held back by an older transaction. */
  pollMs?: number;
  /** … and otherwise (a safety net for notifications lost while the listening connection was down). */
  idlePollMs?: number;
  statementTimeoutMs?: number;
}

async function asViewer<T>(options: ActivityStreamOptions, viewer: Viewer, fn: (run: RunSql) => Promise<T>): Promise<T> {
  const em = options.orm.em.fork();
  const transaction = await RequestTransaction.begin(em, { ...viewer, seesAllProjects: seesAllProjects(viewer) }, options.statementTimeoutMs ?? 0);
  try {
    return await fn(requestSql(em));
  } finally {
    // Reads only: ending it without a commit keeps nothing from being written by accident.
    await transaction.rollback();
  }
}

export async function* activityStream(options: ActivityStreamOptions): AsyncGenerator<ActivityEvent> {
  const batchSize = options.batchSize ?? 100;
  const pollMs = options.pollMs ?? 250;
  const idlePollMs = options.idlePollMs ?? 15_000;
  let position = options.after === 'end' ? await asViewer(options, await options.viewer(), endOfLog) : options.after;
  for (;;) {
    const generation = options.notifier.generation;
    const viewer = await options.viewer();
    const { rows, held } = await asViewer(options, viewer, async (run) => {
      const read = await readActivity(run, position, options.conditions, batchSize);
      return { rows: read, held: read.length < batchSize && (await heldBack(run, read.length ? positionOf(read[read.length - 1]) : position)) };
    });
    for (const row of rows) {
      position = positionOf(row);
      yield ActivityEvent.from(row);
    }
    if (rows.length < batchSize) await options.notifier.wait(generation, held ? pollMs : idlePollMs);
  }
}
