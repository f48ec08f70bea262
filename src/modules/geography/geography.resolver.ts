import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { checkMunicipalityCode, checkPostalCode } from '../../shared/filters';
import { ConnectionArgs, type Connection } from '../../shared/relay/connection';
import { rootConnection } from '../../shared/relay/keyset';
import { ProgrammeArea } from '../programme/programme-parts.entity';
import { ProjectOrder } from '../project/project.inputs';
import { Project } from '../project/project.entity';
import { projectListSpec } from '../project/project.service';
import { ProjectConnection } from '../project/project.types';
import { GeographyOrder, MunicipalityFilter, PostalAreaFilter } from './geography.inputs';
import { municipalityListSpec, postalAreaListSpec } from './geography.service';
import { MunicipalityConnection, PostalAreaConnection } from './geography.types';
import { Municipality } from './municipality.entity';
import { PostalArea } from './postal-area.entity';
import { coverageByPostalCode } from '../programme/programme.loaders';
import { municipalitiesByCode, postalAreasByCode } from './geography.loaders';

@Resolver(() => Municipality)
export class MunicipalityResolver {
  @Query(() => MunicipalityConnection, { description: 'Finnish municipalities (reference data), default order by code.' })
  municipalities(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => MunicipalityFilter, { nullable: true, description: 'Conditions the municipalities must meet.' }) filter: MunicipalityFilter | null,
    @Arg('orderBy', () => GeographyOrder, { nullable: true, description: 'Sort order; default code ascending.' }) orderBy: GeographyOrder | null,
    @Ctx() { em }: Context,
  ): Promise<Connection<Municipality>> {
    return rootConnection(em, args, () => municipalityListSpec(filter, orderBy));
  }

  @Query(() => Municipality, { nullable: true, description: 'A municipality by its code; null when there is none.' })
  municipality(@Arg('code', () => String, { description: 'Municipality code, e.g. "297".' }) code: string, @Ctx() { loaders }: Context) {
    checkMunicipalityCode(code, 'code');
    return loaders.get(municipalitiesByCode).load(code);
  }

  @FieldResolver(() => PostalAreaConnection, { description: 'Postal-code areas in the municipality.' })
  postalAreas(
    @Root() municipality: Municipality,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => PostalAreaFilter, { nullable: true, description: 'Conditions the areas must meet.' }) filter: PostalAreaFilter | null,
    @Arg('orderBy', () => GeographyOrder, { nullable: true, description: 'Sort order; default postal code ascending.' }) orderBy: GeographyOrder | null,
    @Ctx() { em, loaders }: Context,
  ): Promise<Connection<PostalArea>> {
    return loaders.nested.load(
      'Municipality.postalAreas',
      args,
      () => postalAreaListSpec(em, filter, orderBy),
      { column: 't.municipality_code' },
      municipality.code,
      [filter, orderBy],
    );
  }
}

@Resolver(() => PostalArea)
export class PostalAreaResolver {
  @Query(() => PostalAreaConnection, { description: 'Finnish postal-code areas (reference data), default order by postal code.' })
  postalAreas(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => PostalAreaFilter, { nullable: true, description: 'Conditions the areas must meet.' }) filter: PostalAreaFilter | null,
    @Arg('orderBy', () => GeographyOrder, { nullable: true, description: 'Sort order; default postal code ascending.' }) orderBy: GeographyOrder | null,
    @Ctx() { em }: Context,
  ): Promise<Connection<PostalArea>> {
    return rootConnection(em, args, () => postalAreaListSpec(em, filter, orderBy));
  }

  @Query(() => PostalArea, { nullable: true, description: 'A postal-code area by its code; null when there is none.' })
  postalArea(@Arg('postalCode', () => String, { description: 'Five-digit postal code, e.g. "70100".' }) postalCode: string, @Ctx() { loaders }: Context) {
    checkPostalCode(postalCode, 'postalCode');
    return loaders.get(postalAreasByCode).load(postalCode);
  }

  @FieldResolver(() => Municipality, { description: 'The municipality the area belongs to.' })
  async municipality(@Root() area: PostalArea, @Ctx() { loaders }: Context): Promise<Municipality> {
    return (await loaders.get(municipalitiesByCode).load(area.municipality.unwrap().code))!;
  }

  @FieldResolver(() => [ProgrammeArea], { description: 'Programme territories that include this area, each with its URBAN/RURAL marking.' })
  coverage(@Root() area: PostalArea, @Ctx() { loaders }: Context): Promise<ProgrammeArea[]> {
    return loaders.get(coverageByPostalCode).load(area.postalCode);
  }

  @FieldResolver(() => ProjectConnection, { description: 'Projects working in this area.' })
  projects(
    @Root() area: PostalArea,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('orderBy', () => ProjectOrder, { nullable: true, description: 'Sort order; default title ascending.' }) orderBy: ProjectOrder | null,
    @Ctx() ctx: Context,
  ): Promise<Connection<Project>> {
    return ctx.loaders.nested.load(
      'PostalArea.projects',
      args,
      () => projectListSpec(ctx, null, orderBy),
      { column: 'pl.postal_code', join: (qb) => void qb.join('project_location as pl', 'pl.project_id', 't.id') },
      area.postalCode,
      orderBy,
    );
  }
}
