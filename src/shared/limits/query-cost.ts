import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  type DocumentNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  isObjectType,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { LimitCode, LimitError } from './limits.errors';

/**
 * The cost model (as Shopify's): every object costs 1 and scalars are free. A field with `first`/`last`
 * multiplies what it selects by the page size; other lists by their expected length.
 */
export const COST_MODEL = {
  /** Items assumed when a connection gets neither `first` nor `last` (the services' default). */
  defaultPageSize: 20,
  /** The services refuse larger pages, so a larger `first` is estimated at this (and then refused). */
  maxPageSize: 100,
  /** Items assumed in a plain list (themes, contact people, coverage, …), which are short by design. */
  defaultListSize: 10,
  /** A mutation field's own cost: writes, a transaction and an audit entry, not one row read. */
  mutation: 10,
  /**
   * Plain lists whose length is known from the domain rather than the default: a finding has two
   * projects, one signal per signal kind at most, and the summary one row per kind.
   */
  knownListSizes: { 'Overlap.projects': 2, 'Overlap.signals': 11, 'Query.overlapSummary': 5 } as Record<string, number>,
  /** graphql-query-complexity's guard against fragment bombs: selections it will walk at most. */
  maxQueryNodes: 10_000,
} as const;

/** `<X>Connection.nodes` and `.edges` are the page the connection field already multiplied. */
function isPageItems(parentType: string, fieldName: string): boolean {
  return parentType.endsWith('Connection') && (fieldName === 'nodes' || fieldName === 'edges');
}

/** Wrappers with no rows of their own: a connection's `pageInfo`, and an edge's `node` (the edge counted it). */
function isFree(parentType: string, fieldName: string): boolean {
  return (parentType.endsWith('Connection') && fieldName === 'pageInfo') || (parentType.endsWith('Edge') && fieldName === 'node');
}

function pageSize(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number | undefined {
  if (!field.args.some((arg) => arg.name === 'first' || arg.name === 'last')) return undefined;
  const given = [args.first, args.last].filter((value): value is number => typeof value === 'number');
  const size = given.length > 0 ? Math.max(...given) : COST_MODEL.defaultPageSize;
  return Math.min(Math.max(size, 0), COST_MODEL.maxPageSize);
}

function listLength(parentType: string, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
  const known = COST_MODEL.knownListSizes[`${parentType}.${field.name}`];
  if (known !== undefined) return known;
  const page = pageSize(field, args);
  if (page !== undefined) return page;
  // A list looked up by a list argument (`nodes(ids:)`) has that many items.
  for (const arg of field.args) {
    const value = args[arg.name];
    if (Array.isArray(value)) return value.length;
  }
  return COST_MODEL.defaultListSize;
}

/** The estimator for graphql-query-complexity; `childComplexity` is the cost of one item's selection. */
export function costEstimator(schema: GraphQLSchema): ComplexityEstimator {
  const mutationType = schema.getMutationType();
  return ({ type, field, args, childComplexity }) => {
    if (isLeafType(getNamedType(field.type))) return 0;
    if (isFree(type.name, field.name)) return childComplexity;
    const own = type === mutationType ? COST_MODEL.mutation : 1;
    if (isListType(getNullableType(field.type))) {
      if (isPageItems(type.name, field.name)) return 1 + childComplexity;
      return own + listLength(type.name, field, args) * (1 + childComplexity);
    }
    const page = pageSize(field, args);
    return own + (page === undefined ? childComplexity : page * childComplexity);
  };
}

const estimators = new WeakMap<GraphQLSchema, ComplexityEstimator>();

/**
 * The most an operation can cost, from the document and variables alone. Throws QUERY_TOO_COMPLEX for a
 * document too large to estimate (fragment bombs); other errors (bad variables) are the caller's to handle.
 */
export function requestedCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined): number {
  // A pure function of its arguments: priced once per parsed document (Apollo reuses the object for
  // the same query text), operation and small variables, up to PRICES_PER_DOCUMENT variable sets.
  let prices = priced.get(document);
  if (!prices) priced.set(document, (prices = new Map()));
  const key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`;
  const known = prices.get(key);
  if (known !== undefined) return known;
  const price = estimate(schema, document, variables, operationName);
  // Large variables (an uploaded file) are priced each time rather than kept.
  if (key.length > 2048) return price;
  if (prices.size >= PRICES_PER_DOCUMENT) prices.clear();
  prices.set(key, price);
  return price;
}

const priced = new WeakMap<DocumentNode, Map<string, number>>();
const PRICES_PER_DOCUMENT = 64;

function estimate(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined): number {
  let estimator = estimators.get(schema);
  if (!estimator) {
    estimator = costEstimator(schema);
    estimators.set(schema, estimator);
  }
  try {
    return getComplexity({ schema, query: document, variables, operationName, estimators: [estimator], maxQueryNodes: COST_MODEL.maxQueryNodes });
  } catch (error) {
    if (error instanceof Error && /maximum allowed number of nodes/.test(error.message)) {
      throw new LimitError('The query has too many selections (counting each use of a fragment) to estimate its cost', LimitCode.QUERY_TOO_COMPLEX);
    }
    throw error;
  }
}

export interface ResolvedField {
  parentType: { name: string };
  fieldName: string;
  returnType: GraphQLOutputType;
  isMutation: boolean;
}

/** How a field is charged once resolved: this depends only on the schema, so it is worked out once per field. */
type Charge = { kind: 'free' } | { kind: 'object' | 'list'; own: number; mutation: boolean };

function chargeOf(field: ResolvedField): Charge {
  if (isLeafType(getNamedType(field.returnType)) || isFree(field.parentType.name, field.fieldName)) return { kind: 'free' };
  const own = field.isMutation ? COST_MODEL.mutation : 1;
  if (isListType(getNullableType(field.returnType))) {
    return { kind: 'list', own: isPageItems(field.parentType.name, field.fieldName) ? 0 : own, mutation: field.isMutation };
  }
  return { kind: 'object', own, mutation: field.isMutation };
}

function costOf(charge: Charge, result: unknown): number {
  if (charge.kind === 'free') return 0;
  // A mutation ran (and wrote) even if it returned nothing.
  if (result == null) return charge.mutation ? charge.own : 0;
  if (charge.kind === 'list' && Array.isArray(result)) {
    let items = 0;
    for (const item of result) if (item != null) items += 1;
    return charge.own + items;
  }
  return charge.own;
}

/** What one resolved field actually cost, by the same model as `requestedCost` but with real list lengths. */
export function actualFieldCost(field: ResolvedField, result: unknown): number {
  return costOf(chargeOf(field), result);
}

/** Where a request's actual cost accumulates: the request context's `limits`. */
export interface ActualCostCounter {
  actualCost?: number;
}

const counted = new WeakSet<GraphQLSchema>();

/**
 * Counts the actual cost of each execution as it runs, into `context.limits.actualCost`. Only the
 * fields that can cost something (objects and lists) are wrapped, once per schema: scalar fields, the
 * bulk of every answer, keep graphql-js's plain property read. (A plugin's `willResolveField` would
 * make Apollo wrap every field of the schema instead.) A field that fails costs nothing, and a
 * context without `limits` (subscriptions, which are priced on their own) is not counted.
 */
export function countActualCost(schema: GraphQLSchema): void {
  if (counted.has(schema)) return;
  counted.add(schema);
  const mutationType = schema.getMutationType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const charge = chargeOf({ parentType: type, fieldName: field.name, returnType: field.type, isMutation: type === mutationType });
      if (charge.kind === 'free') continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: { limits?: ActualCostCounter } | undefined, info) => {
        const result: unknown = resolve(source, args, context, info);
        const counter = context?.limits;
        if (!counter) return result;
        if (result instanceof Promise) {
          return result.then((value: unknown) => {
            counter.actualCost = (counter.actualCost ?? 0) + costOf(charge, value);
            return value;
          });
        }
        counter.actualCost = (counter.actualCost ?? 0) + costOf(charge, result);
        return result;
      };
    }
  }
}
