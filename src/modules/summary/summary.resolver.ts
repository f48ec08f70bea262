import { Arg, Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs, type Connection } from '../../shared/relay/connection';
import { rootConnection } from '../../shared/relay/keyset';
import type { Organisation } from '../organisation/organisation.entity';
import { OrganisationConnection } from '../organisation/organisation.types';
import { Programme } from '../programme/programme.entity';
import { Theme } from '../project/vocabulary.entity';
import { checkYears } from './summary-years';
import { bothSchemesSpec, fundingByYearLoader, themeSummaries } from './summary.service';
import { ProgrammeYearFunding, ThemeSummary } from './summary.types';
import { themesById } from '../project/project.loaders';

/** Summaries for analysts: they only aggregate what the viewer can already see, so everyone may read them. */
@Resolver()
export class SummaryResolver {
  @Query(() => OrganisationConnection, {
    description:
      'Organisations taking part (in any role) in at least one Kake project and at least one Leader project that the viewer can see, ordered by name.',
  })
  organisationsInBothSchemes(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { em }: Context): Promise<Connection<Organisation>> {
    return rootConnection(em, args, bothSchemesSpec);
  }

  @Query(() => [ThemeSummary], { description: 'Every theme (teema) by code, with its projects counted urban / rural / mixed / unknown and their granted total.' })
  themeSummary(@Ctx() { em }: Context): Promise<ThemeSummary[]> {
    return themeSummaries(em);
  }
}

@Resolver(() => Programme)
export class ProgrammeSummaryResolver {
  @FieldResolver(() => [ProgrammeYearFunding], {
    description:
      'Funding per calendar year (by decision date, as the ceiling check counts it), by source and against the annual ceilings, oldest year first.',
  })
  fundingByYear(
    @Root() programme: Programme,
    @Arg('years', () => [Int], {
      nullable: true,
      description: 'The years to summarise (1900–2199, at most 50); default every year the programme period touches.',
    })
    years: number[] | null,
    @Ctx() { loaders }: Context,
  ): Promise<ProgrammeYearFunding[]> {
    const checked = checkYears(years);
    return loaders.get(`fundingByYear:${JSON.stringify(checked)}`, (em) => fundingByYearLoader(em, checked)).load(programme.id);
  }
}

@Resolver(() => ThemeSummary)
export class ThemeSummaryResolver {
  @FieldResolver(() => Theme, { description: 'The theme.' })
  async theme(@Root() summary: ThemeSummary, @Ctx() { loaders }: Context): Promise<Theme> {
    return (await loaders.get(themesById).load(summary.themeId))!;
  }
}
