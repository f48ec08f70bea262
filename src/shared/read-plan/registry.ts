import type { EntityManager } from '@mikro-orm/postgresql';
import { getNamedType, getNullableType, isLeafType, isListType, isObjectType, type GraphQLField, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import type { ListSpec, ParentLink } from '../relay/keyset';

/**
 * What the compiled read path may answer, declared by the modules (`<module>.read-plan.ts`), as the
 * loaders are: a GraphQL field is answered from SQL only if its module says here how to read it, and
 * every other field makes the whole operation go through graphql-js and the resolvers as before. So a
 * new field, or a field whose value depends on who asks (internal notes, contact details), is never
 * compiled by accident: it is simply not listed.
 *
 * SQL snippets are functions of the row alias they read from (`r3`), never of a fixed name, because
 * levels nest as correlated subqueries. `list` and `from` may depend on their arguments and the
 * viewer only, never on what the database holds (a check that a code exists goes through
 * `checkReferencesExist`, which the compiled statement then makes its condition): plans are kept and
 * reused per query text, variables and viewer (`compileReadCached`). Everything runs in the request's transaction as the serving
 * role, so row-level security hides rows exactly as it does for the loaders.
 */

/** What a module's connection or root reads need from the request. */
export interface ReadPlanContext {
  em: EntityManager;
  viewer: unknown;
}

export type Args = Record<string, unknown>;

/** A scalar or enum read from SQL; `value` turns the JSON value into what the resolver would return. */
export interface ColumnRead {
  kind: 'column';
  /** An SQL expression over the row alias whose JSON form is the field's value (cast money to text). */
  sql: (row: string) => string;
  value?: (raw: unknown) => unknown;
}

/** A to-one relation: the related row, or null when there is none or row-level security hides it. */
export interface ObjectRead {
  kind: 'object';
  type: string;
  /** `from <table> <alias> where …` (joins, order and `limit 1` allowed) over the parent row alias. */
  from: (row: string, alias: string) => string;
}

/**
 * A value computed in SQL as JSON and finished in JavaScript (funding totals), whose type is plain
 * (see `definePlainTypes`): its sub-selection is read as properties, as graphql-js's default resolver does.
 */
export interface ValueRead {
  kind: 'value';
  sql: (row: string) => string;
  value: (raw: unknown) => unknown;
}

/** A nested connection: the module's own list spec (filters, order, validation), one page per parent. */
export interface ConnectionRead {
  kind: 'connection';
  type: string;
  list: (ctx: ReadPlanContext, args: Args) => ListSpec<object> | Promise<ListSpec<object>>;
  /** How the child rows point at the parent row's key (`id`). */
  parent: ParentLink;
}

export type FieldRead = ColumnRead | ObjectRead | ValueRead | ConnectionRead;

export interface TypeReads {
  /** The table a row of the type comes from, for `node(id:)`/`nodes(ids:)`; its key is the integer `id`. */
  table: string;
  fields: Record<string, FieldRead>;
}

/** A root field answered as a page of rows (a connection) from a module's list spec. */
export interface RootConnectionRead {
  kind: 'connection';
  type: string;
  list: (ctx: ReadPlanContext, args: Args) => ListSpec<object> | Promise<ListSpec<object>>;
}

/**
 * A root field answered as one row or null: `from <table> <alias> where …` with `?` placeholders and
 * their values. Throwing (a malformed argument) sends the operation to the resolvers, which report it.
 */
export interface RootObjectRead {
  kind: 'object';
  type: string;
  from: (alias: string, args: Args) => { sql: string; bindings: unknown[] };
}

export type RootRead = RootConnectionRead | RootObjectRead;

const types = new Map<string, TypeReads>();
const roots = new Map<string, RootRead>();
const plainTypes = new Set<string>(['PageInfo']);

/** Declares how the listed fields of a GraphQL object type are read from SQL (the `id` field comes with the table). */
export function defineTypeReads(typeName: string, reads: TypeReads): void {
  const existing = types.get(typeName);
  if (existing && existing.table !== reads.table) throw new Error(`${typeName} is read from ${existing.table} and ${reads.table}`);
  types.set(typeName, { table: reads.table, fields: { ...existing?.fields, ...reads.fields } });
}

/** Declares root Query fields answered from SQL. */
export function defineRootReads(reads: Record<string, RootRead>): void {
  for (const [name, read] of Object.entries(reads)) {
    if (roots.has(name)) throw new Error(`Query.${name} is declared twice`);
    roots.set(name, read);
  }
}

/** Object types made of plain properties (no resolvers), read as graphql-js's default resolver would. */
export function definePlainTypes(...names: string[]): void {
  for (const name of names) plainTypes.add(name);
}

export function typeReads(typeName: string): TypeReads | undefined {
  return types.get(typeName);
}

export function rootRead(fieldName: string): RootRead | undefined {
  return roots.get(fieldName);
}

export function isPlainType(typeName: string): boolean {
  return plainTypes.has(typeName);
}

/** Everything declared, for the start-up check against the schema and for tests that walk it. */
export function declaredReads(): { types: ReadonlyMap<string, TypeReads>; roots: ReadonlyMap<string, RootRead>; plainTypes: ReadonlySet<string> } {
  return { types, roots, plainTypes };
}

/** A column read as it is stored (text, integer, boolean, date, enum). */
export function column(name: string): ColumnRead {
  return { kind: 'column', sql: (row) => `${row}."${name}"` };
}

/** A money column (`numeric`), read as text so that no amount passes through a float. */
export function eurosColumn(name: string): ColumnRead {
  return { kind: 'column', sql: (row) => `${row}."${name}"::text` };
}

/** A to-one relation through a foreign key of the row (`<fk> = <alias>.id`). */
export function byForeignKey(type: string, table: string, foreignKey: string): ObjectRead {
  return { kind: 'object', type, from: (row, alias) => `from "${table}" ${alias} where ${alias}.id = ${row}."${foreignKey}"` };
}

/**
 * Checks the declarations against the schema at start-up: every declared field exists, with the kind
 * of GraphQL type its read produces, so a renamed field or a changed type fails the start, not a request.
 */
export function checkDeclaredReads(schema: GraphQLSchema): void {
  const problems: string[] = [];
  const objectNamed = (type: GraphQLOutputType): string | undefined => {
    const named = getNamedType(type);
    return isObjectType(named) ? named.name : undefined;
  };
  const nodeTypeOfConnection = (type: GraphQLOutputType): string | undefined => {
    const connection = getNamedType(type);
    if (!isObjectType(connection) || !connection.name.endsWith('Connection')) return undefined;
    const nodes = connection.getFields().nodes;
    return nodes ? objectNamed(nodes.type) : undefined;
  };
  const check = (where: string, field: GraphQLField<unknown, unknown> | undefined, read: FieldRead | RootRead): void => {
    if (!field) return void problems.push(`${where} is not in the schema`);
    const named = getNamedType(field.type);
    const list = isListType(getNullableType(field.type));
    if (read.kind === 'column' && (!isLeafType(named) || list)) problems.push(`${where} is read as a column but is ${String(field.type)}`);
    if (read.kind === 'object' && (list || objectNamed(field.type) !== read.type)) problems.push(`${where} is read as ${read.type} but is ${String(field.type)}`);
    if (read.kind === 'value' && !plainTypes.has(named.name)) problems.push(`${where} is read as a plain value but ${named.name} is not declared plain`);
    if (read.kind === 'connection' && nodeTypeOfConnection(field.type) !== read.type) problems.push(`${where} is read as a connection of ${read.type} but is ${String(field.type)}`);
  };
  for (const [typeName, reads] of types) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type)) {
      problems.push(`${typeName} is not an object type of the schema`);
      continue;
    }
    for (const [name, read] of Object.entries(reads.fields)) check(`${typeName}.${name}`, type.getFields()[name], read);
  }
  const query = schema.getQueryType();
  for (const [name, read] of roots) check(`Query.${name}`, query?.getFields()[name], read);
  for (const name of plainTypes) if (!isObjectType(schema.getType(name))) problems.push(`plain type ${name} is not an object type of the schema`);
  if (problems.length) throw new Error(`The declared SQL reads do not match the schema:\n${problems.join('\n')}`);
}
