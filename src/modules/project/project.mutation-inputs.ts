import { Field, ID, InputType, Int } from 'type-graphql';
import { Euros, LocalDate } from '../../shared/scalars';
import { ParticipationRole, ProjectStatus } from './project.enums';

@InputType({ description: 'A new project (hanke), created as its lead organisation (päätoteuttaja). It starts as a DRAFT.' })
export class CreateProjectInput {
  @Field(() => ID, { description: 'The programme that is to fund the project.' })
  programme!: string;

  @Field(() => ID, { description: 'The lead organisation; you must be its member (or coordinate the programme). It gets the LEAD participation.' })
  leadOrganisation!: string;

  @Field(() => String, { description: 'Unique Silta project code (at most 60 characters), e.g. "KAKE-KUO-2019-12"; unique ignoring case and Unicode normalisation.' })
  code!: string;

  @Field(() => String, { nullable: true, description: 'Project code in EURA 2014 (at most 40 characters); unique.' })
  euraCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Project number in Hyrrä (at most 40 characters); unique.' })
  hyrraNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Record number (diaarinumero) at the deciding authority (at most 60 characters).' })
  recordNumber?: string | null;

  @Field(() => String, { description: 'Title, hankkeen nimi (at most 300 characters).' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'Short summary, tiivistelmä (at most 10 000 characters).' })
  summary?: string | null;

  @Field(() => String, { nullable: true, description: 'Purpose and goals, tavoitteet (at most 10 000 characters).' })
  purpose?: string | null;

  @Field(() => String, { nullable: true, description: 'What the project achieved, tulokset (at most 10 000 characters).' })
  achievements?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Planned start date.' })
  plannedStart?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Planned end date; not before the planned start.' })
  plannedEnd?: string | null;

  @Field(() => [String], { nullable: true, description: 'Theme codes (teemat), e.g. ["YOUTH_PARTICIPATION"]; see `themes`.' })
  themes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Target-group codes (kohderyhmät); see `targetGroups`.' })
  targetGroups?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Postal codes of the areas where the project works, e.g. ["70870"].' })
  locations?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'The umbrella project (kattohanke) this pilot is re-granted from.' })
  parent?: string | null;

  @Field(() => String, { nullable: true, description: 'Makes the call repeat-safe: the same key and input within 24 h returns the first result.' })
  idempotencyKey?: string | null;
}

@InputType({
  description:
    'Changes to a project: omitted fields stay as they are, null clears an optional field, and a given list (themes, target groups, locations) replaces the whole set (null or [] empties it).',
})
export class UpdateProjectInput {
  @Field(() => ID, { description: 'The project.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The `version` you read; a stale one gives VERSION_CONFLICT.' })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: 'Project code; cannot be cleared.' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'Project code in EURA 2014.' })
  euraCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Project number in Hyrrä.' })
  hyrraNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Record number (diaarinumero).' })
  recordNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Title; cannot be cleared.' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'Short summary.' })
  summary?: string | null;

  @Field(() => String, { nullable: true, description: 'Purpose and goals.' })
  purpose?: string | null;

  @Field(() => String, { nullable: true, description: 'What the project achieved.' })
  achievements?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Planned start date.' })
  plannedStart?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Planned end date.' })
  plannedEnd?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Actual start date (a correction; `transitionProject` sets it on starting).' })
  actualStart?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Actual end date (a correction; `transitionProject` sets it on completing).' })
  actualEnd?: string | null;

  @Field(() => [String], { nullable: true, description: 'Theme codes; replaces the set.' })
  themes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Target-group codes; replaces the set.' })
  targetGroups?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Postal codes; replaces the set.' })
  locations?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'The umbrella project; null detaches the project from it.' })
  parent?: string | null;

  @Field(() => String, { nullable: true, description: "Internal notes; only the programme's coordinators and admins may write them." })
  internalNotes?: string | null;
}

@InputType({ description: 'Move a project along its life cycle (DRAFT → SUBMITTED → APPROVED | REJECTED; APPROVED → ONGOING → COMPLETED; open → CANCELLED).' })
export class TransitionProjectInput {
  @Field(() => ID, { description: 'The project.' })
  id!: string;

  @Field(() => ProjectStatus, { description: 'The new status.' })
  to!: ProjectStatus;

  @Field(() => Int, { nullable: true, description: 'The `version` you read; a stale one gives VERSION_CONFLICT.' })
  expectedVersion?: number | null;

  @Field(() => LocalDate, { nullable: true, description: 'Actual start when moving to ONGOING; default today (Finnish time).' })
  actualStart?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Actual end when moving to COMPLETED, or to CANCELLED from ONGOING; default today (Finnish time).' })
  actualEnd?: string | null;
}

@InputType({ description: 'Add an organisation to a project in a role.' })
export class AddProjectParticipantInput {
  @Field(() => ID, { description: 'The project.' })
  project!: string;

  @Field(() => ID, { description: 'The organisation; archived organisations cannot be added.' })
  organisation!: string;

  @Field(() => ParticipationRole, { description: 'Its role; an organisation holds each role in a project at most once.' })
  role!: ParticipationRole;

  @Field(() => Euros, { nullable: true, description: "The organisation's share of the project budget, when known." })
  budgetShare?: string | null;
}

@InputType({ description: 'Remove a participation from a project; the last LEAD cannot be removed.' })
export class RemoveProjectParticipantInput {
  @Field(() => ID, { description: 'The participation (a Participation ID).' })
  participation!: string;

  @Field(() => Int, { nullable: true, description: 'The `version` you read; a stale one gives VERSION_CONFLICT.' })
  expectedVersion?: number | null;
}
