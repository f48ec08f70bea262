import type { ClassType } from 'type-graphql';
import { ArgsType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { badUserInput } from '../errors';
import { decodeCursor, encodeCursor, type Cursor } from './cursor';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Sort direction.',
  valuesConfig: {
    ASC: { description: 'Ascending: A–Ö, oldest first, smallest first.' },
    DESC: { description: 'Descending: Ö–A, newest first, largest first.' },
  },
});

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `Return the first n items (1–${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor (from `pageInfo.endCursor`).' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Return the last n items (1–${MAX_PAGE_SIZE}); use with \`before\`.` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items before this cursor (from `pageInfo.startCursor`).' })
  before?: string | null;
}

@ObjectType({ description: 'Relay page information for cursor pagination.', simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when items precede this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item on this page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item on this page.' })
  endCursor!: string | null;
}

export { decodeCursor, encodeCursor, type Cursor } from './cursor';

/** A validated page request: how many rows, in which direction, from which position. */
export interface PageRequest {
  limit: number;
  backward: boolean;
  cursor?: Cursor;
  /** Whether the client started from a cursor (for hasPreviousPage / hasNextPage). */
  fromCursor: boolean;
  /** The argument the cursor came in, for errors once it is checked against the list's types. */
  cursorArgument?: 'after' | 'before';
}

export function parsePageRequest(args: ConnectionArgs): PageRequest {
  const { first, last, after, before } = args;
  if (first != null && last != null) {
    throw badUserInput('Use either `first` or `last`, not both', first != null ? 'first' : 'last');
  }
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value != null && (value < 1 || value > MAX_PAGE_SIZE)) {
      throw badUserInput(`\`${name}\` must be between 1 and ${MAX_PAGE_SIZE}, got ${value}`, name);
    }
  }
  if (last != null || (before != null && first == null)) {
    if (after != null) throw badUserInput('`after` cannot be combined with `last`/`before` paging', 'after');
    return {
      limit: last ?? DEFAULT_PAGE_SIZE,
      backward: true,
      cursor: before != null ? decodeCursor(before, 'before') : undefined,
      fromCursor: before != null,
      cursorArgument: before != null ? 'before' : undefined,
    };
  }
  if (before != null) throw badUserInput('`before` cannot be combined with `first`', 'before');
  return {
    limit: first ?? DEFAULT_PAGE_SIZE,
    backward: false,
    cursor: after != null ? decodeCursor(after, 'after') : undefined,
    fromCursor: after != null,
    cursorArgument: after != null ? 'after' : undefined,
  };
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  /** Resolved lazily: graphql-js calls a function-valued property, so the count query runs only when asked for. */
  totalCount: () => Promise<number>;
}

/** Rows as fetched: one more than the limit tells whether another page exists. */
export function buildConnection<T>(
  rows: { node: T; cursor: Cursor }[],
  page: PageRequest,
  totalCount: () => Promise<number>,
): Connection<T> {
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (page.backward) pageRows.reverse();
  const edges = pageRows.map((row) => ({ cursor: encodeCursor(row.cursor), node: row.node }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: page.backward ? page.fromCursor : hasMore,
      hasPreviousPage: page.backward ? hasMore : page.fromCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount,
  };
}

/** Declares `<Name>Connection` and `<Name>Edge` for a node type. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string, description: string) {
  @ObjectType(`${name}Edge`, { description: `An edge in a connection of ${description}.`, simpleResolvers: true })
  class EdgeType {
    @Field(() => String, { description: 'Opaque cursor of this item, for `after`/`before`.' })
    cursor!: string;

    @Field(() => nodeType, { description: 'The item.' })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${description} (Relay cursor connection).`, simpleResolvers: true })
  class ConnectionTypeClass {
    @Field(() => [EdgeType], { description: 'Items with their cursors.' })
    edges!: EdgeType[];

    @Field(() => [nodeType], { description: 'Items without cursors, for convenience.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Paging information.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Total number of items matching the arguments, across all pages.' })
    totalCount!: number;
  }

  return ConnectionTypeClass;
}
