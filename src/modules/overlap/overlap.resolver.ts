import { Arg, Args, Ctx, FieldResolver, Float, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs, type Connection } from '../../shared/relay/connection';
import { rootConnection } from '../../shared/relay/keyset';
import { PostalArea } from '../geography/postal-area.entity';
import { Organisation } from '../organisation/organisation.entity';
import { Scheme } from '../programme/programme.enums';
import { Project } from '../project/project.entity';
import { Overlap, OverlapReview, type StoredSignal } from './overlap.entity';
import { OverlapKind, OverlapStatus } from './overlap.enums';
import { OverlapFilter, OverlapSummaryFilter } from './overlap.inputs';
import {
  accountNamesByIdLoader,
  checkProjectOverlapArgs,
  overlapListSpec,
  overlapReviewsByPairLoader,
  overlapSummary,
  pairKey,
  projectOverlapsLoader,
  type OverlapKindCounts,
  type ProjectOverlapConnectionValue,
} from './overlap.service';
import { OverlapConnection, OverlapKindSummary, OverlapSignal, ProjectOverlapConnection, ProjectOverlapEdge } from './overlap.types';
import { organisationsById } from '../organisation/organisation.loaders';
import { postalAreasByCode } from '../geography/geography.loaders';
import { programmesById } from '../programme/programme.loaders';
import { projectsById } from '../project/project.loaders';

const VISIBILITY =
  'Visible to analysts, admins and coordinators of either project’s programme; a partner sees SYNERGY findings involving its own organisation’s projects. A finding that involves a project the viewer may not see (a draft of another organisation) is never shown or counted.';

/** A project that row-level security lets the viewer see (a visible finding's projects always are). */
async function visibleProject(ctx: Context, id: number): Promise<Project> {
  const project = await ctx.loaders.get(projectsById).load(id);
  if (!project) throw new Error(`Project ${id} of a visible overlap finding is not visible`);
  return project;
}

@Resolver(() => Overlap)
export class OverlapResolver {
  @Query(() => OverlapConnection, { description: `Overlap findings across projects, highest score first. ${VISIBILITY}` })
  overlaps(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => OverlapFilter, { nullable: true, description: 'Conditions the findings must meet; by default every status but DISMISSED.' })
    filter: OverlapFilter | null,
    @Ctx() { em }: Context,
  ): Promise<Connection<Overlap>> {
    return rootConnection(em, args, () => overlapListSpec(em, filter));
  }

  @Query(() => [OverlapKindSummary], {
    description: `Overlap findings per kind (every kind, in the order of OverlapKind), counted by status over what the viewer may see. ${VISIBILITY}`,
  })
  overlapSummary(
    @Arg('filter', () => OverlapSummaryFilter, { nullable: true, description: 'Conditions the counted findings must meet.' }) filter: OverlapSummaryFilter | null,
    @Ctx() { em }: Context,
  ): Promise<OverlapKindCounts[]> {
    return overlapSummary(em, filter);
  }

  @FieldResolver(() => [Project], {
    description: 'The two projects: the Kake one first when the pair crosses the urban–rural divide, otherwise the one created first.',
  })
  async projects(@Root() overlap: Overlap, @Ctx() ctx: Context): Promise<Project[]> {
    const pair = await Promise.all([visibleProject(ctx, overlap.projectA.id), visibleProject(ctx, overlap.projectB.id)]);
    if (!overlap.crossesDivide) return pair;
    const schemes = await Promise.all(pair.map(async (project) => (await ctx.loaders.get(programmesById).load(project.programme.id))?.scheme));
    return schemes[1] === Scheme.KAKE && schemes[0] !== Scheme.KAKE ? [pair[1], pair[0]] : pair;
  }

  @FieldResolver(() => [OverlapSignal], { description: 'The evidence, strongest signal first.' })
  signals(@Root() overlap: Overlap): OverlapSignal[] {
    return [...(overlap.signals ?? [])]
      .sort((a, b) => b.score - a.score)
      .map((signal: StoredSignal) => ({
        kind: signal.kind,
        score: signal.score,
        evidence: signal.evidence,
        organisationIds: signal.organisationIds ?? [],
        postalCodes: signal.postalCodes ?? [],
        period: signal.period ?? null,
      }));
  }

  @FieldResolver(() => OverlapStatus, { description: 'Where the finding stands: OPEN until someone reviews it, then the verdict.' })
  status(@Root() overlap: Overlap): OverlapStatus {
    return overlap.reviewStatus ? (overlap.reviewStatus as unknown as OverlapStatus) : OverlapStatus.OPEN;
  }

  @FieldResolver(() => OverlapReview, {
    nullable: true,
    description: 'The verdict on the pair, with its note; null when nobody has reviewed it or the viewer may not read reviews (only analysts, admins and the programmes’ coordinators may).',
  })
  review(@Root() overlap: Overlap, @Ctx() { loaders }: Context): Promise<OverlapReview | null> | null {
    // The status travels with the finding (a trigger copies it): no review row to look for when it is empty.
    if (!overlap.reviewStatus) return null;
    return loaders.get('overlapReviewsByPair', overlapReviewsByPairLoader).load(pairKey(overlap.projectA.id, overlap.projectB.id));
  }
}

@Resolver(() => OverlapSignal)
export class OverlapSignalResolver {
  @FieldResolver(() => [Organisation], { description: 'The organisations the signal is about (a shared lead or partner, a re-grant chain).' })
  async organisations(@Root() signal: OverlapSignal, @Ctx() { loaders }: Context): Promise<Organisation[]> {
    const found = await loaders.get(organisationsById).loadMany(signal.organisationIds);
    return found.filter((item): item is Organisation => item instanceof Organisation);
  }

  @FieldResolver(() => [PostalArea], { description: 'The postal-code areas the signal is about (shared or neighbouring areas, territory conflicts).' })
  async postalAreas(@Root() signal: OverlapSignal, @Ctx() { loaders }: Context): Promise<PostalArea[]> {
    const found = await loaders.get(postalAreasByCode).loadMany(signal.postalCodes);
    return found.filter((item): item is PostalArea => item instanceof PostalArea);
  }
}

@Resolver(() => OverlapReview)
export class OverlapReviewResolver {
  @FieldResolver(() => String, { nullable: true, description: 'Why the reviewer decided so; null when no note was given.' })
  note(@Root() review: OverlapReview): string | null {
    return review.note ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Name of the account that made the latest verdict; null if the account was removed.' })
  reviewerName(@Root() review: OverlapReview, @Ctx() { loaders }: Context): Promise<string | null> | null {
    return review.reviewer ? loaders.get('accountNamesById', accountNamesByIdLoader).load(review.reviewer.id) : null;
  }
}

@Resolver(() => ProjectOverlapEdge)
export class ProjectOverlapEdgeResolver {
  @FieldResolver(() => Project, { description: 'The other project of the pair.' })
  otherProject(@Root() edge: ProjectOverlapEdge, @Ctx() ctx: Context): Promise<Project> {
    return visibleProject(ctx, edge.otherProjectId);
  }
}

@Resolver(() => Project)
export class ProjectOverlapResolver {
  @FieldResolver(() => ProjectOverlapConnection, { description: `Overlap findings involving this project, highest score first. ${VISIBILITY}` })
  overlaps(
    @Root() project: Project,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('minScore', () => Float, { nullable: true, description: 'Only findings scoring at least this (0–1).' }) minScore: number | null,
    @Arg('kinds', () => [OverlapKind], { nullable: true, description: 'Only findings of these kinds.' }) kinds: OverlapKind[] | null,
    @Arg('includeDismissed', () => Boolean, { defaultValue: false, description: 'Also findings reviewed as DISMISSED (left out by default).' })
    includeDismissed: boolean,
    @Ctx() { loaders }: Context,
  ): Promise<ProjectOverlapConnectionValue> {
    const checked = checkProjectOverlapArgs(minScore, kinds, includeDismissed);
    const key = JSON.stringify([args.first, args.after, args.last, args.before, checked]);
    return loaders.get(`Project.overlaps:${key}`, (em) => projectOverlapsLoader(em, args, checked)).load(project.id);
  }
}
