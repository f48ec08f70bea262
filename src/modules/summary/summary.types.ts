import { Field, Int, ObjectType } from 'type-graphql';
import { Euros } from '../../shared/scalars';
import { FundingSource } from '../funding/funding.enums';

/** A funding line belongs to the calendar year of its decision date: the rule the ceiling check uses. */
const YEAR_RULE =
  "A funding line counts in the calendar year of its decision date (päätöspäivä), as for the ceiling check; lines without a decision date count in no year.";

@ObjectType({ description: `Planned, granted and paid amounts from one funding source in one year. ${YEAR_RULE}`, simpleResolvers: true })
export class SourceYearFunding {
  @Field(() => FundingSource, { description: 'The funding source.' })
  source!: FundingSource;

  @Field(() => Euros, { description: 'Sum of planned amounts of the lines decided in the year.' })
  planned!: string;

  @Field(() => Euros, { description: 'Sum of granted amounts of the lines decided in the year.' })
  granted!: string;

  @Field(() => Euros, { description: 'Sum of paid amounts of the lines decided in the year.' })
  paid!: string;
}

@ObjectType({
  description:
    "One of the programme's annual ceilings in one year, against what was granted from its sources together " +
    '(e.g. Kake: ESR + state at most 300 000 € a year).',
  simpleResolvers: true,
})
export class CeilingYearUsage {
  @Field(() => [FundingSource], { description: 'Sources counted together against the ceiling.' })
  sources!: FundingSource[];

  @Field(() => Euros, { description: 'The ceiling: the most the programme may grant from these sources in the year.' })
  annualAmount!: string;

  @Field(() => Euros, { description: 'Granted from these sources together in the year.' })
  granted!: string;

  @Field(() => Euros, {
    description: 'Room left: annualAmount − granted. Negative when a coordinator confirmed decisions over the ceiling (overrideCeiling).',
  })
  remaining!: string;

  @Field(() => Boolean, { description: 'True when the ceiling is an estimate ("about 100 000 € a year") that never blocks a decision.' })
  approximate!: boolean;
}

@ObjectType({ description: `A programme's funding in one calendar year, by source and against its annual ceilings. ${YEAR_RULE}`, simpleResolvers: true })
export class ProgrammeYearFunding {
  @Field(() => Int, { description: 'The calendar year.' })
  year!: number;

  @Field(() => [SourceYearFunding], { description: 'Sums per source, in the order of the FundingSource enum; sources without lines that year are left out.' })
  bySource!: SourceYearFunding[];

  @Field(() => [CeilingYearUsage], {
    description: 'The ceilings that apply in the year (those for every year and those for this one), oldest first; empty when there are none.',
  })
  ceilings!: CeilingYearUsage[];
}

@ObjectType({
  description:
    "Projects and money per theme (teema), over the projects the viewer can see. Urban and rural come from programme territories: a project location's " +
    'postal area is URBAN when every programme territory that includes it marks it URBAN, RURAL when every one marks it RURAL, and unclassified when ' +
    'no territory includes it or territories disagree. A project with several themes counts under each of them.',
  simpleResolvers: true,
})
export class ThemeSummary {
  /** The theme's database ID, resolved to the theme by a loader. */
  themeId!: number;

  @Field(() => Int, { description: 'Projects with the theme: urbanProjects + ruralProjects + mixedProjects + unknownProjects.' })
  projectCount!: number;

  @Field(() => Int, { description: 'Projects with at least one location, every location URBAN.' })
  urbanProjects!: number;

  @Field(() => Int, { description: 'Projects with at least one location, every location RURAL.' })
  ruralProjects!: number;

  @Field(() => Int, { description: 'Projects with both URBAN and RURAL locations (whatever their other locations).' })
  mixedProjects!: number;

  @Field(() => Int, {
    description: 'Projects with no location, or with an unclassified location and not both URBAN and RURAL ones.',
  })
  unknownProjects!: number;

  @Field(() => Euros, { description: "Granted (myönnetty) over all funding lines of the theme's projects, every year and source." })
  granted!: string;
}
