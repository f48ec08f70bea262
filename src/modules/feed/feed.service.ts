import { readActivityBefore, type ActivityConditions, type ActivityRow, type RunSql } from '../activity/activity.log';

/** Events in a feed. */
export const FEED_SIZE = 50;

/**
 * The newest `limit` events that match, newest first, as the transaction's viewer sees them (row-level
 * security). A feed is a window, not a cursor, so it reads backwards with the log's own
 * `readActivityBefore`: the same bound (below the oldest running transaction), so an entry never
 * appears in a later fetch *behind* ones already shown, and the same filter and ordering.
 */
export async function latestActivity(run: RunSql, conditions: ActivityConditions, limit = FEED_SIZE): Promise<ActivityRow[]> {
  return (await readActivityBefore(run, null, conditions, limit)).reverse();
}
