import { Arg, Args, Ctx, Field, Float, Int, ObjectType, Query, Resolver, createUnionType } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../shared/errors';
import { ConnectionArgs, PageInfo, buildConnection, parsePageRequest, type Cursor } from '../../shared/relay/connection';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Project } from '../project/project.entity';
import { MAX_SEARCH_LENGTH } from './search-query';
import { countSearch, prepareSearch, searchPage, type SearchHitRow, type SearchPosition } from './search.service';
import { organisationsById } from '../organisation/organisation.loaders';
import { programmesById } from '../programme/programme.loaders';
import { projectsById } from '../project/project.loaders';

export const SearchHit = createUnionType({
  name: 'SearchHit',
  description: 'Something the search box can find.',
  types: () => [Organisation, Programme, Project] as const,
  resolveType: (value) => value.constructor.name,
});

type Hit = Organisation | Programme | Project;

@ObjectType({ description: 'One search result with its cursor and relevance.', simpleResolvers: true })
export class SearchResultEdge {
  @Field(() => String, { description: 'Opaque cursor of this result, for `after`/`before`.' })
  cursor!: string;

  @Field(() => SearchHit, { description: 'The organisation, programme or project found.' })
  node!: Hit;

  @Field(() => Float, {
    description: 'Relevance: full-text rank (Finnish stemming, title weighted over text) plus trigram word similarity of the name or title (typos).',
  })
  score!: number;
}

@ObjectType({ description: 'A page of search results, best first (Relay cursor connection).', simpleResolvers: true })
export class SearchResultConnection {
  @Field(() => [SearchResultEdge], { description: 'Results with their cursors and scores.' })
  edges!: SearchResultEdge[];

  @Field(() => [SearchHit], { description: 'Results without cursors, for convenience.' })
  nodes!: Hit[];

  @Field(() => PageInfo, { description: 'Paging information.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Total number of results for the query, across all pages (counted only when asked for).' })
  totalCount!: number;
}

const TYPES: readonly SearchHitRow['type'][] = ['Organisation', 'Programme', 'Project'];

/** A cursor is (score, "Type:id"); anything else did not come from this connection. */
function positionOf(cursor: Cursor, argumentName: string): SearchPosition {
  const match = typeof cursor.key === 'string' ? /^([A-Za-z]+):(\d{1,15})$/.exec(cursor.key) : null;
  const type = match?.[1] as SearchHitRow['type'] | undefined;
  if (typeof cursor.value !== 'number' || !Number.isFinite(cursor.value) || !match || !type || !TYPES.includes(type)) {
    throw badUserInput('This is not a cursor from `search`', argumentName);
  }
  return { score: cursor.value, type, id: Number(match[2]) };
}

function loadHit({ loaders }: Context, hit: SearchHitRow): Promise<Hit | null> {
  if (hit.type === 'Organisation') return loaders.get(organisationsById).load(hit.id);
  if (hit.type === 'Programme') return loaders.get(programmesById).load(hit.id);
  return loaders.get(projectsById).load(hit.id);
}

@Resolver()
export class SearchResolver {
  @Query(() => SearchResultConnection, {
    description:
      'One search box over organisations, projects and programmes: Finnish stemming ("nuorten" finds "nuoret"), typo tolerance through trigrams, ranked best first and paged with `first`/`after` (or `last`/`before`).',
  })
  async search(
    @Arg('query', () => String, { description: `Words to look for (at most ${MAX_SEARCH_LENGTH} characters).` }) query: string,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<SearchResultConnection> {
    if (query.length > MAX_SEARCH_LENGTH) throw badUserInput(`\`query\` is limited to ${MAX_SEARCH_LENGTH} characters`, 'query');
    const page = parsePageRequest(args);
    const position = page.cursor ? positionOf(page.cursor, page.backward ? 'before' : 'after') : undefined;
    const prepared = await prepareSearch(ctx.em, query);
    // One row more than the page tells whether another page exists.
    const { rows, total } = prepared
      ? await searchPage(ctx.em, prepared, { limit: page.limit + 1, backward: page.backward, position })
      : { rows: [], total: 0 };
    const connection = buildConnection(
      rows.map((row) => ({ node: row, cursor: { value: row.score, key: `${row.type}:${row.id}` } })),
      page,
      () => (total !== undefined ? Promise.resolve(total) : prepared ? countSearch(ctx.em, prepared) : Promise.resolve(0)),
    );
    const nodes = await Promise.all(connection.edges.map((edge) => loadHit(ctx, edge.node)));
    const edges = connection.edges.flatMap((edge, index) => {
      const node = nodes[index];
      return node ? [{ cursor: edge.cursor, node, score: Math.round(edge.node.score * 10_000) / 10_000 }] : [];
    });
    return Object.assign(new SearchResultConnection(), {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: connection.pageInfo,
      totalCount: connection.totalCount,
    });
  }
}
