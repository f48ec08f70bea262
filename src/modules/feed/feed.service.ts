import { conditionsSql, type ActivityConditions, type ActivityRow, type RunSql } from '../activity/activity.log';

/** Events in a feed. */
export const FEED_SIZE = 50;

/**
 * The newest `limit` events that match, newest first, as the transaction's viewer sees them (row-level
 * security). A feed is a window, not a cursor, so it reads backwards; it keeps the log's bound (below
 * the oldest running transaction), so an entry never appears in a later fetch *behind* ones already
 * shown, and conditions come from the log's own `conditionsSql`.
 */
export async function latestActivity(run: RunSql, conditions: ActivityConditions, limit = FEED_SIZE): Promise<ActivityRow[]> {
  const filter = conditionsSql(conditions, 2);
  return run<ActivityRow>(
    `select id::text, xid::text, occurred_at, type, entity_type, entity_id, project_id, overlap_a, overlap_b, post_id,
            project_ids, organisation_ids, programme_ids, schemes, postal_codes, cross_divide, payload
       from activity_event
      where xid < pg_snapshot_xmin(pg_current_snapshot())
        and ${filter.sql}
      order by xid desc, id desc
      limit $1`,
    [limit, ...filter.params],
  );
}
