/**
 * Reading the activity log in commit-safe order. An event's position is (xid, id): the writing
 * transaction's ID, then the row's. Every read stays below the oldest transaction still running
 * (pg_snapshot_xmin of the reading statement's snapshot): a transaction that has not committed
 * yet has an xid at or above that bound, so when it commits its events sort after everything
 * read so far, and a reader that moves its cursor past what it read can never skip one. The
 * price is latency, not loss: events of a fast transaction wait until every older one ends.
 * Reads run as the viewer (row-level security decides which events they get).
 */
import { GraphQLError } from 'graphql';
import { badUserInput, ErrorCode } from '../../shared/errors';
import type { ActivityType } from './activity.enums';

/** Where a reader is in the log. */
export interface ActivityPosition {
  xid: string;
  id: string;
}

/** The start of the log. */
export const LOG_START: ActivityPosition = { xid: '0', id: '0' };

const DIGITS = /^(0|[1-9][0-9]{0,19})$/;

/** A position as an opaque cursor: base64url of "xid.id". */
export function encodePosition(position: ActivityPosition): string {
  return Buffer.from(`${position.xid}.${position.id}`, 'utf8').toString('base64url');
}

export function decodePosition(cursor: string, argumentName: string): ActivityPosition {
  const invalid = () => badUserInput('invalid activity cursor: pass an event’s `cursor` (or `pageInfo.endCursor`) unchanged', argumentName);
  if (cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) throw invalid();
  const [xid, id, ...rest] = text.split('.');
  if (rest.length || !DIGITS.test(xid ?? '') || !DIGITS.test(id ?? '') || BigInt(xid) > 18446744073709551615n || BigInt(id) > 9223372036854775807n) {
    throw invalid();
  }
  return { xid, id };
}

/** Which events a reader wants (all conditions must hold; each list matches any of its values). */
export interface ActivityConditions {
  types?: ActivityType[];
  schemes?: string[];
  programmeIds?: number[];
  organisationIds?: number[];
  projectIds?: number[];
  postalCodes?: string[];
  crossDivideOnly?: boolean;
}

export interface ActivityRow {
  id: string;
  xid: string;
  occurred_at: Date | string;
  type: ActivityType;
  entity_type: string;
  entity_id: string;
  project_id: number | null;
  overlap_a: number | null;
  overlap_b: number | null;
  post_id: number | null;
  project_ids: number[];
  organisation_ids: number[];
  programme_ids: number[];
  schemes: string[];
  postal_codes: string[];
  cross_divide: boolean;
  payload: Record<string, unknown>;
}

/** The part of node-postgres / knex the log needs: one statement with positional ($n) parameters. */
export type RunSql = <R>(sql: string, params: unknown[]) => Promise<R[]>;

/** The filter as SQL on activity_event, with its parameters from `$from` on. */
export function conditionsSql(conditions: ActivityConditions, from: number): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    parts.push(sql(from + params.length - 1));
  };
  if (conditions.types?.length) add((n) => `type = any($${n}::activity_type[])`, conditions.types);
  if (conditions.schemes?.length) add((n) => `schemes && $${n}::text[]`, conditions.schemes);
  if (conditions.programmeIds?.length) add((n) => `programme_ids && $${n}::int[]`, conditions.programmeIds);
  if (conditions.organisationIds?.length) add((n) => `organisation_ids && $${n}::int[]`, conditions.organisationIds);
  if (conditions.projectIds?.length) add((n) => `project_ids && $${n}::int[]`, conditions.projectIds);
  if (conditions.postalCodes?.length) add((n) => `postal_codes && $${n}::text[]`, conditions.postalCodes);
  if (conditions.crossDivideOnly) parts.push('cross_divide');
  return { sql: parts.length ? parts.join(' and ') : 'true', params };
}

const COLUMNS = `e.id::text as id, e.xid::text as xid, occurred_at, type, entity_type, entity_id, project_id, overlap_a, overlap_b, post_id,
  project_ids, organisation_ids, programme_ids, schemes, postal_codes, cross_divide, payload`;

/** The last `limit` matching events before `before` (or before the horizon), oldest first: paging backwards. */
export async function readActivityBefore(run: RunSql, before: ActivityPosition | null, conditions: ActivityConditions, limit: number): Promise<ActivityRow[]> {
  const filter = conditionsSql(conditions, 4);
  const rows = await run<ActivityRow>(
    `select ${COLUMNS} from activity_event e
      where ($1::text is null or (e.xid, e.id) < ($1::xid8, $2::bigint))
        and e.xid < pg_snapshot_xmin(pg_current_snapshot())
        and ${filter.sql}
      order by e.xid desc, e.id desc
      limit $3`,
    [before?.xid ?? null, before?.id ?? null, limit, ...filter.params],
  );
  return rows.reverse();
}

/** Events by ID (those the reader may see, below the horizon). */
export async function readActivityByIds(run: RunSql, ids: readonly string[]): Promise<ActivityRow[]> {
  return run<ActivityRow>(`select ${COLUMNS} from activity_event e where e.id = any($1::bigint[]) and e.xid < pg_snapshot_xmin(pg_current_snapshot())`, [ids]);
}

/**
 * Up to `limit` events after `after` that match, in log order, below the oldest running
 * transaction. Runs in the caller's transaction, as the caller's viewer.
 */
export async function readActivity(run: RunSql, after: ActivityPosition, conditions: ActivityConditions, limit: number): Promise<ActivityRow[]> {
  const filter = conditionsSql(conditions, 4);
  return run<ActivityRow>(
    // Ordered by the columns themselves (e.xid, e.id), not by the text columns of the same names.
    `select ${COLUMNS} from activity_event e
      where (e.xid, e.id) > ($1::xid8, $2::bigint)
        and e.xid < pg_snapshot_xmin(pg_current_snapshot())
        and ${filter.sql}
      order by e.xid, e.id
      limit $3`,
    [after.xid, after.id, limit, ...filter.params],
  );
}

/**
 * Every event after `after` that the reader may see, below the horizon, up to `limit`, with no filter
 * (subscribers sharing the read filter the rows themselves, `matchesConditions`), and whether events
 * after the last row returned are held back by a transaction still running, in one statement: both
 * parts see one snapshot and one horizon. An empty read still returns one row, for `held`.
 */
export async function readVisibleActivity(run: RunSql, after: ActivityPosition, limit: number): Promise<{ rows: ActivityRow[]; held: boolean }> {
  const found = await run<ActivityRow & { held: boolean; found: boolean }>(
    `with horizon as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin),
          batch as (select e.* from activity_event e, horizon h
                     where (e.xid, e.id) > ($1::xid8, $2::bigint) and e.xid < h.xmin
                     order by e.xid, e.id limit $3),
          tail as (select b.xid, b.id from batch b order by b.xid desc, b.id desc limit 1),
          last as (select coalesce((select xid from tail), $1::xid8) as xid, coalesce((select id from tail), $2::bigint) as id)
     select b.id is not null as found,
            b.id::text as id, b.xid::text as xid, b.occurred_at, b.type, b.entity_type, b.entity_id, b.project_id, b.overlap_a, b.overlap_b, b.post_id,
            b.project_ids, b.organisation_ids, b.programme_ids, b.schemes, b.postal_codes, b.cross_divide, b.payload,
            exists (select 1 from activity_event e, horizon h, last l where (e.xid, e.id) > (l.xid, l.id) and e.xid >= h.xmin) as held
       from horizon left join batch b on true
      order by b.xid, b.id`,
    [after.xid, after.id, limit],
  );
  return { rows: found.filter((row) => row.found).map(({ found: _found, held: _held, ...row }) => row), held: found[0]?.held ?? false };
}

/** Whether a row meets the conditions: the same rules as `conditionsSql`, for rows read without a filter. */
export function matchesConditions(row: Pick<ActivityRow, 'type' | 'schemes' | 'programme_ids' | 'organisation_ids' | 'project_ids' | 'postal_codes' | 'cross_divide'>, conditions: ActivityConditions): boolean {
  const overlaps = <T>(values: readonly T[], wanted: readonly T[] | undefined) => !wanted?.length || values.some((value) => wanted.includes(value));
  return (
    (!conditions.types?.length || conditions.types.includes(row.type)) &&
    overlaps(row.schemes, conditions.schemes) &&
    overlaps(row.programme_ids, conditions.programmeIds) &&
    overlaps(row.organisation_ids, conditions.organisationIds) &&
    overlaps(row.project_ids, conditions.projectIds) &&
    overlaps(row.postal_codes, conditions.postalCodes) &&
    (!conditions.crossDivideOnly || row.cross_divide)
  );
}

export function positionOf(row: Pick<ActivityRow, 'xid' | 'id'>): ActivityPosition {
  return { xid: row.xid, id: row.id };
}

function compare(a: ActivityPosition, b: ActivityPosition): number {
  const x = BigInt(a.xid) - BigInt(b.xid);
  if (x !== 0n) return x < 0n ? -1 : 1;
  const y = BigInt(a.id) - BigInt(b.id);
  return y === 0n ? 0 : y < 0n ? -1 : 1;
}

/**
 * Refuses a cursor the retention has overtaken: events after it may have been deleted, so reading on
 * would skip them silently. The client must resync (read the current state, subscribe without `after`).
 */
export async function assertRetained(run: RunSql, position: ActivityPosition, argumentName: string): Promise<void> {
  const [pruned] = await run<{ xid: string; id: string; pruned_at: Date }>(
    `select pruned_xid::text as xid, pruned_id::text as id, pruned_at from activity_retention where key = 'log'`, []);
  if (pruned && compare(position, pruned) < 0) {
    throw new GraphQLError(
      `This cursor is older than the activity log keeps (events up to ${new Date(pruned.pruned_at).toISOString()} have been deleted): resync by reading the current state, then subscribe without \`after\` or page from the start of the log`,
      { extensions: { code: ErrorCode.BAD_USER_INPUT, argumentName, reason: 'CURSOR_EXPIRED' } },
    );
  }
}

/** Deletes events older than `days` days and records how far the log is pruned; returns how many went. */
export async function pruneActivity(run: RunSql, days: number): Promise<number> {
  const rows = await run<{ deleted: string }>(
    `with gone as (delete from activity_event where occurred_at < now() - make_interval(days => $1) returning xid, id),
          last as (select xid, id from gone order by xid desc, id desc limit 1),
          mark as (insert into activity_retention (key, pruned_xid, pruned_id, pruned_at) select 'log', xid, id, now() from last
                   on conflict (key) do update set
                     pruned_xid = case when (excluded.pruned_xid, excluded.pruned_id) > (activity_retention.pruned_xid, activity_retention.pruned_id) then excluded.pruned_xid else activity_retention.pruned_xid end,
                     pruned_id = case when (excluded.pruned_xid, excluded.pruned_id) > (activity_retention.pruned_xid, activity_retention.pruned_id) then excluded.pruned_id else activity_retention.pruned_id end,
                     pruned_at = now()
                   returning 1)
     select count(*)::text as deleted from gone`,
    [days],
  );
  return Number(rows[0].deleted);
}

/**
 * A RunSql on a knex-like `raw` (the request transaction's, via knexOf(em)): `$n` placeholders
 * become knex's `?` in the order they appear, each with its value.
 */
export function runOnKnex(raw: (sql: string, bindings: unknown[]) => Promise<{ rows: unknown[] }>): RunSql {
  return async <R>(sql: string, params: unknown[]) => {
    const bindings: unknown[] = [];
    const text = sql.replace(/\?/g, '\\?').replace(/\$(\d+)/g, (_, n: string) => {
      bindings.push(params[Number(n) - 1]);
      return '?';
    });
    return (await raw(text, bindings)).rows as R[];
  };
}

/** How many events match (that the reader may see), below the same horizon as readActivity. */
export async function countActivity(run: RunSql, conditions: ActivityConditions): Promise<number> {
  const filter = conditionsSql(conditions, 1);
  const rows = await run<{ n: string }>(
    `select count(*) as n from activity_event where xid < pg_snapshot_xmin(pg_current_snapshot()) and ${filter.sql}`, filter.params);
  return Number(rows[0].n);
}
