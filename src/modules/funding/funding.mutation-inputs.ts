import { Field, ID, InputType, Int } from 'type-graphql';
import { Euros, LocalDate } from '../../shared/scalars';
import { FundingSource } from './funding.enums';

const CEILING_RULE =
  'A decision (granted > 0 with a decisionDate) that would take the programme over a hard annual ceiling for its source and year ' +
  'gives CEILING_EXCEEDED unless overrideCeiling is given. Approximate ceilings ("about 100 000 € a year") never block.';

@InputType({
  description:
    'Confirms a decision that takes the programme over an annual ceiling (CEILING_EXCEEDED). Ignored when the decision breaks no ceiling.',
})
export class CeilingOverrideInput {
  @Field(() => String, {
    description: 'Why the ceiling may be exceeded (at most 1000 characters); stored on the line as `ceilingOverrideReason` and in the audit trail.',
  })
  reason!: string;
}

@InputType({ description: `A new funding line (rahoituslinja) of a project. ${CEILING_RULE}` })
export class CreateFundingLineInput {
  @Field(() => ID, { description: 'The funded project.' })
  project!: string;

  @Field(() => FundingSource, { description: 'Where the money comes from.' })
  source!: FundingSource;

  @Field(() => Euros, { nullable: true, description: 'Amount in the approved project plan; default 0.00.' })
  planned?: string | null;

  @Field(() => Euros, { nullable: true, description: 'Amount granted by the decision; default 0.00. More than 0 needs a decisionDate.' })
  granted?: string | null;

  @Field(() => Euros, { nullable: true, description: 'Amount paid so far; default 0.00. May exceed granted (advance payments).' })
  paid?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Date of the funding decision (päätöspäivä); its year decides which ceilings apply.' })
  decisionDate?: string | null;

  @Field(() => String, { nullable: true, description: 'Decision reference, e.g. "POSELY/123/2018" (at most 200 characters).' })
  decisionReference?: string | null;

  @Field(() => CeilingOverrideInput, { nullable: true, description: 'Confirms a decision over a hard annual ceiling, with the reason.' })
  overrideCeiling?: CeilingOverrideInput | null;

  @Field(() => String, { nullable: true, description: 'Makes the call repeat-safe: the same key and input within 24 h returns the first result.' })
  idempotencyKey?: string | null;
}

@InputType({ description: `Changes to a funding line: omitted fields stay as they are, null clears an optional field. ${CEILING_RULE}` })
export class UpdateFundingLineInput {
  @Field(() => ID, { description: 'The funding line.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The `version` you read; a stale one gives VERSION_CONFLICT.' })
  expectedVersion?: number | null;

  @Field(() => FundingSource, { nullable: true, description: 'Where the money comes from.' })
  source?: FundingSource | null;

  @Field(() => Euros, { nullable: true, description: 'Amount in the approved project plan.' })
  planned?: string | null;

  @Field(() => Euros, { nullable: true, description: 'Amount granted by the decision. More than 0 needs a decisionDate.' })
  granted?: string | null;

  @Field(() => Euros, { nullable: true, description: 'Amount paid so far. May exceed granted (advance payments).' })
  paid?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Date of the funding decision; null clears it.' })
  decisionDate?: string | null;

  @Field(() => String, { nullable: true, description: 'Decision reference (at most 200 characters); null clears it.' })
  decisionReference?: string | null;

  @Field(() => CeilingOverrideInput, { nullable: true, description: 'Confirms a decision over a hard annual ceiling, with the reason.' })
  overrideCeiling?: CeilingOverrideInput | null;
}

@InputType({ description: 'Remove a funding line.' })
export class DeleteFundingLineInput {
  @Field(() => ID, { description: 'The funding line.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The `version` you read; a stale one gives VERSION_CONFLICT.' })
  expectedVersion?: number | null;
}
