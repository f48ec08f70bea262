import type { EntityDictionary } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { knexOf } from '../../shared/db/session';
import { badUserInput } from '../../shared/errors';
import { buildConnection, MAX_PAGE_SIZE, OrderDirection, parsePageRequest, type Connection, type ConnectionArgs, type PageRequest } from '../../shared/relay/connection';
import { checkCursor, type Cursor } from '../../shared/relay/cursor';
import { decodeEntityId } from '../../shared/relay/global-id';
import type { ListSpec, SortKey } from '../../shared/relay/keyset';
import { Account } from '../auth/account.entity';
import { Overlap, OverlapReview } from './overlap.entity';
import { OverlapKind, OverlapReviewStatus, OverlapStatus } from './overlap.enums';
import type { OverlapFilter, OverlapSummaryFilter } from './overlap.inputs';

/**
 * Overlap reads. Who sees which finding (and which review) is row-level security's business
 * (policies `overlap_select` and `overlap_review_select`): everything here reads through the
 * request's transaction and never decides visibility itself.
 */

/** Findings rank by score, highest first; the ID breaks ties. */
export const OVERLAP_SORT: SortKey = { sql: 't.score', cast: 'float8' };

/** The filter, checked: IDs decoded, values in range. */
export interface OverlapConditions {
  programmeIds?: number[];
  schemes?: string[];
  crossDivideOnly: boolean;
  kinds?: OverlapKind[];
  minScore?: number;
  /** Statuses to keep; undefined: every status but DISMISSED. */
  status?: OverlapStatus[];
}

function nonEmpty<T>(values: readonly T[] | null | undefined, argumentName: string): T[] | undefined {
  if (values == null) return undefined;
  if (values.length === 0) throw badUserInput(`\`${argumentName}\` needs at least one value; leave it out for all`, argumentName);
  return [...new Set(values)];
}

/** Checks a score bound: a finite number from 0 to 1. */
export function checkMinScore(value: number | null | undefined, argumentName: string): number | undefined {
  if (value == null) return undefined;
  if (!Number.isFinite(value) || value < 0 || value > 1) throw badUserInput(`\`${argumentName}\` is a score from 0 to 1; got ${value}`, argumentName);
  return value;
}

/** Validates an overlap filter (BAD_USER_INPUT naming the argument); programmes must exist. */
export async function overlapConditions(
  em: EntityManager,
  filter: (OverlapSummaryFilter & Partial<Pick<OverlapFilter, 'status'>>) | null | undefined,
  argumentName = 'filter',
): Promise<OverlapConditions> {
  const arg = (name: string): string => `${argumentName}.${name}`;
  const programmes = nonEmpty(filter?.programmes, arg('programmes'));
  if (programmes && programmes.length > MAX_PAGE_SIZE) {
    throw badUserInput(`At most ${MAX_PAGE_SIZE} programmes at a time; got ${programmes.length}`, arg('programmes'));
  }
  const programmeIds = programmes?.map((id, index) => decodeEntityId(id, ['Programme'], `${arg('programmes')}[${index}]`));
  if (programmeIds) {
    // Programmes are public: an unknown one is a typo, refused rather than answered with an empty page.
    const rows = await knexOf(em).select('id').from('programme').whereRaw('id = any(?)', [programmeIds as unknown as Knex.Value]);
    const found = new Set((rows as { id: number }[]).map((row) => Number(row.id)));
    const missing = programmeIds.findIndex((id) => !found.has(id));
    if (missing >= 0) throw badUserInput(`Unknown programme ${JSON.stringify(programmes![missing])}`, `${arg('programmes')}[${missing}]`);
  }
  return {
    programmeIds,
    schemes: nonEmpty(filter?.schemes, arg('schemes')),
    crossDivideOnly: filter?.crossDivideOnly === true,
    kinds: nonEmpty(filter?.kinds, arg('kinds')),
    minScore: checkMinScore(filter?.minScore, arg('minScore')),
    status: nonEmpty(filter?.status, arg('status')),
  };
}

/** The review-status condition on `overlap t`: OPEN is a finding nobody has reviewed. */
function applyStatus(qb: Knex.QueryBuilder, status: OverlapStatus[] | undefined, alias = 't'): void {
  if (!status) {
    qb.whereRaw(`${alias}.review_status is distinct from ?`, [OverlapReviewStatus.DISMISSED]);
    return;
  }
  const reviewed = status.filter((value) => value !== OverlapStatus.OPEN);
  const open = status.includes(OverlapStatus.OPEN);
  qb.where((inner) => {
    if (open) inner.orWhereNull(`${alias}.review_status`);
    if (reviewed.length > 0) inner.orWhereRaw(`${alias}.review_status = any(?::overlap_review_status[])`, [reviewed as unknown as Knex.Value]);
  });
}

/** Adds the conditions (all but status) to a query over `overlap t`. */
export function applyOverlapConditions(qb: Knex.QueryBuilder, conditions: Omit<OverlapConditions, 'status'>, alias = 't'): void {
  const pair = `(${alias}.project_a_id, ${alias}.project_b_id)`;
  if (conditions.programmeIds) {
    qb.whereRaw(`exists (select 1 from project p where p.id in ${pair} and p.programme_id = any(?))`, [conditions.programmeIds as unknown as Knex.Value]);
  }
  if (conditions.schemes) {
    qb.whereRaw(
      `exists (select 1 from project p join programme g on g.id = p.programme_id where p.id in ${pair} and g.scheme = any(?::scheme[]))`,
      [conditions.schemes as unknown as Knex.Value],
    );
  }
  if (conditions.crossDivideOnly) qb.where(`${alias}.crosses_divide`, true);
  if (conditions.kinds) qb.whereRaw(`${alias}.kind = any(?::overlap_kind[])`, [conditions.kinds as unknown as Knex.Value]);
  if (conditions.minScore !== undefined) qb.where(`${alias}.score`, '>=', conditions.minScore);
}

/** `overlaps(filter:)`: the visible findings that match, by score. */
export async function overlapListSpec(em: EntityManager, filter: OverlapFilter | null | undefined): Promise<ListSpec<Overlap>> {
  const conditions = await overlapConditions(em, filter);
  return {
    entity: Overlap,
    table: 'overlap',
    keyColumn: 'id',
    sort: OVERLAP_SORT,
    direction: OrderDirection.DESC,
    where: (qb) => {
      applyOverlapConditions(qb, conditions);
      applyStatus(qb, conditions.status);
    },
  };
}

/** Per kind, how many visible findings stand in each status. */
export interface OverlapKindCounts {
  kind: OverlapKind;
  open: number;
  confirmed: number;
  dismissed: number;
  synergy: number;
  total: number;
}

/** Counts by kind and status in one statement; row-level security leaves out what the viewer may not see. */
export async function overlapSummary(em: EntityManager, filter: OverlapSummaryFilter | null | undefined): Promise<OverlapKindCounts[]> {
  const conditions = await overlapConditions(em, filter);
  const knex = knexOf(em);
  const qb = knex
    .from({ t: 'overlap' })
    .select(
      't.kind',
      knex.raw('(count(*) filter (where t.review_status is null))::int as open'),
      knex.raw(`(count(*) filter (where t.review_status = 'CONFIRMED'))::int as confirmed`),
      knex.raw(`(count(*) filter (where t.review_status = 'DISMISSED'))::int as dismissed`),
      knex.raw(`(count(*) filter (where t.review_status = 'SYNERGY'))::int as synergy`),
      knex.raw('count(*)::int as total'),
    )
    .groupBy('t.kind');
  applyOverlapConditions(qb, conditions);
  const rows = (await qb) as OverlapKindCounts[];
  const byKind = new Map(rows.map((row) => [row.kind, row]));
  // Every kind, in the enum's order, zeros included: a portal's table keeps its rows.
  return Object.values(OverlapKind).map((kind) => byKind.get(kind) ?? { kind, open: 0, confirmed: 0, dismissed: 0, synergy: 0, total: 0 });
}

/** The arguments of `Project.overlaps` besides paging, checked. */
export interface ProjectOverlapArgs {
  minScore?: number;
  kinds?: OverlapKind[];
  includeDismissed: boolean;
}

export function checkProjectOverlapArgs(minScore: number | null | undefined, kinds: OverlapKind[] | null | undefined, includeDismissed: boolean | null | undefined): ProjectOverlapArgs {
  return { minScore: checkMinScore(minScore, 'minScore'), kinds: nonEmpty(kinds, 'kinds'), includeDismissed: includeDismissed === true };
}

/** A finding as seen from one of its projects: the other project is the edge's. */
export interface ProjectOverlapRow {
  overlap: Overlap;
  otherProjectId: number;
  cursor: Cursor;
}

/** One side of the pair (the project as project_a or as project_b), ordered and limited by its own index. */
function side(knex: Knex, own: 'a' | 'b', args: ProjectOverlapArgs, page: PageRequest, limit: number): Knex.QueryBuilder {
  const other = own === 'a' ? 'b' : 'a';
  const dir = page.backward ? 'asc' : 'desc';
  const qb = knex
    .from({ t: 'overlap' })
    .select('t.*', knex.raw(`t.project_${other}_id as "__other"`), knex.raw('t.score::text as "__sort"'))
    .whereRaw(`t.project_${own}_id = x.project_id`);
  applyOverlapConditions(qb, { crossDivideOnly: false, kinds: args.kinds, minScore: args.minScore });
  if (!args.includeDismissed) applyStatus(qb, undefined);
  if (page.cursor) qb.whereRaw(`(t.score, t.id) ${page.backward ? '>' : '<'} (?::float8, ?::integer)`, [page.cursor.value, page.cursor.key]);
  return qb.orderByRaw(`t.score ${dir}, t.id ${dir}`).limit(limit);
}

/**
 * `Project.overlaps` for every project in the batch, in one statement: per project, the two sides of
 * the pair (overlap_project_a_score_idx and overlap_project_b_score_idx, each read in order and cut
 * at the page) are merged and cut again, so a page costs two short index scans per project however
 * many findings it has.
 */
export async function fetchProjectOverlapPages(
  em: EntityManager,
  projectIds: readonly number[],
  args: ProjectOverlapArgs,
  page: PageRequest,
): Promise<Map<number, ProjectOverlapRow[]>> {
  if (page.cursor) checkCursor(page.cursor, { sort: OVERLAP_SORT.cast, key: 'integer' }, page.cursorArgument ?? 'after');
  const knex = knexOf(em);
  const limit = page.limit + 1;
  const dir = page.backward ? 'asc' : 'desc';
  const both = knex
    .unionAll([side(knex, 'a', args, page, limit), side(knex, 'b', args, page, limit)], true)
    .orderByRaw(`score ${dir}, id ${dir}`)
    .limit(limit);
  const result = await knex.raw(
    `select x.project_id as "__parent", o.* from unnest(?::int[]) as x(project_id) cross join lateral (${both.toQuery()}) o order by x.project_id, o.score ${dir}, o.id ${dir}`,
    [[...projectIds] as unknown as Knex.Value],
  );
  const byProject = new Map<number, ProjectOverlapRow[]>(projectIds.map((id) => [id, []]));
  for (const { __parent, __other, __sort, ...row } of (result as { rows: (Record<string, unknown> & { __parent: number; __other: number; __sort: string })[] }).rows) {
    byProject.get(Number(__parent))?.push({
      overlap: em.map(Overlap, row as EntityDictionary<Overlap>),
      otherProjectId: Number(__other),
      cursor: { value: __sort, key: Number(row.id) },
    });
  }
  return byProject;
}

/** How many findings each project has that match the arguments (both sides), in one statement. */
export async function countProjectOverlaps(em: EntityManager, projectIds: readonly number[], args: ProjectOverlapArgs): Promise<Map<number, number>> {
  const knex = knexOf(em);
  const side = (own: 'a' | 'b'): Knex.QueryBuilder => {
    const qb = knex
      .from({ t: 'overlap' })
      .select(knex.raw(`t.project_${own}_id as project_id`))
      .whereRaw(`t.project_${own}_id = any(?)`, [[...projectIds] as unknown as Knex.Value]);
    applyOverlapConditions(qb, { crossDivideOnly: false, kinds: args.kinds, minScore: args.minScore });
    if (!args.includeDismissed) applyStatus(qb, undefined);
    return qb;
  };
  const rows = (await knex
    .from(knex.unionAll([side('a'), side('b')], true).as('s'))
    .select('s.project_id', knex.raw('count(*)::int as count'))
    .groupBy('s.project_id')) as { project_id: number; count: number }[];
  const counts = new Map<number, number>(projectIds.map((id) => [id, 0]));
  for (const row of rows) counts.set(Number(row.project_id), row.count);
  return counts;
}

/** A project's overlap edge: the finding, the other project and the cursor. */
export interface ProjectOverlapEdgeValue {
  cursor: string;
  node: Overlap;
  otherProjectId: number;
}

export type ProjectOverlapConnectionValue = Omit<Connection<Overlap>, 'edges'> & { edges: ProjectOverlapEdgeValue[] };

/**
 * `Project.overlaps` loaders, one per argument set (checked once), each batching every project of
 * the tick into one statement; counts only when `totalCount` is read, also batched.
 */
export function projectOverlapsLoader(em: EntityManager, connectionArgs: ConnectionArgs, args: ProjectOverlapArgs): DataLoader<number, ProjectOverlapConnectionValue> {
  const page = parsePageRequest(connectionArgs);
  let counts: DataLoader<number, number> | undefined;
  const countLoader = (): DataLoader<number, number> =>
    (counts ??= new DataLoader<number, number>(async (ids) => {
      const byProject = await countProjectOverlaps(em, ids, args);
      return ids.map((id) => byProject.get(id) ?? 0);
    }));
  return new DataLoader<number, ProjectOverlapConnectionValue>(async (projectIds) => {
    const pages = await fetchProjectOverlapPages(em, projectIds, args, page);
    return projectIds.map((projectId) => {
      const rows = pages.get(projectId) ?? [];
      const others = new Map(rows.map((row) => [row.overlap.id, row.otherProjectId]));
      const connection = buildConnection(rows.map((row) => ({ node: row.overlap, cursor: row.cursor })), page, () => countLoader().load(projectId));
      return { ...connection, edges: connection.edges.map((edge) => ({ ...edge, otherProjectId: others.get(edge.node.id)! })) };
    });
  });
}

/** Reviews by the pair's key `a:b`; row-level security leaves out those the viewer may not read. */
export function overlapReviewsByPairLoader(em: EntityManager): DataLoader<string, OverlapReview | null> {
  return new DataLoader<string, OverlapReview | null>(async (keys) => {
    const pairs = keys.map((key) => key.split(':').map(Number));
    const rows = (await knexOf(em)
      .select('r.*')
      .from({ r: 'overlap_review' })
      .whereRaw('(r.project_a_id, r.project_b_id) in (select * from unnest(?::int[], ?::int[]))', [
        pairs.map(([a]) => a) as unknown as Knex.Value,
        pairs.map(([, b]) => b) as unknown as Knex.Value,
      ])) as (EntityDictionary<OverlapReview> & { project_a_id: number; project_b_id: number })[];
    const byPair = new Map(rows.map((row) => [`${row.project_a_id}:${row.project_b_id}`, em.map(OverlapReview, row)]));
    return keys.map((key) => byPair.get(key) ?? null);
  });
}

export function pairKey(projectAId: number, projectBId: number): string {
  return `${projectAId}:${projectBId}`;
}

/** Account names by ID, for reviewers (accounts are not row-level secured; only reviewers reach a review). */
export function accountNamesByIdLoader(em: EntityManager): DataLoader<number, string | null> {
  return new DataLoader<number, string | null>(async (ids) => {
    const rows = await em.find(Account, { id: { $in: [...ids] } }, { fields: ['id', 'name'] });
    const byId = new Map(rows.map((row) => [row.id, row.name]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** The programmes of each review's two projects, by review ID, read under row-level security (for audit redaction). */
export function reviewProgrammesByIdLoader(em: EntityManager): DataLoader<number, number[]> {
  return new DataLoader<number, number[]>(async (ids) => {
    const knex = knexOf(em);
    const rows = (await knex
      .select('r.id', knex.raw('array(select p.programme_id from project p where p.id in (r.project_a_id, r.project_b_id)) as programme_ids'))
      .from({ r: 'overlap_review' })
      .whereRaw('r.id = any(?)', [[...ids] as unknown as Knex.Value])) as { id: number; programme_ids: number[] | null }[];
    const byId = new Map(rows.map((row) => [Number(row.id), (row.programme_ids ?? []).map(Number)]));
    return ids.map((id) => byId.get(id) ?? []);
  });
}
