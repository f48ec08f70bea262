import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type DocumentNode,
} from 'graphql';
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { NotInlinable } from '../db/one-round-trip';
import type { RequestTransaction } from '../db/request-transaction';
import { knexOf } from '../db/session';
import { collectingReferenceChecks, referencesExistSql } from '../reference-checks';
import { actualFieldCost, type ResolvedField } from '../limits/query-cost';
import { buildConnection, MAX_PAGE_SIZE, parsePageRequest, type PageRequest } from '../relay/connection';
import { parseGlobalId, toGlobalId } from '../relay/global-id';
import { countQuery, pageQuery, type ListSpec, type ParentLink } from '../relay/keyset';
import { isPlainType, rootRead, typeReads, type Args, type FieldRead, type ReadPlanContext } from './registry';

/**
 * The compiled read path: a query operation whose every field a module has declared (registry.ts)
 * becomes ONE SQL statement that returns the answer's data as nested JSON arrays, and a shaper that
 * turns those arrays into the response, serialising leaves with the schema's own scalars and enums
 * and counting the actual cost as the resolvers would. Anything else (an undeclared field, a
 * directive, a malformed argument, a null where the schema promises a value) is `NotCompilable`,
 * and the operation runs through graphql-js and the resolvers instead, which answer or report it.
 */
export class NotCompilable extends Error {}

function unsupported(why: string): never {
  throw new NotCompilable(why);
}

interface Sql {
  sql: string;
  bindings: unknown[];
}

const raw = (sql: string): Sql => ({ sql, bindings: [] });

function joinSql(parts: Sql[], separator = ', '): Sql {
  return { sql: parts.map((part) => part.sql).join(separator), bindings: parts.flatMap((part) => part.bindings) };
}

function rowArray(columns: Sql[]): Sql {
  const joined = joinSql(columns);
  // json_build_array takes at most 100 arguments (PostgreSQL's FUNC_MAX_ARGS).
  if (columns.length > 100) unsupported('more than 100 columns at one level');
  return { sql: `json_build_array(${joined.sql})`, bindings: joined.bindings };
}

/** Cost counting: the same model, field by field, as the resolvers' `countActualCost`. */
interface CostCounter {
  actual: number;
}

type Entry =
  | { kind: 'typename'; key: string; name: string }
  | { kind: 'leaf'; key: string; index: number; value?: (raw: unknown) => unknown; serialize: (value: unknown) => unknown; nonNull: boolean }
  | { kind: 'object'; key: string; index: number; plan: ObjectPlan; nonNull: boolean; field: ResolvedField }
  | { kind: 'plain'; key: string; index: number; value: (raw: unknown) => unknown; plan: PlainPlan; nonNull: boolean; field: ResolvedField }
  | { kind: 'connection'; key: string; index: number; plan: ConnectionPlan; nonNull: boolean; field: ResolvedField };

interface ObjectPlan {
  entries: Entry[];
}

/** A selection over a plain JavaScript value (funding totals, page info): property reads. */
interface PlainPlan {
  type: GraphQLObjectType;
  entries: { key: string; name: string; leaf?: (value: unknown) => unknown; plan?: PlainPlan; list: boolean; nonNull: boolean; field?: ResolvedField }[];
}

interface ConnectionPlan {
  page: PageRequest;
  entries: (
    | { kind: 'typename'; key: string; name: string }
    | { kind: 'totalCount'; key: string }
    | { kind: 'pageInfo'; key: string; plan: PlainPlan }
    | { kind: 'nodes'; key: string; plan: ObjectPlan; field: ResolvedField }
    | { kind: 'edges'; key: string; edge: EdgePlan; field: ResolvedField }
  )[];
}

interface EdgePlan {
  entries: ({ kind: 'typename'; key: string; name: string } | { kind: 'cursor'; key: string } | { kind: 'node'; key: string; plan: ObjectPlan })[];
}

type RootEntry =
  | { kind: 'typename'; key: string }
  | { kind: 'object'; key: string; index: number; plan: ObjectPlan; field: ResolvedField }
  | { kind: 'connection'; key: string; index: number; plan: ConnectionPlan; nonNull: boolean; field: ResolvedField }
  | { kind: 'nodes'; key: string; index: number; ids: (readonly [string, number] | null)[]; plans: Map<string, ObjectPlan>; single: boolean; field: ResolvedField };

interface Planner {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  ctx: ReadPlanContext;
  nextAlias: number;
}

function alias(p: Planner): string {
  p.nextAlias += 1;
  return `r${p.nextAlias}`;
}

function applies(p: Planner, condition: string, type: GraphQLObjectType): boolean {
  if (condition === type.name) return true;
  const conditionType = p.schema.getType(condition);
  return conditionType !== undefined && isAbstractType(conditionType) && p.schema.isSubType(conditionType, type);
}

/**
 * The fields a selection set asks of a concrete type, through fragments, by response key. A key
 * selected more than once (`id` beside `... on Project { id }`) is one field whose selection sets
 * are merged, as graphql-js does; validation has made sure that they agree on name and arguments.
 */
function collect(p: Planner, type: GraphQLObjectType, set: SelectionSetNode | undefined, into = new Map<string, FieldNode>()): Map<string, FieldNode> {
  for (const selection of set?.selections ?? []) {
    if (selection.directives?.length) unsupported('directives');
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const seen = into.get(key);
      if (!seen) into.set(key, selection);
      else if (seen.selectionSet || selection.selectionSet) {
        const merged = [...(seen.selectionSet?.selections ?? []), ...(selection.selectionSet?.selections ?? [])];
        into.set(key, { ...seen, selectionSet: { kind: Kind.SELECTION_SET, selections: merged } });
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (!selection.typeCondition || applies(p, selection.typeCondition.name.value, type)) collect(p, type, selection.selectionSet, into);
    } else {
      const fragment = p.fragments[selection.name.value] ?? unsupported('unknown fragment');
      if (applies(p, fragment.typeCondition.name.value, type)) collect(p, type, fragment.selectionSet, into);
    }
  }
  return into;
}

function resolvedField(parentType: GraphQLObjectType, field: GraphQLField<unknown, unknown>): ResolvedField {
  return { parentType, fieldName: field.name, returnType: field.type, isMutation: false };
}

function fieldOf(type: GraphQLObjectType, name: string): GraphQLField<unknown, unknown> {
  return type.getFields()[name] ?? unsupported(`${type.name}.${name} is not a field`);
}

function objectTypeOf(type: GraphQLOutputType): GraphQLObjectType {
  const named = getNamedType(type);
  if (!isObjectType(named)) unsupported(`${named.name} is not an object type`);
  return named;
}

function leafSerializer(type: GraphQLOutputType): (value: unknown) => unknown {
  const nullable = getNullableType(type);
  if (!isLeafType(nullable)) unsupported('not a leaf');
  return (value) => nullable.serialize(value);
}

/** The global ID of every declared type with a table, as `BaseEntity.globalId` gives it. */
function idRead(typeName: string): FieldRead {
  return { kind: 'column', sql: (row) => `${row}.id`, value: (id) => toGlobalId(typeName, id as number) };
}

/**
 * Plans a selection on a row of `type` read from alias `row`: appends the SQL of each value to
 * `columns` (the row's JSON array) and returns how to turn that array into the response object.
 */
async function planObject(p: Planner, type: GraphQLObjectType, set: SelectionSetNode | undefined, row: string, columns: Sql[]): Promise<ObjectPlan> {
  const reads = typeReads(type.name) ?? unsupported(`${type.name} has no SQL reads`);
  const entries: Entry[] = [];
  for (const [key, node] of collect(p, type, set)) {
    const name = node.name.value;
    if (name === '__typename') {
      entries.push({ kind: 'typename', key, name: type.name });
      continue;
    }
    const field = fieldOf(type, name);
    const read = reads.fields[name] ?? (name === 'id' ? idRead(type.name) : unsupported(`${type.name}.${name} has no SQL read`));
    const args = getArgumentValues(field, node, p.variables) as Args;
    const nonNull = isNonNullType(field.type);
    if (isListType(getNullableType(field.type)) && read.kind !== 'value') unsupported(`${type.name}.${name} is a list`);
    switch (read.kind) {
      case 'column': {
        const index = columns.push(raw(read.sql(row))) - 1;
        entries.push({ kind: 'leaf', key, index, value: read.value, serialize: leafSerializer(field.type), nonNull });
        break;
      }
      case 'object': {
        const child = alias(p);
        const childColumns: Sql[] = [];
        const plan = await planObject(p, objectTypeOf(field.type), node.selectionSet, child, childColumns);
        const array = rowArray(childColumns);
        const index = columns.push({ sql: `(select ${array.sql} ${read.from(row, child)})`, bindings: array.bindings }) - 1;
        entries.push({ kind: 'object', key, index, plan, nonNull, field: resolvedField(type, field) });
        break;
      }
      case 'value': {
        const index = columns.push(raw(read.sql(row))) - 1;
        entries.push({ kind: 'plain', key, index, value: read.value, plan: planPlain(p, objectTypeOf(field.type), node.selectionSet), nonNull, field: resolvedField(type, field) });
        break;
      }
      case 'connection': {
        const spec = await read.list(p.ctx, args);
        const { sql, plan } = await planConnection(p, objectTypeOf(field.type), node, spec, parsePageRequest(args), read.parent, row);
        const index = columns.push(sql) - 1;
        entries.push({ kind: 'connection', key, index, plan, nonNull, field: resolvedField(type, field) });
        break;
      }
    }
  }
  return { entries };
}

function planPlain(p: Planner, type: GraphQLObjectType, set: SelectionSetNode | undefined): PlainPlan {
  if (!isPlainType(type.name)) unsupported(`${type.name} is not plain`);
  const entries: PlainPlan['entries'] = [];
  for (const [key, node] of collect(p, type, set)) {
    const name = node.name.value;
    if (name === '__typename') {
      entries.push({ key, name, leaf: () => type.name, list: false, nonNull: true });
      continue;
    }
    const field = fieldOf(type, name);
    if (field.args.length > 0) unsupported('plain fields take no arguments');
    const nullable = getNullableType(field.type);
    const list = isListType(nullable);
    if (list && isListType(getNullableType(nullable.ofType))) unsupported('nested lists');
    const named = getNamedType(field.type);
    entries.push({
      key,
      name,
      list,
      nonNull: isNonNullType(field.type),
      field: resolvedField(type, field),
      ...(isLeafType(named) ? { leaf: (value: unknown) => named.serialize(value) } : { plan: planPlain(p, objectTypeOf(field.type), node.selectionSet) }),
    });
  }
  return { type, entries };
}

/** Plans a connection (a page of `spec` after the cursor, and its count when asked), nested under `row` unless root. */
async function planConnection(
  p: Planner,
  connectionType: GraphQLObjectType,
  node: FieldNode,
  spec: ListSpec<object>,
  page: PageRequest,
  parent: ParentLink | undefined,
  row: string | undefined,
): Promise<{ sql: Sql; plan: ConnectionPlan }> {
  const pageAlias = alias(p);
  // [sort value as text, key, …the selected fields of nodes, …of edges' nodes]
  const columns: Sql[] = [raw(`${pageAlias}."__sort"`), raw(`${pageAlias}."${spec.keyColumn}"`)];
  const entries: ConnectionPlan['entries'] = [];
  let counted = false;
  for (const [key, selection] of collect(p, connectionType, node.selectionSet)) {
    const name = selection.name.value;
    if (name === '__typename') {
      entries.push({ kind: 'typename', key, name: connectionType.name });
      continue;
    }
    const field = fieldOf(connectionType, name);
    if (name === 'totalCount') {
      counted = true;
      entries.push({ kind: 'totalCount', key });
    } else if (name === 'pageInfo') {
      entries.push({ kind: 'pageInfo', key, plan: planPlain(p, objectTypeOf(field.type), selection.selectionSet) });
    } else if (name === 'nodes') {
      entries.push({ kind: 'nodes', key, plan: await planObject(p, objectTypeOf(field.type), selection.selectionSet, pageAlias, columns), field: resolvedField(connectionType, field) });
    } else if (name === 'edges') {
      const edgeType = objectTypeOf(field.type);
      const edge: EdgePlan = { entries: [] };
      for (const [edgeKey, edgeSelection] of collect(p, edgeType, selection.selectionSet)) {
        const edgeName = edgeSelection.name.value;
        if (edgeName === '__typename') edge.entries.push({ kind: 'typename', key: edgeKey, name: edgeType.name });
        else if (edgeName === 'cursor') edge.entries.push({ kind: 'cursor', key: edgeKey });
        else if (edgeName === 'node') {
          const nodeField = fieldOf(edgeType, 'node');
          edge.entries.push({ kind: 'node', key: edgeKey, plan: await planObject(p, objectTypeOf(nodeField.type), edgeSelection.selectionSet, pageAlias, columns) });
        } else unsupported(`${edgeType.name}.${edgeName}`);
      }
      entries.push({ kind: 'edges', key, edge, field: resolvedField(connectionType, field) });
    } else {
      unsupported(`${connectionType.name}.${name}`);
    }
  }
  const nested = { parent, correlate: row && parent ? `${parent.column} = ${row}.id` : undefined };
  const pageSql = pageQuery(p.ctx.em, spec, page, nested).toSQL();
  const array = rowArray(columns);
  const rows: Sql = {
    sql: `(select coalesce(json_agg(${array.sql} order by ${pageAlias}."__ord"), '[]'::json) from (${pageSql.sql}) ${pageAlias})`,
    bindings: [...array.bindings, ...pageSql.bindings],
  };
  let count: Sql = raw('null');
  if (counted) {
    const countSql = countQuery(p.ctx.em, spec, nested).toSQL();
    count = { sql: `(${countSql.sql})`, bindings: [...countSql.bindings] };
  }
  return { sql: { sql: `json_build_array(${rows.sql}, ${count.sql})`, bindings: [...rows.bindings, ...count.bindings] }, plan: { page, entries } };
}

/** `node(id:)` and `nodes(ids:)`: the declared types by their integer key; anything else goes to the resolvers. */
async function planNodes(p: Planner, node: FieldNode, ids: unknown[], single: boolean, field: GraphQLField<unknown, unknown>, key: string, columns: Sql[]): Promise<RootEntry> {
  if (ids.length > MAX_PAGE_SIZE) unsupported('too many IDs');
  const byType = new Map<string, number[]>();
  const decoded = ids.map((id) => {
    const parsed = typeof id === 'string' ? parseGlobalId(id) : undefined;
    if (!parsed || !/^\d+$/.test(parsed.key)) unsupported('not an integer-keyed ID');
    const type = p.schema.getType(parsed.type);
    if (!type || !isObjectType(type) || !typeReads(parsed.type)) unsupported(`${parsed.type} has no SQL reads`);
    const numeric = Number(parsed.key);
    if (!Number.isSafeInteger(numeric) || numeric <= 0) unsupported('key out of range');
    byType.set(parsed.type, [...(byType.get(parsed.type) ?? []), numeric]);
    return [parsed.type, numeric] as const;
  });
  const plans = new Map<string, ObjectPlan>();
  const perType: Sql[] = [];
  for (const [typeName, keys] of byType) {
    const type = p.schema.getType(typeName) as GraphQLObjectType;
    const row = alias(p);
    const typeColumns: Sql[] = [raw(`${row}.id`)];
    plans.set(typeName, await planObject(p, type, node.selectionSet, row, typeColumns));
    const array = rowArray(typeColumns);
    perType.push({
      sql: `(select coalesce(json_agg(${array.sql}), '[]'::json) from "${typeReads(typeName)!.table}" ${row} where ${row}.id = any(?::int[]))`,
      bindings: [...array.bindings, [...new Set(keys)]],
    });
  }
  // One JSON array of rows per type, in the order of `plans`.
  const index = columns.push(perType.length ? rowArray(perType) : raw(`'[]'::json`)) - 1;
  return { kind: 'nodes', key, index, ids: decoded, plans, single, field: resolvedField(p.schema.getQueryType()!, field) };
}

export interface CompiledRead {
  sql: string;
  bindings: unknown[];
  /** The same with `$n` placeholders, and its prepared statement's name (see `statementName`). */
  native?: { sql: string; bindings: readonly unknown[]; name: string | undefined };
  /** Turns the statement's JSON into the response's `data`, counting the actual cost; throws NotCompilable for a null where the schema forbids one. */
  shape(body: unknown, cost: CostCounter): Record<string, unknown>;
}

/**
 * Plans are kept per parsed document (Apollo reuses the object for the same query text), for the
 * same operation, variables and viewer (as row-level security sees it): a plan is a pure function of
 * those, because the modules' `list` and `from` functions read only their arguments and the viewer,
 * and the services' reference checks become part of the statement instead of running while planning.
 */
const plans = new WeakMap<DocumentNode, LRUCache<string, CompiledRead>>();
const PLANS_PER_DOCUMENT = 64;

/** `compileRead`, remembered (see `plans`); `viewerKey` identifies what row-level security sees. */
export async function compileReadCached(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  ctx: ReadPlanContext,
  viewerKey: string,
): Promise<CompiledRead> {
  let byKey = plans.get(document);
  if (!byKey) plans.set(document, (byKey = new LRUCache<string, CompiledRead>({ max: PLANS_PER_DOCUMENT })));
  const key = `${operation.name?.value ?? ''}\u0000${viewerKey}\u0000${JSON.stringify(rawVariables ?? {})}`;
  const known = byKey.get(key);
  if (known) return known;
  const compiled = await compileRead(schema, document, operation, rawVariables, ctx);
  // Large variables are planned each time rather than kept.
  if (key.length <= 4096) byKey.set(key, compiled);
  return compiled;
}

/** Plans a query operation, or throws NotCompilable (or the services' BAD_USER_INPUT) for the resolvers to handle. */
export async function compileRead(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  ctx: ReadPlanContext,
): Promise<CompiledRead> {
  // The services' checks that filter values name existing reference data become a condition of the
  // statement: when one fails, the statement answers null and the resolvers run and report it.
  const { result, checks } = await collectingReferenceChecks(ctx.em, () => planRead(schema, document, operation, rawVariables, ctx));
  const condition = referencesExistSql(checks);
  return {
    ...result,
    sql: `select case when ${condition.sql} then (${result.sql}) end as body`,
    bindings: [...condition.bindings, ...result.bindings],
  };
}

async function planRead(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  ctx: ReadPlanContext,
): Promise<CompiledRead> {
  if (operation.operation !== 'query') unsupported('not a query');
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) unsupported('variables');
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const p: Planner = { schema, fragments, variables: coerced.coerced, ctx, nextAlias: 0 };
  const query = schema.getQueryType() ?? unsupported('no query type');
  const columns: Sql[] = [];
  const entries: RootEntry[] = [];
  for (const [key, node] of collect(p, query, operation.selectionSet)) {
    const name = node.name.value;
    if (name === '__typename') {
      entries.push({ kind: 'typename', key });
      continue;
    }
    const field = fieldOf(query, name);
    const args = getArgumentValues(field, node, p.variables) as Args;
    if (name === 'nodes' || name === 'node') {
      entries.push(await planNodes(p, node, name === 'nodes' ? (args.ids as unknown[]) : [args.id], name === 'node', field, key, columns));
      continue;
    }
    const read = rootRead(name) ?? unsupported(`Query.${name} has no SQL read`);
    if (read.kind === 'connection') {
      const spec = await read.list(ctx, args);
      const { sql, plan } = await planConnection(p, objectTypeOf(field.type), node, spec, parsePageRequest(args), undefined, undefined);
      entries.push({ kind: 'connection', key, index: columns.push(sql) - 1, plan, nonNull: isNonNullType(field.type), field: resolvedField(query, field) });
    } else {
      const row = alias(p);
      const rowColumns: Sql[] = [];
      const plan = await planObject(p, objectTypeOf(field.type), node.selectionSet, row, rowColumns);
      const from = read.from(row, args);
      const array = rowArray(rowColumns);
      columns.push({ sql: `(select ${array.sql} ${from.sql})`, bindings: [...array.bindings, ...from.bindings] });
      if (isNonNullType(field.type)) unsupported('non-null root object');
      entries.push({ kind: 'object', key, index: columns.length - 1, plan, field: resolvedField(query, field) });
    }
  }
  const body = rowArray(columns);
  return {
    sql: `select ${body.sql}::text`,
    bindings: body.bindings,
    shape: (data, cost) => shapeRoot(entries, data as unknown[], cost),
  };
}

function charge(cost: CostCounter, field: ResolvedField, value: unknown): void {
  cost.actual += actualFieldCost(field, value);
}

function refuseNull(nonNull: boolean, where: string): null {
  // graphql-js would report an error and null the parent: the resolvers answer that case.
  if (nonNull) unsupported(`null for non-null ${where}`);
  return null;
}

function shapeObject(plan: ObjectPlan, row: unknown[], cost: CostCounter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of plan.entries) {
    switch (entry.kind) {
      case 'typename':
        out[entry.key] = entry.name;
        break;
      case 'leaf': {
        const value = row[entry.index];
        if (value == null) out[entry.key] = refuseNull(entry.nonNull, entry.key);
        else out[entry.key] = entry.serialize(entry.value ? entry.value(value) : value);
        break;
      }
      case 'object': {
        const value = row[entry.index] as unknown[] | null;
        const shaped = value == null ? refuseNull(entry.nonNull, entry.key) : shapeObject(entry.plan, value, cost);
        charge(cost, entry.field, shaped);
        out[entry.key] = shaped;
        break;
      }
      case 'plain': {
        const value = row[entry.index];
        const computed = value == null ? null : entry.value(value);
        const shaped = computed == null ? refuseNull(entry.nonNull, entry.key) : shapePlain(entry.plan, computed as Record<string, unknown>, cost);
        charge(cost, entry.field, shaped);
        out[entry.key] = shaped;
        break;
      }
      case 'connection': {
        const shaped = shapeConnection(entry.plan, row[entry.index] as [unknown[][], number | null], cost);
        charge(cost, entry.field, shaped);
        out[entry.key] = shaped;
        break;
      }
    }
  }
  return out;
}

function shapePlain(plan: PlainPlan, value: Record<string, unknown>, cost: CostCounter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of plan.entries) {
    if (entry.name === '__typename') {
      out[entry.key] = plan.type.name;
      continue;
    }
    const given = value[entry.name];
    let shaped: unknown;
    if (given == null) shaped = refuseNull(entry.nonNull, entry.key);
    else if (entry.list) {
      if (!Array.isArray(given)) unsupported('not a list');
      shaped = given.map((item: unknown) => (entry.leaf ? entry.leaf(item) : shapePlain(entry.plan!, item as Record<string, unknown>, cost)));
    } else shaped = entry.leaf ? entry.leaf(given) : shapePlain(entry.plan!, given as Record<string, unknown>, cost);
    if (entry.field && !entry.leaf) charge(cost, entry.field, shaped);
    out[entry.key] = shaped;
  }
  return out;
}

function shapeConnection(plan: ConnectionPlan, value: [unknown[][], number | null], cost: CostCounter): Record<string, unknown> {
  const [rows, count] = value;
  const connection = buildConnection(
    rows.map((row) => ({ node: row, cursor: { value: row[0] as string, key: row[1] as number | string } })),
    plan.page,
    async () => Number(count),
  );
  const out: Record<string, unknown> = {};
  for (const entry of plan.entries) {
    switch (entry.kind) {
      case 'typename':
        out[entry.key] = entry.name;
        break;
      case 'totalCount':
        out[entry.key] = Number(count);
        break;
      case 'pageInfo':
        out[entry.key] = shapePlain(entry.plan, connection.pageInfo as unknown as Record<string, unknown>, cost);
        break;
      case 'nodes': {
        const nodes = connection.nodes.map((row) => shapeObject(entry.plan, row, cost));
        charge(cost, entry.field, nodes);
        out[entry.key] = nodes;
        break;
      }
      case 'edges': {
        const edges = connection.edges.map((edge) => {
          const shaped: Record<string, unknown> = {};
          for (const part of entry.edge.entries) {
            if (part.kind === 'typename') shaped[part.key] = part.name;
            else if (part.kind === 'cursor') shaped[part.key] = edge.cursor;
            else shaped[part.key] = shapeObject(part.plan, edge.node, cost);
          }
          return shaped;
        });
        charge(cost, entry.field, edges);
        out[entry.key] = edges;
        break;
      }
    }
  }
  return out;
}

function shapeRoot(entries: RootEntry[], data: unknown[], cost: CostCounter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of entries) {
    switch (entry.kind) {
      case 'typename':
        out[entry.key] = 'Query';
        break;
      case 'object': {
        const row = data[entry.index] as unknown[] | null;
        const shaped = row == null ? null : shapeObject(entry.plan, row, cost);
        charge(cost, entry.field, shaped);
        out[entry.key] = shaped;
        break;
      }
      case 'connection': {
        const shaped = shapeConnection(entry.plan, data[entry.index] as [unknown[][], number | null], cost);
        charge(cost, entry.field, shaped);
        out[entry.key] = shaped;
        break;
      }
      case 'nodes': {
        const perType = data[entry.index] as unknown[][][];
        const found = new Map<string, Map<number, unknown[]>>();
        [...entry.plans.keys()].forEach((typeName, i) => found.set(typeName, new Map(perType[i].map((row) => [row[0] as number, row]))));
        const shaped = entry.ids.map((id) => {
          const row = id && found.get(id[0])?.get(id[1]);
          return row ? shapeObject(entry.plans.get(id![0])!, row, cost) : null;
        });
        const value = entry.single ? shaped[0] : shaped;
        charge(cost, entry.field, value);
        out[entry.key] = value;
        break;
      }
    }
  }
  return out;
}

/**
 * Statement texts run as named prepared statements: planning a compiled read under row-level
 * security costs PostgreSQL more than running it (3.4 ms against 2.5 ms for the benchmark's
 * organisation query), and portals send the same few operations all day. Each pooled connection
 * prepares a text once; the first PREPARED_TEXTS distinct texts are named, later ones run unnamed,
 * so the statements kept per connection stay bounded.
 */
const preparedNames = new Set<string>();
const PREPARED_TEXTS = 200;

function statementName(sql: string): string | undefined {
  const name = `silta_${createHash('sha1').update(sql).digest('hex')}`;
  if (preparedNames.has(name)) return name;
  if (preparedNames.size >= PREPARED_TEXTS) return undefined;
  preparedNames.add(name);
  return name;
}

/**
 * Runs a compiled read in the request's transaction: one statement. When the transaction has not
 * begun (the usual case), the whole transaction is one round trip (`RequestTransaction.runAlone`).
 */
export async function runCompiledRead(ctx: ReadPlanContext & { transaction: RequestTransaction }, compiled: CompiledRead): Promise<unknown> {
  if (!compiled.native) {
    const native = knexOf(ctx.em).raw(compiled.sql, compiled.bindings as never[]).toSQL().toNative();
    compiled.native = { sql: native.sql, bindings: native.bindings, name: statementName(compiled.sql) };
  }
  const { name } = compiled.native;
  let body: string | null | undefined;
  if (name && ctx.transaction.isPending) {
    try {
      body = (await ctx.transaction.runAlone({ sql: compiled.native.sql, bindings: compiled.native.bindings, name }))?.body as string | null;
    } catch (error) {
      if (!(error instanceof NotInlinable)) throw error;
    }
  }
  if (body === undefined) {
    await ctx.transaction.ensureBegun();
    const query = knexOf(ctx.em).raw(compiled.sql, compiled.bindings as never[]);
    const result = (await (name ? query.options({ name }) : query)) as { rows: { body: string | null }[] };
    body = result.rows[0].body;
  }
  // A reference the services would refuse (an unknown theme): the resolvers run and report it.
  if (body === null) throw new NotCompilable('a reference check failed');
  return JSON.parse(body);
}

