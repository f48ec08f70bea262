import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs, type Connection } from '../../shared/relay/connection';
import { rootConnection } from '../../shared/relay/keyset';
import { FundingTotals } from '../funding/funding-totals';
import { PostalArea } from '../geography/postal-area.entity';
import { Organisation } from '../organisation/organisation.entity';
import { ProjectFilter, ProjectOrder } from '../project/project.inputs';
import { Project } from '../project/project.entity';
import { projectListSpec } from '../project/project.service';
import { ProjectConnection } from '../project/project.types';
import {
  ProgrammeArea,
  ProgrammeCeiling,
  ProgrammeDecision,
  ProgrammeFunder,
  ProgrammeObjective,
} from './programme-parts.entity';
import { Programme } from './programme.entity';
import { ProgrammeFilter, ProgrammeOrder, TerritoryFilter } from './programme.inputs';
import { programmeListSpec, territorySpec } from './programme.service';
import { ProgrammeAreaConnection, ProgrammeConnection } from './programme.types';
import { ceilingsByProgrammeId, decisionsByProgrammeId, fundersByProgrammeId, objectivesByProgrammeId, programmesById } from './programme.loaders';
import { fundingTotalsByProgrammeId } from '../funding/funding.loaders';
import { organisationsById } from '../organisation/organisation.loaders';
import { postalAreasByCode } from '../geography/geography.loaders';

@Resolver(() => Programme)
export class ProgrammeResolver {
  @Query(() => ProgrammeConnection, { description: 'Funding programmes, filtered and ordered (default: by name).' })
  programmes(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => ProgrammeFilter, { nullable: true, description: 'Conditions the programmes must meet.' }) filter: ProgrammeFilter | null,
    @Arg('orderBy', () => ProgrammeOrder, { nullable: true, description: 'Sort order; default name ascending.' }) orderBy: ProgrammeOrder | null,
    @Ctx() { em }: Context,
  ): Promise<Connection<Programme>> {
    return rootConnection(em, args, () => programmeListSpec(em, filter, orderBy));
  }

  @Query(() => Programme, { nullable: true, description: 'A programme by its unique code; null when there is none.' })
  programme(@Arg('code', () => String, { description: 'Programme code, e.g. "KAKE-KUOPIO-2018".' }) code: string, @Ctx() { em }: Context) {
    return em.findOne(Programme, { code });
  }

  @FieldResolver(() => Programme, { nullable: true, description: 'The parent operational programme, if any.' })
  parent(@Root() programme: Programme, @Ctx() { loaders }: Context): Promise<Programme | null> | null {
    return programme.parent ? loaders.get(programmesById).load(programme.parent.id) : null;
  }

  @FieldResolver(() => ProgrammeConnection, { description: 'Programmes under this one (e.g. the Kake periods under the structural-fund programme).' })
  children(
    @Root() programme: Programme,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('orderBy', () => ProgrammeOrder, { nullable: true, description: 'Sort order; default name ascending.' }) orderBy: ProgrammeOrder | null,
    @Ctx() { em, loaders }: Context,
  ): Promise<Connection<Programme>> {
    return loaders.nested.load('Programme.children', args, () => programmeListSpec(em, null, orderBy), { column: 't.parent_id' }, programme.id, orderBy);
  }

  @FieldResolver(() => Organisation, {
    nullable: true,
    description: 'Who runs the programme, e.g. the city\'s Kansalaistoiminnan aktivointiyksikkö or Kalakukko ry.',
  })
  administeringOrganisation(@Root() programme: Programme, @Ctx() { loaders }: Context): Promise<Organisation | null> | null {
    return programme.administeringOrganisation ? loaders.get(organisationsById).load(programme.administeringOrganisation.id) : null;
  }

  @FieldResolver(() => [ProgrammeFunder], { description: 'Funders (rahoittajat) and the sources they provide.' })
  funders(@Root() programme: Programme, @Ctx() { loaders }: Context): Promise<ProgrammeFunder[]> {
    return loaders.get(fundersByProgrammeId).load(programme.id);
  }

  @FieldResolver(() => [ProgrammeObjective], { description: 'ESR priority axes and specific objectives the programme funds.' })
  objectives(@Root() programme: Programme, @Ctx() { loaders }: Context): Promise<ProgrammeObjective[]> {
    return loaders.get(objectivesByProgrammeId).load(programme.id);
  }

  @FieldResolver(() => [ProgrammeCeiling], { description: 'Annual ceilings per funding source.' })
  ceilings(@Root() programme: Programme, @Ctx() { loaders }: Context): Promise<ProgrammeCeiling[]> {
    return loaders.get(ceilingsByProgrammeId).load(programme.id);
  }

  @FieldResolver(() => [ProgrammeDecision], { description: 'Decisions that set up or changed the programme, oldest first.' })
  decisions(@Root() programme: Programme, @Ctx() { loaders }: Context): Promise<ProgrammeDecision[]> {
    return loaders.get(decisionsByProgrammeId).load(programme.id);
  }

  @FieldResolver(() => ProgrammeAreaConnection, { description: 'Postal-code areas the programme covers, each marked URBAN or RURAL.' })
  territory(
    @Root() programme: Programme,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => TerritoryFilter, { nullable: true, description: 'Conditions the areas must meet.' }) filter: TerritoryFilter | null,
    @Ctx() { loaders }: Context,
  ): Promise<Connection<ProgrammeArea>> {
    const areaType = filter?.areaType ?? null;
    return loaders.nested.load('Programme.territory', args, () => territorySpec(areaType), { column: 't.programme_id' }, programme.id, areaType);
  }

  @FieldResolver(() => ProjectConnection, { description: 'Projects funded through the programme.' })
  projects(
    @Root() programme: Programme,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => ProjectFilter, { nullable: true, description: 'Conditions the projects must meet.' }) filter: ProjectFilter | null,
    @Arg('orderBy', () => ProjectOrder, { nullable: true, description: 'Sort order; default title ascending.' }) orderBy: ProjectOrder | null,
    @Ctx() ctx: Context,
  ): Promise<Connection<Project>> {
    return ctx.loaders.nested.load(
      'Programme.projects',
      args,
      () => projectListSpec(ctx, filter, orderBy),
      { column: 't.programme_id' },
      programme.id,
      [filter, orderBy],
    );
  }

  @FieldResolver(() => FundingTotals, { description: "Money planned, granted and paid for the programme's projects, by source." })
  fundingTotals(@Root() programme: Programme, @Ctx() { loaders }: Context): Promise<FundingTotals> {
    return loaders.get(fundingTotalsByProgrammeId).load(programme.id);
  }
}

@Resolver(() => ProgrammeArea)
export class ProgrammeAreaResolver {
  @FieldResolver(() => Programme, { description: 'The programme whose territory this is.' })
  async programme(@Root() area: ProgrammeArea, @Ctx() { loaders }: Context): Promise<Programme> {
    return (await loaders.get(programmesById).load(area.programme.id))!;
  }

  @FieldResolver(() => PostalArea, { description: 'The postal-code area.' })
  async postalArea(@Root() area: ProgrammeArea, @Ctx() { loaders }: Context): Promise<PostalArea> {
    return (await loaders.get(postalAreasByCode).load(area.postalArea.unwrap().postalCode))!;
  }
}

@Resolver(() => ProgrammeFunder)
export class ProgrammeFunderResolver {
  @FieldResolver(() => Organisation, { description: 'The funding organisation.' })
  async organisation(@Root() funder: ProgrammeFunder, @Ctx() { loaders }: Context): Promise<Organisation> {
    return (await loaders.get(organisationsById).load(funder.organisation.id))!;
  }
}
