import { Field, ID, InputType, Int } from 'type-graphql';
import { Euros, LocalDate } from '../../shared/scalars';
import { FundingSource } from '../funding/funding.enums';
import { AreaType } from '../geography/geography.enums';
import { DecisionOutcome, Scheme } from './programme.enums';

@InputType({ description: 'A new funding programme (admins only).' })
export class CreateProgrammeInput {
  @Field(() => String, { description: 'Unique code of capital letters, digits and hyphens (at most 60), e.g. "KAKE-KUOPIO-2021".' })
  code!: string;

  @Field(() => String, { description: 'Name (at most 300 characters), e.g. "Kake Kuopio 2021–2027".' })
  name!: string;

  @Field(() => Scheme, { description: 'Kake (urban), Leader (rural) or other.' })
  scheme!: Scheme;

  @Field(() => LocalDate, { description: 'First day of the programme period.' })
  periodStart!: string;

  @Field(() => LocalDate, { description: 'Last day of the programme period; not before periodStart (END_BEFORE_START).' })
  periodEnd!: string;

  @Field(() => ID, { nullable: true, description: 'Parent operational programme (a Programme ID).' })
  parent?: string | null;

  @Field(() => ID, { nullable: true, description: 'Organisation that runs the programme (an Organisation ID).' })
  administeringOrganisation?: string | null;

  @Field(() => String, { nullable: true, description: 'Goals and content (at most 10 000 characters).' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'Makes the call repeat-safe: the same key and input within 24 h returns the first result.' })
  idempotencyKey?: string | null;
}

@InputType({ description: 'Changes to a programme: omitted fields stay as they are, null clears an optional field.' })
export class UpdateProgrammeInput {
  @Field(() => ID, { description: 'The programme.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The `version` you read; a stale one gives VERSION_CONFLICT.' })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: 'Unique code; portals look programmes up by it, so only admins may change it.' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'Name (at most 300 characters).' })
  name?: string | null;

  @Field(() => Scheme, { nullable: true, description: 'Kake, Leader or other.' })
  scheme?: Scheme | null;

  @Field(() => LocalDate, { nullable: true, description: 'First day of the programme period.' })
  periodStart?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Last day of the programme period.' })
  periodEnd?: string | null;

  @Field(() => ID, { nullable: true, description: 'Parent operational programme; null clears it. A programme cannot be its own ancestor.' })
  parent?: string | null;

  @Field(() => ID, { nullable: true, description: 'Organisation that runs the programme; null clears it.' })
  administeringOrganisation?: string | null;

  @Field(() => String, { nullable: true, description: 'Goals and content; null clears it.' })
  description?: string | null;
}

@InputType({ description: "Add a postal-code area to a programme's territory, or change how it is marked." })
export class SetProgrammeAreaInput {
  @Field(() => ID, { description: 'The programme.' })
  programme!: string;

  @Field(() => String, { description: "Five-digit postal code in Posti's data, e.g. \"70870\"." })
  postalCode!: string;

  @Field(() => AreaType, { description: 'Whether the programme treats the area as urban or rural.' })
  areaType!: AreaType;
}

@InputType({ description: "Remove a postal-code area from a programme's territory." })
export class RemoveProgrammeAreaInput {
  @Field(() => ID, { description: 'The programme.' })
  programme!: string;

  @Field(() => String, { description: 'Five-digit postal code.' })
  postalCode!: string;
}

@InputType({
  description:
    'Add an annual ceiling to a programme, or change the one with the same sources and year. ' +
    'Hard ceilings block funding decisions over them (CEILING_EXCEEDED, which a coordinator may override with a reason); ' +
    'approximate ones ("about 100 000 € a year") are shown but never block.',
})
export class SetProgrammeCeilingInput {
  @Field(() => ID, { description: 'The programme.' })
  programme!: string;

  @Field(() => [FundingSource], { description: 'Sources counted together against the ceiling, e.g. [ESR, STATE]; at least one.' })
  sources!: FundingSource[];

  @Field(() => Euros, { description: 'Maximum granted per calendar year.' })
  annualAmount!: string;

  @Field(() => Int, { nullable: true, description: 'The one year the ceiling applies to; omitted or null for every year.' })
  year?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True for an estimate ("about 100 000 € a year") that never blocks a decision; default false (a hard ceiling).',
  })
  approximate?: boolean | null;
}

@InputType({ description: 'Remove an annual ceiling.' })
export class RemoveProgrammeCeilingInput {
  @Field(() => ID, { description: 'The ceiling (its `id` in `Programme.ceilings`).' })
  id!: string;
}

@InputType({ description: 'Record a decision that set up or changed a programme.' })
export class AddProgrammeDecisionInput {
  @Field(() => ID, { description: 'The programme.' })
  programme!: string;

  @Field(() => String, { description: 'Deciding body (at most 300 characters), e.g. "Kuopion kaupunginhallitus".' })
  body!: string;

  @Field(() => LocalDate, { description: 'Date of the decision or of the meeting that is to decide.' })
  date!: string;

  @Field(() => String, { nullable: true, description: 'Reference (at most 300 characters), e.g. "Kaupunginhallitus 2.10.2017 § 120".' })
  reference?: string | null;

  @Field(() => DecisionOutcome, { description: 'Approved, pending or rejected.' })
  outcome!: DecisionOutcome;

  @Field(() => String, { nullable: true, description: 'What was decided (at most 10 000 characters).' })
  summary?: string | null;
}

/** Fields shared by appointing and removing a coordinator; each mutation still has its own input type (this one is never in the schema). */
@InputType()
export abstract class ProgrammeCoordinatorFields {
  @Field(() => ID, { description: 'The programme.' })
  programme!: string;

  @Field(() => ID, { description: 'The account (an Account ID).' })
  account!: string;
}

@InputType({ description: 'Make an account a coordinator of a programme (admins only).' })
export class AddProgrammeCoordinatorInput extends ProgrammeCoordinatorFields {}

@InputType({ description: 'Stop an account being a coordinator of a programme (admins only).' })
export class RemoveProgrammeCoordinatorInput extends ProgrammeCoordinatorFields {}
