import { Arg, Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../shared/errors';
import { ConnectionArgs, MAX_PAGE_SIZE, type Connection } from '../../shared/relay/connection';
import { rootConnection } from '../../shared/relay/keyset';
import { PostalArea } from '../geography/postal-area.entity';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Project } from '../project/project.entity';
import { Theme } from '../project/vocabulary.entity';
import { Post } from './post.entity';
import { PostFilter } from './post.inputs';
import { matchingOrganisations, matchingPartnerSearches, postAreasLoader, postListSpec, postThemesLoader, visiblePostLoader } from './post.service';
import { OrganisationMatch, PostConnection, PostMatch } from './post.types';
import { organisationsById } from '../organisation/organisation.loaders';
import { postalAreasByCode } from '../geography/geography.loaders';
import { programmesById } from '../programme/programme.loaders';
import { projectsById } from '../project/project.loaders';

// As many as a page of a connection may hold.
const MAX_MATCHES = MAX_PAGE_SIZE;

function matchLimit(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_MATCHES) throw badUserInput(`\`first\` must be 1–${MAX_MATCHES}`, 'first');
  return first;
}

/** The module's per-request loaders (registered with the request's loader set, not in context.ts). */
export const postLoaders = {
  postsById: (ctx: Pick<Context, 'loaders'>) => ctx.loaders.get('postsById', (em) => visiblePostLoader(em)),
  themesByPostId: (ctx: Pick<Context, 'loaders'>) => ctx.loaders.get('themesByPostId', (em) => postThemesLoader(em)),
  areasByPostId: (ctx: Pick<Context, 'loaders'>) => ctx.loaders.get('areasByPostId', (em) => postAreasLoader(em)),
};

@Resolver(() => Post)
export class PostResolver {
  @Query(() => PostConnection, {
    description: 'Posts (news, events, partner searches, results, calls), newest first; only published ones unless `filter.status` says otherwise.',
  })
  posts(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => PostFilter, { nullable: true, description: 'Conditions the posts must meet.' }) filter: PostFilter | null,
    @Ctx() ctx: Context,
  ): Promise<Connection<Post>> {
    return rootConnection(ctx.em, args, () => postListSpec(filter));
  }

  @FieldResolver(() => Organisation, { description: 'The authoring organisation.' })
  async organisation(@Root() post: Post, @Ctx() { loaders }: Context): Promise<Organisation> {
    return (await loaders.get(organisationsById).load(post.organisation.id))!;
  }

  @FieldResolver(() => Project, { nullable: true, description: 'The project it is about, if any.' })
  project(@Root() post: Post, @Ctx() { loaders }: Context): Promise<Project | null> | null {
    return post.project ? loaders.get(projectsById).load(post.project.id) : null;
  }

  @FieldResolver(() => Programme, { nullable: true, description: 'The programme it is about, if any (a CALL always has one).' })
  programme(@Root() post: Post, @Ctx() { loaders }: Context): Promise<Programme | null> | null {
    return post.programme ? loaders.get(programmesById).load(post.programme.id) : null;
  }

  // Not `postalArea`: the schema lint reads that as the type name "Post" repeated in a field name.
  @FieldResolver(() => PostalArea, { nullable: true, description: 'EVENT: the postal area of the place (see also `postalCode`).' })
  eventArea(@Root() post: Post, @Ctx() { loaders }: Context): Promise<PostalArea | null> | null {
    return post.postalArea ? loaders.get(postalAreasByCode).load(post.postalArea.postalCode) : null;
  }

  @FieldResolver(() => [Theme], { description: 'Themes (teemat) the post concerns.' })
  async themes(@Root() post: Post, @Ctx() ctx: Context): Promise<Theme[]> {
    return (await postLoaders.themesByPostId(ctx).load(post.id)).map((row) => row.theme.getEntity());
  }

  @FieldResolver(() => [PostalArea], { description: 'Postal-code areas the post concerns (for a partner search: where the partner is sought).' })
  async areas(@Root() post: Post, @Ctx() ctx: Context): Promise<PostalArea[]> {
    return (await postLoaders.areasByPostId(ctx).load(post.id)).map((row) => row.postalArea.getEntity());
  }

  @FieldResolver(() => [OrganisationMatch], {
    description:
      'For a PARTNER_SEARCH: organisations across the divide (taking part in projects of the other scheme), best first, by shared themes, shared areas and past cooperation with the author. Empty for other kinds. Only what the viewer may see counts.',
  })
  async matchingOrganisations(
    @Root() post: Post,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many suggestions, 1–100.' }) first: number,
    @Ctx() ctx: Context,
  ): Promise<OrganisationMatch[]> {
    const matches = await matchingOrganisations(ctx.em, post, matchLimit(first));
    return matches.map(({ item, score, reasons }) => ({ organisation: item, score, reasons }));
  }
}

@Resolver(() => Organisation)
export class OrganisationPostResolver {
  @FieldResolver(() => PostConnection, { description: 'Posts by the organisation, newest first (published ones unless `filter.status` says otherwise).' })
  posts(
    @Root() organisation: Organisation,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => PostFilter, { nullable: true, description: 'Conditions the posts must meet.' }) filter: PostFilter | null,
    @Ctx() { loaders }: Context,
  ): Promise<Connection<Post>> {
    return loaders.nested.load('Organisation.posts', args, () => postListSpec(filter), { column: 't.organisation_id' }, organisation.id, filter);
  }

  @FieldResolver(() => [PostMatch], {
    description:
      'Open partner searches (kumppanihaku, closing today or later) from across the divide that fit the organisation, best first, by shared themes, areas and past cooperation.',
  })
  async matchingPartnerSearches(
    @Root() organisation: Organisation,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many suggestions, 1–100.' }) first: number,
    @Ctx() ctx: Context,
  ): Promise<PostMatch[]> {
    const matches = await matchingPartnerSearches(ctx.em, organisation.id, matchLimit(first));
    return matches.map(({ item, score, reasons }) => ({ post: item, score, reasons }));
  }
}

@Resolver(() => Project)
export class ProjectPostResolver {
  @FieldResolver(() => PostConnection, { description: 'Posts about the project, newest first (published ones unless `filter.status` says otherwise).' })
  posts(
    @Root() project: Project,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => PostFilter, { nullable: true, description: 'Conditions the posts must meet.' }) filter: PostFilter | null,
    @Ctx() { loaders }: Context,
  ): Promise<Connection<Post>> {
    return loaders.nested.load('Project.posts', args, () => postListSpec(filter), { column: 't.project_id' }, project.id, filter);
  }
}
