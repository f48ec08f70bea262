import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../shared/errors';
import { decodeGlobalId } from '../../shared/relay/global-id';
import { MAX_PAGE_SIZE } from '../../shared/relay/connection';
import { Node } from '../../shared/relay/node.interface';

/** Fetches any Node by global ID through the per-request loaders, so `nodes(ids:)` batches by type. */
function loadNode(ctx: Context, id: string, argumentName: string): Promise<object | null> {
  const { type, key } = decodeGlobalId(id, argumentName);
  const { loaders } = ctx;
  const byInteger = {
    Organisation: loaders.organisationsById,
    Programme: loaders.programmesById,
    Project: loaders.projectsById,
    Participation: loaders.participationsById,
    FundingLine: loaders.fundingLinesById,
    Theme: loaders.themesById,
    TargetGroup: loaders.targetGroupsById,
  } as Record<string, { load(key: number): Promise<object | null> } | undefined>;
  const integerLoader = byInteger[type];
  // decodeGlobalId has checked the key's spelling and range for its type.
  if (integerLoader) return integerLoader.load(Number(key));
  if (type === 'Municipality') return loaders.municipalitiesByCode.load(key);
  if (type === 'PostalArea') return loaders.postalAreasByCode.load(key);
  throw badUserInput(`${type} objects cannot be fetched by ID`, argumentName);
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID; null when it does not exist.' })
  node(@Arg('id', () => ID, { description: 'A global ID from an `id` field.' }) id: string, @Ctx() ctx: Context): Promise<object | null> {
    return loadNode(ctx, id, 'id');
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: `Objects by global ID, in the order given (null for those that do not exist); at most ${MAX_PAGE_SIZE} IDs.`,
  })
  nodes(@Arg('ids', () => [ID], { description: 'Global IDs from `id` fields.' }) ids: string[], @Ctx() ctx: Context): Promise<(object | null)[]> {
    if (ids.length > MAX_PAGE_SIZE) throw badUserInput(`At most ${MAX_PAGE_SIZE} IDs at a time; got ${ids.length}`, 'ids');
    return Promise.all(ids.map((id, index) => loadNode(ctx, id, `ids[${index}]`)));
  }
}
