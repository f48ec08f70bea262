import { Arg, Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context';
import { ConnectionArgs, OrderDirection, type Connection } from '../../shared/relay/connection';
import { rootConnection, type ListSpec, type PageRow } from '../../shared/relay/keyset';
import { foldProjectRelations } from './project.folds';
import { FundingLineConnection } from '../funding/funding.types';
import { FundingTotals } from '../funding/funding-totals';
import { FundingLine } from '../funding/funding-line.entity';
import { PostalArea } from '../geography/postal-area.entity';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Participation } from './participation.entity';
import { ParticipationRole } from './project.enums';
import { ProjectFilter, ProjectOrder } from './project.inputs';
import { Project } from './project.entity';
import { projectListSpec } from './project.service';
import { ParticipationConnection, ProjectConnection } from './project.types';
import { TargetGroup, Theme } from './vocabulary.entity';
import { canSeeField } from '../auth/sensitive-fields';
import { fundingTotalsByProjectId } from '../funding/funding.loaders';
import { leadOrganisationsByProjectId, locationsByProjectId, projectsByCode, projectsById, targetGroupsByProjectId, themesByProjectId } from './project.loaders';
import { organisationsById } from '../organisation/organisation.loaders';
import { programmesById } from '../programme/programme.loaders';

/** Participations, optionally of one role (row-level security leaves out those of hidden projects). */
export function participationSpec(role: ParticipationRole | null | undefined): ListSpec<Participation> {
  return {
    entity: Participation,
    table: 'participation',
    keyColumn: 'id',
    sort: { sql: 't.id', cast: 'integer' },
    direction: OrderDirection.ASC,
    where: (qb) => {
      if (role) qb.where('t.role', role);
    },
  };
}

/** A project's funding lines, in the order they were added. */
export function projectFundingLinesSpec(): ListSpec<FundingLine> {
  return {
    entity: FundingLine,
    table: 'funding_line',
    keyColumn: 'id',
    sort: { sql: 't.id', cast: 'integer' },
    direction: OrderDirection.ASC,
  };
}

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => ProjectConnection, { description: 'Projects, filtered and ordered (default: by title).' })
  projects(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => ProjectFilter, { nullable: true, description: 'Conditions the projects must meet.' }) filter: ProjectFilter | null,
    @Arg('orderBy', () => ProjectOrder, { nullable: true, description: 'Sort order; default title ascending.' }) orderBy: ProjectOrder | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Project>> {
    let prime: (rows: PageRow<Project>[]) => void = () => undefined;
    return rootConnection(
      ctx.em,
      args,
      async () => {
        const folded = foldProjectRelations(await projectListSpec(ctx, filter, orderBy), info, ctx);
        prime = folded.prime;
        return folded.spec;
      },
      (rows) => prime(rows),
    );
  }

  @Query(() => Project, { nullable: true, description: 'A project by its unique Silta code; null when there is none.' })
  project(@Arg('code', () => String, { description: 'Project code, e.g. "KAKE-KUO-2018-07".' }) code: string, @Ctx() { loaders }: Context) {
    return loaders.get(projectsByCode).load(code);
  }

  @FieldResolver(() => String, { nullable: true, description: "Internal notes; null unless the viewer coordinates the project's programme or is an analyst." })
  internalNotes(@Root() project: Project, @Ctx() { viewer }: Context): string | null {
    return canSeeField(viewer, 'Project', 'internalNotes', { programmeId: project.programme.id }) ? (project.internalNotes ?? null) : null;
  }

  @FieldResolver(() => Programme, { description: 'The programme that funds the project.' })
  async programme(@Root() project: Project, @Ctx() { loaders }: Context): Promise<Programme> {
    return (await loaders.get(programmesById).load(project.programme.id))!;
  }

  @FieldResolver(() => Project, { nullable: true, description: 'The umbrella project this pilot was re-granted from, if any.' })
  parent(@Root() project: Project, @Ctx() { loaders }: Context): Promise<Project | null> | null {
    return project.parent ? loaders.get(projectsById).load(project.parent.id) : null;
  }

  @FieldResolver(() => ProjectConnection, { description: 'Pilots and sub-projects re-granted from this umbrella project.' })
  children(
    @Root() project: Project,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('orderBy', () => ProjectOrder, { nullable: true, description: 'Sort order; default title ascending.' }) orderBy: ProjectOrder | null,
    @Ctx() ctx: Context,
  ): Promise<Connection<Project>> {
    return ctx.loaders.nested.load('Project.children', args, () => projectListSpec(ctx, null, orderBy), { column: 't.parent_id' }, project.id, orderBy);
  }

  @FieldResolver(() => ParticipationConnection, { description: 'Organisations taking part, with their roles.' })
  participations(
    @Root() project: Project,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('role', () => ParticipationRole, { nullable: true, description: 'Only participations in this role.' }) role: ParticipationRole | null,
    @Ctx() { loaders }: Context,
  ): Promise<Connection<Participation>> {
    return loaders.nested.load('Project.participations', args, () => participationSpec(role), { column: 't.project_id' }, project.id, role);
  }

  @FieldResolver(() => Organisation, { nullable: true, description: 'The lead organisation (päätoteuttaja), if recorded.' })
  leadOrganisation(@Root() project: Project, @Ctx() { loaders }: Context): Promise<Organisation | null> {
    return loaders.get(leadOrganisationsByProjectId).load(project.id);
  }

  @FieldResolver(() => FundingLineConnection, { description: 'Funding lines and decisions, by source.' })
  fundingLines(
    @Root() project: Project,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { loaders }: Context,
  ): Promise<Connection<FundingLine>> {
    return loaders.nested.load('Project.fundingLines', args, projectFundingLinesSpec, { column: 't.project_id' }, project.id);
  }

  @FieldResolver(() => FundingTotals, { description: 'Planned, granted and paid money, in total and by source.' })
  fundingTotals(@Root() project: Project, @Ctx() { loaders }: Context): Promise<FundingTotals> {
    return loaders.get(fundingTotalsByProjectId).load(project.id);
  }

  @FieldResolver(() => [Theme], { description: 'Themes (teemat) from the controlled vocabulary.' })
  async themes(@Root() project: Project, @Ctx() { loaders }: Context): Promise<Theme[]> {
    return (await loaders.get(themesByProjectId).load(project.id)).map((row) => row.theme.getEntity());
  }

  @FieldResolver(() => [TargetGroup], { description: 'Target groups (kohderyhmät) from the controlled vocabulary.' })
  async targetGroups(@Root() project: Project, @Ctx() { loaders }: Context): Promise<TargetGroup[]> {
    return (await loaders.get(targetGroupsByProjectId).load(project.id)).map((row) => row.targetGroup.getEntity());
  }

  @FieldResolver(() => [PostalArea], { description: 'Postal-code areas where the project works.' })
  async locations(@Root() project: Project, @Ctx() { loaders }: Context): Promise<PostalArea[]> {
    return (await loaders.get(locationsByProjectId).load(project.id)).map((row) => row.postalArea.getEntity());
  }
}

@Resolver(() => Participation)
export class ParticipationResolver {
  @FieldResolver(() => Project, { description: 'The project.' })
  async project(@Root() participation: Participation, @Ctx() { loaders }: Context): Promise<Project> {
    return (await loaders.get(projectsById).load(participation.project.id))!;
  }

  @FieldResolver(() => Organisation, { description: 'The participating organisation.' })
  async organisation(@Root() participation: Participation, @Ctx() { loaders }: Context): Promise<Organisation> {
    return (await loaders.get(organisationsById).load(participation.organisation.id))!;
  }
}
