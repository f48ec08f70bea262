import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/postgresql';
import { plainRow, rowColumns } from '../db/plain-rows';
import { knexOf } from '../db/session';
import { buildConnection, OrderDirection, parsePageRequest, type Connection, type ConnectionArgs, type Cursor, type PageRequest } from './connection';
import { checkCursor, type SqlType } from './cursor';

/** A sort key: an SQL expression over the row alias `t` that is never null, and the type to compare it as. */
export interface SortKey {
  sql: string;
  cast: SqlType;
}

/** A list of rows of one table, filtered and ordered; the basis of every connection. */
export interface ListSpec<T extends object> {
  entity: EntityClass<T>;
  table: string;
  /** Primary-key column, the tie-breaker of every ordering. */
  keyColumn: string;
  /** SQL type of the key column; by default read from the entity's primary key. */
  keyCast?: SqlType;
  sort: SortKey;
  direction: OrderDirection;
  /** Adds the filters to a query over `<table> as t`. */
  where?: (qb: Knex.QueryBuilder) => void;
  /**
   * Related data folded into the page statement (alias → SQL expression over `t`, usually JSON), so
   * that relations the selection asks for cost no statement of their own; see `PageRow.folded`.
   */
  folds?: Record<string, string>;
}

/**
 * How child rows point at their parent: a column of `t`, or of a pivot joined to `t`
 * (e.g. projects of a theme through project_theme).
 */
export interface ParentLink {
  /** Qualified SQL column holding the parent key, e.g. `t."programme_id"` or `pt."theme_id"`. */
  column: string;
  join?: (qb: Knex.QueryBuilder) => void;
}

export interface PageRow<T> {
  node: T;
  cursor: Cursor;
  /** The values of the spec's `folds`, by alias. */
  folded?: Record<string, unknown>;
}

const INTERNAL = ['__sort', '__parent', '__rn'];

function ascending(spec: ListSpec<object>, page: PageRequest): boolean {
  return (spec.direction === OrderDirection.ASC) !== page.backward;
}

/** The SQL type of the list's key: declared, or the entity's primary key column's, never guessed from the cursor. */
function keyTypeOf(em: EntityManager, spec: ListSpec<object>): SqlType {
  if (spec.keyCast) return spec.keyCast;
  const [primary] = em.getMetadata().get(spec.entity.name).getPrimaryProps();
  const type = String(primary.columnTypes?.[0] ?? primary.type).toLowerCase();
  if (/^(bigint|int8|bigserial)\b/.test(type)) return 'bigint';
  if (/^(integer|int|int4|int2|smallint|serial)\b/.test(type)) return 'integer';
  return 'text';
}

function applyKeyset(em: EntityManager, qb: Knex.QueryBuilder, spec: ListSpec<object>, page: PageRequest): void {
  if (!page.cursor) return;
  const op = ascending(spec, page) ? '>' : '<';
  const keyCast = keyTypeOf(em, spec);
  // A forged cursor would fail the cast in SQL: refuse it as the client's error first.
  checkCursor(page.cursor, { sort: spec.sort.cast, key: keyCast }, page.cursorArgument ?? 'after');
  qb.whereRaw(`(${spec.sort.sql}, t."${spec.keyColumn}") ${op} (?::${spec.sort.cast}, ?::${keyCast})`, [
    page.cursor.value,
    page.cursor.key,
  ]);
}

function orderSql(spec: ListSpec<object>, page: PageRequest): string {
  const dir = ascending(spec, page) ? 'asc' : 'desc';
  return `${spec.sort.sql} ${dir}, t."${spec.keyColumn}" ${dir}`;
}

function toPageRows<T extends object>(em: EntityManager, spec: ListSpec<T>, rows: Record<string, unknown>[]): PageRow<T>[] {
  return rows.map((row) => {
    const cursor: Cursor = { value: row.__sort as string, key: row[spec.keyColumn] as string | number };
    const data = { ...row };
    for (const column of INTERNAL) delete data[column];
    if (!spec.folds) return { node: plainRow(em, spec.entity, data), cursor };
    const folded: Record<string, unknown> = {};
    for (const alias of Object.keys(spec.folds)) {
      folded[alias] = data[alias];
      delete data[alias];
    }
    return { node: plainRow(em, spec.entity, data), cursor, folded };
  });
}

function baseQuery(em: EntityManager, spec: ListSpec<object>, parent?: ParentLink): Knex.QueryBuilder {
  const knex = knexOf(em);
  const qb = knex.from({ t: spec.table });
  parent?.join?.(qb);
  if (spec.where) qb.where(spec.where);
  return qb;
}

/**
 * The statement of one page: the rows of `spec` (their `rowColumns`, with the sort value as text in `__sort`
 * and the folds), limit + 1 of them after the cursor. For the compiled read path (`compiled`), also the
 * row's place in the page (`__ord`) and a condition over an outer query's row (pages nest as
 * correlated subqueries there).
 */
export function pageQuery(
  em: EntityManager,
  spec: ListSpec<object>,
  page: PageRequest,
  compiled?: { parent?: ParentLink; correlate?: string },
): Knex.QueryBuilder {
  const knex = knexOf(em);
  const qb = baseQuery(em, spec, compiled?.parent).select(...rowColumns(em, spec.entity, 't'), knex.raw(`(${spec.sort.sql})::text as "__sort"`));
  for (const [alias, sql] of Object.entries(spec.folds ?? {})) qb.select(knex.raw(`(${sql}) as ??`, [alias]));
  if (compiled) {
    if (compiled.correlate) qb.whereRaw(compiled.correlate);
    // The page's order as a number, for the aggregate that wraps it (`json_agg(… order by "__ord")`).
    qb.select(knex.raw(`row_number() over (order by ${orderSql(spec, page)}) as "__ord"`));
  }
  applyKeyset(em, qb, spec, page);
  qb.orderByRaw(orderSql(spec, page)).limit(page.limit + 1);
  return qb;
}

/** The count of `spec`'s rows (`count`), optionally of one outer row's children (see `pageQuery`). */
export function countQuery(em: EntityManager, spec: ListSpec<object>, compiled?: { parent?: ParentLink; correlate?: string }): Knex.QueryBuilder {
  const qb = baseQuery(em, spec, compiled?.parent).count({ count: '*' });
  if (compiled?.correlate) qb.whereRaw(compiled.correlate);
  return qb;
}

/** One page of a root list: a single statement, limit + 1 rows. */
export async function fetchPage<T extends object>(em: EntityManager, spec: ListSpec<T>, page: PageRequest): Promise<PageRow<T>[]> {
  return toPageRows(em, spec, (await pageQuery(em, spec, page)) as Record<string, unknown>[]);
}

export async function countRows(em: EntityManager, spec: ListSpec<object>): Promise<number> {
  const [row] = (await countQuery(em, spec)) as { count: string }[];
  return Number(row.count);
}

/**
 * One page per parent for many parents in a single statement (a window function per parent),
 * so that nested connections cost the same number of statements for 5 parents as for 50.
 */
export async function fetchPagesByParent<T extends object>(
  em: EntityManager,
  spec: ListSpec<T>,
  parent: ParentLink,
  parentIds: readonly (number | string)[],
  page: PageRequest,
): Promise<Map<number | string, PageRow<T>[]>> {
  const knex = knexOf(em);
  const inner = baseQuery(em, spec, parent)
    .select(
      ...rowColumns(em, spec.entity, 't'),
      knex.raw(`(${spec.sort.sql})::text as "__sort"`),
      knex.raw(`${parent.column} as "__parent"`),
      knex.raw(`row_number() over (partition by ${parent.column} order by ${orderSql(spec, page)}) as "__rn"`),
    )
    .whereRaw(`${parent.column} = any(?)`, [[...parentIds] as unknown as Knex.Value]);
  applyKeyset(em, inner, spec, page);
  const rows = (await knex
    .from(inner.as('t'))
    .where('__rn', '<=', page.limit + 1)
    .orderBy([{ column: '__parent' }, { column: '__rn' }])) as Record<string, unknown>[];
  const byParent = new Map<number | string, PageRow<T>[]>(parentIds.map((id) => [id, []]));
  for (const row of rows) {
    const parent = row.__parent as number | string;
    byParent.get(parent)?.push(...toPageRows(em, spec, [row]));
  }
  return byParent;
}

export async function countRowsByParent(
  em: EntityManager,
  spec: ListSpec<object>,
  parent: ParentLink,
  parentIds: readonly (number | string)[],
): Promise<Map<number | string, number>> {
  const knex = knexOf(em);
  const rows = (await baseQuery(em, spec, parent)
    .select(knex.raw(`${parent.column} as parent`))
    .count({ count: '*' })
    .whereRaw(`${parent.column} = any(?)`, [[...parentIds] as unknown as Knex.Value])
    .groupByRaw(parent.column)) as { parent: number | string; count: string }[];
  const counts = new Map<number | string, number>(parentIds.map((id) => [id, 0]));
  for (const row of rows) counts.set(row.parent, Number(row.count));
  return counts;
}

/**
 * A root connection: one statement for the page, one more only if `totalCount` is asked for.
 * `withRows` sees the page's rows first (to prime loaders with what the spec folded in).
 */
export async function rootConnection<T extends object>(
  em: EntityManager,
  args: ConnectionArgs,
  buildSpec: () => ListSpec<T> | Promise<ListSpec<T>>,
  withRows?: (rows: PageRow<T>[]) => void,
): Promise<Connection<T>> {
  const page = parsePageRequest(args);
  const spec = await buildSpec();
  const rows = await fetchPage(em, spec, page);
  withRows?.(rows);
  return buildConnection(rows, page, () => countRows(em, spec));
}
