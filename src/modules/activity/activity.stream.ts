/**
 * A subscription's event source: replays every stored event after its cursor that the subscriber
 * may see, then waits for a wake-up (or a poll) and reads again, from the same cursor, forever.
 * Replay and live are the same loop over the log, so there is no seam to lose or repeat an event
 * at. Every read starts after the wake-up, runs as the subscriber (its rights re-checked first: a
 * revoked token ends the subscription), and is shared with the subscribers of the same viewer at the
 * same position (see activity.reads.ts), so visibility is still decided at delivery time.
 */
import type { Viewer } from '../auth/viewer';
import type { ActivityNotifier } from './activity.notifier';
import { assertRetained, matchesConditions, positionOf, type ActivityConditions, type ActivityPosition } from './activity.log';
import type { ActivityReads } from './activity.reads';
import { endOfLog } from './activity.service';
import { ActivityEvent } from './activity.types';

export interface ActivityStreamOptions {
  reads: ActivityReads;
  notifier: ActivityNotifier;
  /** Who is subscribed, as of now (throws when the token no longer works). */
  viewer: () => Promise<Viewer>;
  conditions: ActivityConditions;
  /** Where to start: a position, or the end of the log (only new events). */
  after: ActivityPosition | 'end';
  /** How long to wait without a notification while events are held back by an older transaction. */
  pollMs?: number;
  /** … and otherwise (a safety net for notifications lost while the listening connection was down). */
  idlePollMs?: number;
}

export async function* activityStream(options: ActivityStreamOptions): AsyncGenerator<ActivityEvent> {
  const { reads, notifier, conditions } = options;
  const pollMs = options.pollMs ?? 250;
  const idlePollMs = options.idlePollMs ?? 15_000;
  const start = options.after;
  let position = start === 'end'
    ? await reads.run(await options.viewer(), endOfLog)
    : await reads.run(await options.viewer(), async (run) => {
        await assertRetained(run, start, 'after');
        return start;
      });
  for (;;) {
    const generation = notifier.generation;
    const { rows, held, full } = await reads.read(await options.viewer(), position);
    for (const row of rows) {
      // Past every row read, matching or not: they were all looked at, in log order.
      position = positionOf(row);
      if (matchesConditions(row, conditions)) yield ActivityEvent.from(row);
    }
    if (!full) await notifier.wait(generation, held ? pollMs : idlePollMs);
  }
}
