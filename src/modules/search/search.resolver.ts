import { Arg, Ctx, Field, Float, Int, ObjectType, Query, Resolver, createUnionType } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../shared/errors';
import { MAX_PAGE_SIZE } from '../../shared/relay/connection';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Project } from '../project/project.entity';
import { MAX_SEARCH_LENGTH } from './search-query';
import { searchIndex } from './search.service';

export const SearchHit = createUnionType({
  name: 'SearchHit',
  description: 'Something the search box can find.',
  types: () => [Organisation, Programme, Project] as const,
  resolveType: (value) => value.constructor.name,
});

@ObjectType({ description: 'One search result with its relevance.', simpleResolvers: true })
export class SearchResult {
  @Field(() => SearchHit, { description: 'The organisation, programme or project found.' })
  node!: typeof SearchHit;

  @Field(() => Float, {
    description: 'Relevance: full-text rank (Finnish stemming, title weighted over text) plus trigram word similarity of the name or title (typos).',
  })
  score!: number;
}

@Resolver()
export class SearchResolver {
  @Query(() => [SearchResult], {
    description:
      'One search box over organisations, projects and programmes: Finnish stemming ("nuorten" finds "nuoret"), typo tolerance through trigrams, ranked best first.',
  })
  async search(
    @Arg('query', () => String, { description: `Words to look for (at most ${MAX_SEARCH_LENGTH} characters).` }) query: string,
    @Arg('first', () => Int, { defaultValue: 10, description: `How many results (1–${MAX_PAGE_SIZE}).` }) first: number,
    @Ctx() { em, loaders }: Context,
  ): Promise<SearchResult[]> {
    if (query.length > MAX_SEARCH_LENGTH) throw badUserInput(`\`query\` is limited to ${MAX_SEARCH_LENGTH} characters`, 'query');
    if (first < 1 || first > MAX_PAGE_SIZE) throw badUserInput(`\`first\` must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`, 'first');
    const hits = await searchIndex(em, query, first);
    const nodes = await Promise.all(
      hits.map((hit) =>
        hit.type === 'Organisation'
          ? loaders.organisationsById.load(hit.id)
          : hit.type === 'Programme'
            ? loaders.programmesById.load(hit.id)
            : loaders.projectsById.load(hit.id),
      ),
    );
    return hits.flatMap((hit, index) => {
      const node = nodes[index];
      return node ? [{ node, score: Math.round(hit.score * 10_000) / 10_000 }] : [];
    });
  }
}
