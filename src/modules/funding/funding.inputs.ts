import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { DateRangeInput } from '../../shared/filters';
import { OrderDirection } from '../../shared/relay/connection';
import { Scheme } from '../programme/programme.enums';
import { FundingSource } from './funding.enums';

export enum FundingLineOrderField {
  GRANTED_AMOUNT = 'GRANTED_AMOUNT',
  DECISION_DATE = 'DECISION_DATE',
  CREATED = 'CREATED',
}

registerEnumType(FundingLineOrderField, {
  name: 'FundingLineOrderField',
  description: 'What to sort funding lines by. Ties are broken by creation order.',
  valuesConfig: {
    GRANTED_AMOUNT: { description: 'Granted amount.' },
    DECISION_DATE: { description: 'Decision date; lines without a decision sort last.' },
    CREATED: { description: 'Creation order.' },
  },
});

@InputType({ description: 'Sort order for funding lines.' })
export class FundingLineOrder {
  @Field(() => FundingLineOrderField, { description: 'Field to sort by.' })
  field!: FundingLineOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Direction.' })
  direction: OrderDirection = OrderDirection.ASC;
}

@InputType({ description: 'Filters for funding lines; all given conditions must hold.' })
export class FundingLineFilter {
  @Field(() => [FundingSource], { nullable: true, description: 'Only lines from one of these sources.' })
  source?: FundingSource[] | null;

  @Field(() => Scheme, { nullable: true, description: 'Only lines of projects in a programme of this scheme.' })
  scheme?: Scheme | null;

  @Field(() => ID, { nullable: true, description: 'Only lines of projects in this programme (a Programme ID).' })
  programme?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only lines of this project (a Project ID).' })
  project?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only lines of projects this organisation takes part in (an Organisation ID).' })
  organisation?: string | null;

  @Field(() => DateRangeInput, { nullable: true, description: 'Only lines whose decision date falls in this range.' })
  decidedBetween?: DateRangeInput | null;
}
