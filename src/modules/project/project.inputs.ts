import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { DateRangeInput } from '../../shared/filters';
import { OrderDirection } from '../../shared/relay/connection';
import { LocalDate } from '../../shared/scalars';
import { AreaType } from '../geography/geography.enums';
import { Scheme } from '../programme/programme.enums';
import { ParticipationRole, ProjectStatus } from './project.enums';

export enum ProjectOrderField {
  TITLE = 'TITLE',
  CODE = 'CODE',
  START_DATE = 'START_DATE',
  GRANTED_AMOUNT = 'GRANTED_AMOUNT',
}

registerEnumType(ProjectOrderField, {
  name: 'ProjectOrderField',
  description: 'What to sort projects by. Ties are broken by creation order.',
  valuesConfig: {
    TITLE: { description: 'Title, case-insensitively.' },
    CODE: { description: 'Silta project code.' },
    START_DATE: { description: 'Actual start date, else planned start; projects without dates sort last.' },
    GRANTED_AMOUNT: { description: 'Total granted over all funding lines.' },
  },
});

@InputType({ description: 'Sort order for projects.' })
export class ProjectOrder {
  @Field(() => ProjectOrderField, { description: 'Field to sort by.' })
  field!: ProjectOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Direction.' })
  direction: OrderDirection = OrderDirection.ASC;
}

@InputType({ description: 'Filters for projects; all given conditions must hold.' })
export class ProjectFilter {
  @Field(() => Scheme, { nullable: true, description: "Only projects in a programme of this scheme (Kake or Leader)." })
  scheme?: Scheme | null;

  @Field(() => ID, { nullable: true, description: 'Only projects of this programme (a Programme ID).' })
  programme?: string | null;

  @Field(() => [ProjectStatus], { nullable: true, description: 'Only projects in one of these statuses.' })
  status?: ProjectStatus[] | null;

  @Field(() => String, { nullable: true, description: 'Only projects with this theme code, e.g. "YOUTH_PARTICIPATION".' })
  theme?: string | null;

  @Field(() => String, { nullable: true, description: 'Only projects with this target-group code, e.g. "YOUNG_PEOPLE".' })
  targetGroup?: string | null;

  @Field(() => String, { nullable: true, description: 'Only projects located in this municipality (kuntanumero, e.g. "297").' })
  municipalityCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Only projects located in this postal-code area (e.g. "70870").' })
  postalCode?: string | null;

  @Field(() => AreaType, {
    nullable: true,
    description: "Only projects located in a postal area that some programme's territory marks URBAN (or RURAL).",
  })
  areaType?: AreaType | null;

  @Field(() => ID, { nullable: true, description: 'Only projects this organisation takes part in, in any role (an Organisation ID).' })
  organisation?: string | null;

  @Field(() => ParticipationRole, { nullable: true, description: 'With `organisation`: only in this role.' })
  role?: ParticipationRole | null;

  @Field(() => LocalDate, { nullable: true, description: 'Only projects running on this date (actual dates, else planned).' })
  activeOn?: string | null;

  @Field(() => DateRangeInput, { nullable: true, description: 'Only projects whose period overlaps this range.' })
  overlaps?: DateRangeInput | null;

  @Field(() => ID, { nullable: true, description: 'Only sub-projects of this umbrella project (a Project ID).' })
  parent?: string | null;
}
