import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedOutputType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Operations generated from the schema itself, so that a new root field, argument, filter key or
 * enum value is walked without anyone editing a list: used by the draft-invisibility test.
 */

export interface WalkOptions {
  /** Object levels selected below a root item (a connection and its edges add no level). */
  depth: number;
  /** `first` for the root field's connection. */
  rootFirst: number;
  /** `first` for connections nested inside the selection. */
  nestedFirst: number;
}

/**
 * Values to try for an argument or input field: keyed `Type.field` (most specific), else by name
 * alone. A key `Type.field+` gives the other keys a filter key needs (e.g. `role` only with
 * `organisation`), added to each of its variants.
 */
export type Probes = Record<string, unknown[]>;

export interface Operation {
  field: string;
  /** Which argument values this request uses, readable in a failure: `filter={role:"LEAD"}`. */
  variant: string;
  /** Whether an optional argument is set (a filter, an order, `last`), as opposed to the plain field. */
  varies: boolean;
  /** The whole operation, for sending it alone. */
  query: string;
  variables: Record<string, unknown>;
  /** The GraphQL type of each variable, e.g. `filter: OrganisationFilter`, for `batch`. */
  variableTypes: Record<string, string>;
  selection: string;
}

/** Several operations as one request, each under an alias: fewer round trips for the same answers. */
export interface Batch {
  query: string;
  variables: Record<string, unknown>;
  members: { alias: string; operation: Operation }[];
}

/** Operations of the same root field, `size` at a time, each aliased `v<n>` with its variables renamed. */
export function batch(operations: readonly Operation[], size: number): Batch[] {
  const byField = new Map<string, Operation[]>();
  for (const operation of operations) byField.set(operation.field, [...(byField.get(operation.field) ?? []), operation]);
  const batches: Batch[] = [];
  for (const group of byField.values()) {
    for (let start = 0; start < group.length; start += size) {
      const members = group.slice(start, start + size).map((operation, index) => ({ alias: `v${index}`, operation }));
      const declarations: string[] = [];
      const variables: Record<string, unknown> = {};
      const fields = members.map(({ alias, operation }) => {
        const call = Object.keys(operation.variables).map((name) => {
          declarations.push(`$${alias}_${name}: ${operation.variableTypes[name]}`);
          variables[`${alias}_${name}`] = operation.variables[name];
          return `${name}: $${alias}_${name}`;
        });
        return `${alias}: ${operation.field}${call.length ? `(${call.join(', ')})` : ''} ${operation.selection}`;
      });
      batches.push({ query: `query WalkBatch${declarations.length ? `(${declarations.join(', ')})` : ''} { ${fields.join(' ')} }`, variables, members });
    }
  }
  return batches;
}

const PAGING = new Set(['first', 'last', 'after', 'before']);

function isConnection(type: GraphQLNamedOutputType): boolean {
  return isObjectType(type) && type.name.endsWith('Connection') && 'edges' in type.getFields() && 'pageInfo' in type.getFields();
}

/**
 * Object types some root field returns (the items of a connection, a list or a lookup). Their fields
 * are walked from that root field; nested elsewhere, their `id` is enough to see which items a
 * relation holds, and the answers stay small (every project would otherwise repeat its programme's
 * territory, its themes' projects …).
 */
export function rootWalkedTypes(schema: GraphQLSchema): Set<string> {
  const names = new Set<string>();
  for (const field of Object.values(schema.getQueryType()?.getFields() ?? {})) {
    const named = getNamedType(field.type);
    const item = isObjectType(named) && isConnection(named) ? nodeTypeOf(named) : named;
    if (isObjectType(item)) names.add(item.name);
  }
  return names;
}

function nodeTypeOf(connection: GraphQLNamedOutputType): GraphQLNamedOutputType {
  const edge = getNamedType((connection as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields().edges.type);
  return getNamedType((edge as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields().node.type);
}

interface Walk extends WalkOptions {
  schema: GraphQLSchema;
  rootWalked: Set<string>;
}

/**
 * The selection set of a type: every scalar and enum field, and objects down to `depth` levels.
 * Nested below the root item, a root-walked type, or a type already on the path, gets its `id` only.
 */
function selectionOf(walk: Walk, type: GraphQLNamedOutputType, depth: number, path: readonly string[], conflicting: ReadonlySet<string> = new Set()): string {
  if (isScalarType(type) || isEnumType(type)) return '';
  if (isUnionType(type) || isInterfaceType(type)) {
    const members = walk.schema.getPossibleTypes(type);
    // Fields of one name but different types in two members would not merge: those get an alias per type.
    const typesByName = new Map<string, Set<string>>();
    for (const member of members) {
      for (const field of Object.values(member.getFields())) typesByName.set(field.name, (typesByName.get(field.name) ?? new Set()).add(String(field.type)));
    }
    const clashes = new Set([...typesByName].filter(([, types]) => types.size > 1).map(([name]) => name));
    return `{ __typename ${members.map((member) => `... on ${member.name} ${selectionOf(walk, member, depth, path, clashes)}`).join(' ')} }`;
  }
  if (!isObjectType(type)) throw new Error(`Cannot select ${String(type)}`);
  const fields = type.getFields();
  if (isConnection(type)) {
    const count = 'totalCount' in fields ? 'totalCount ' : '';
    return `{ __typename ${count}pageInfo { startCursor endCursor hasNextPage hasPreviousPage } edges { cursor node ${selectionOf(walk, nodeTypeOf(type), depth, path)} } }`;
  }
  const walkedElsewhere = path.length > 0 && (walk.rootWalked.has(type.name) || path.includes(type.name));
  const named = (name: string): string => (conflicting.has(name) ? `${type.name}_${name}: ${name}` : name);
  if (walkedElsewhere && 'id' in fields) return `{ __typename ${named('id')} }`;
  const parts = ['__typename'];
  for (const field of Object.values(fields)) {
    const fieldType = getNamedType(field.type);
    if (isScalarType(fieldType) || isEnumType(fieldType)) {
      parts.push(named(field.name));
      continue;
    }
    if (depth <= 0 || walkedElsewhere) continue;
    parts.push(`${named(field.name)}${nestedArguments(type.name, field, walk)} ${selectionOf(walk, fieldType, depth - 1, [...path, type.name])}`);
  }
  return `{ ${parts.join(' ')} }`;
}

/** Nested fields get a page big enough for the demo data and their defaults otherwise. */
function nestedArguments(typeName: string, field: GraphQLField<unknown, unknown>, options: WalkOptions): string {
  const required = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
  if (required.length) {
    throw new Error(`${typeName}.${field.name} has required arguments (${required.map((arg) => arg.name).join(', ')}): teach the schema walk a value for them`);
  }
  return field.args.some((arg) => arg.name === 'first') ? `(first: ${options.nestedFirst})` : '';
}

function probe(probes: Probes, owner: string, name: string): unknown[] | undefined {
  return probes[`${owner}.${name}`] ?? probes[name];
}

/** One value per variant for an input field or argument: every enum value, else the probes. */
function valuesFor(probes: Probes, owner: string, name: string, type: GraphQLInputType, missing: string[]): unknown[] {
  const given = probe(probes, owner, name);
  if (given) return given;
  const nullable = getNullableType(type);
  const named = getNamedType(type);
  if (isEnumType(named)) {
    const values = named.getValues().map((value) => value.name);
    return isListType(nullable) ? values.map((value) => [value]) : values;
  }
  if (isScalarType(named) && named.name === 'Boolean') return [true, false];
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields());
    // Inputs made only of enums (orderBy): every combination, e.g. each field in both directions.
    if (fields.every((inner) => isEnumType(getNamedType(inner.type)))) {
      let combos: Record<string, unknown>[] = [{}];
      for (const inner of fields) {
        const options = valuesFor(probes, named.name, inner.name, inner.type, missing);
        combos = combos.flatMap((combo) => options.map((value) => ({ ...combo, [inner.name]: value })));
      }
      return combos;
    }
    // Filters: one key per variant, so that each condition is tried on its own (with its companions).
    return fields.flatMap((inner) => {
      const companions = (probes[`${named.name}.${inner.name}+`]?.[0] ?? {}) as Record<string, unknown>;
      return valuesFor(probes, named.name, inner.name, inner.type, missing).map((value) => ({ ...companions, [inner.name]: value }));
    });
  }
  missing.push(`${owner}.${name}`);
  return [];
}

function describe(value: unknown): string {
  return JSON.stringify(value).replace(/"([A-Za-z]+)":/g, '$1:');
}

/**
 * Every root field of Query except `skip`, each with a variant per argument value: the plain field
 * (required arguments from the probes), then one variant per value of each optional argument.
 * Throws when an argument or filter key has neither enum values nor probes, so no new one goes untried.
 */
export function rootOperations(schema: GraphQLSchema, probes: Probes, skip: Record<string, string>, options: WalkOptions): Operation[] {
  const query = schema.getQueryType();
  if (!query) throw new Error('The schema has no Query type');
  const operations: Operation[] = [];
  const missing: string[] = [];
  const walk: Walk = { ...options, schema, rootWalked: rootWalkedTypes(schema) };
  for (const field of Object.values(query.getFields())) {
    if (field.name in skip) continue;
    const named = getNamedType(field.type);
    const connection = isConnection(named);
    const selection = selectionOf(walk, named, options.depth, []);
    const args = field.args;
    const required = args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
    const optional = args.filter((arg) => !required.includes(arg) && !PAGING.has(arg.name));
    const firstArg = args.find((arg) => arg.name === 'first');

    // Required arguments: one base request per probe value (node(id:) for each related ID, …).
    let bases: Record<string, unknown>[] = [{}];
    for (const arg of required) {
      const values = valuesFor(probes, `${field.name}`, arg.name, arg.type, missing);
      bases = bases.flatMap((base) => values.map((value) => ({ ...base, [arg.name]: value })));
    }
    const paging: Record<string, unknown> = firstArg ? { first: options.rootFirst } : {};
    const build = (variant: string, values: Record<string, unknown>, varies: boolean): Operation => {
      const used = args.filter((arg) => arg.name in values);
      const declaration = used.length ? `(${used.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ')})` : '';
      const call = used.length ? `(${used.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})` : '';
      const variableTypes = Object.fromEntries(used.map((arg) => [arg.name, String(arg.type)]));
      return { field: field.name, variant, varies, query: `query Walk${declaration} { ${field.name}${call} ${selection} }`, variables: values, variableTypes, selection };
    };
    for (const base of bases) {
      const label = required.map((arg) => `${arg.name}=${describe(base[arg.name])}`).join(' ');
      operations.push(build(label || 'plain', { ...base, ...paging }, false));
      for (const arg of optional) {
        for (const value of valuesFor(probes, field.name, arg.name, arg.type, missing)) {
          operations.push(build(`${label ? `${label} ` : ''}${arg.name}=${describe(value)}`, { ...base, ...paging, [arg.name]: value }, true));
        }
      }
      // The same list read backwards: the keyset query and cursors differ from `first`.
      if (connection && args.some((arg) => arg.name === 'last')) {
        operations.push(build(`${label ? `${label} ` : ''}last=${options.rootFirst}`, { ...base, last: options.rootFirst }, true));
      }
    }
  }
  if (missing.length) {
    throw new Error(`No probe values for ${[...new Set(missing)].join(', ')}: give values related to the draft so the walk tries them`);
  }
  return operations;
}
