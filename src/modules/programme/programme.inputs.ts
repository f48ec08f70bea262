import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { DateRangeInput } from '../../shared/filters';
import { OrderDirection } from '../../shared/relay/connection';
import { LocalDate } from '../../shared/scalars';
import { AreaType } from '../geography/geography.enums';
import { Scheme } from './programme.enums';

export enum ProgrammeOrderField {
  NAME = 'NAME',
  CODE = 'CODE',
  START_DATE = 'START_DATE',
  GRANTED_AMOUNT = 'GRANTED_AMOUNT',
}

registerEnumType(ProgrammeOrderField, {
  name: 'ProgrammeOrderField',
  description: 'What to sort programmes by. Ties are broken by creation order.',
  valuesConfig: {
    NAME: { description: 'Name, case-insensitively.' },
    CODE: { description: 'Programme code.' },
    START_DATE: { description: 'Start of the programme period.' },
    GRANTED_AMOUNT: { description: "Total granted to the programme's projects." },
  },
});

@InputType({ description: 'Sort order for programmes.' })
export class ProgrammeOrder {
  @Field(() => ProgrammeOrderField, { description: 'Field to sort by.' })
  field!: ProgrammeOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Direction.' })
  direction: OrderDirection = OrderDirection.ASC;
}

@InputType({ description: 'Filters for programmes; all given conditions must hold.' })
export class ProgrammeFilter {
  @Field(() => Scheme, { nullable: true, description: 'Only programmes of this scheme.' })
  scheme?: Scheme | null;

  @Field(() => ID, { nullable: true, description: 'Only sub-programmes of this parent programme (a Programme ID).' })
  parent?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Only programmes this organisation administers or funds, or whose projects it takes part in (an Organisation ID).',
  })
  organisation?: string | null;

  @Field(() => String, { nullable: true, description: 'Only programmes whose territory reaches into this municipality (e.g. "297").' })
  municipalityCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Only programmes whose territory includes this postal-code area.' })
  postalCode?: string | null;

  @Field(() => AreaType, { nullable: true, description: 'Only programmes with territory of this type.' })
  areaType?: AreaType | null;

  @Field(() => LocalDate, { nullable: true, description: 'Only programmes whose period includes this date.' })
  activeOn?: string | null;

  @Field(() => DateRangeInput, { nullable: true, description: 'Only programmes whose period overlaps this range.' })
  overlaps?: DateRangeInput | null;
}

@InputType({ description: 'Filters for the postal areas of a territory.' })
export class TerritoryFilter {
  @Field(() => AreaType, { nullable: true, description: 'Only areas of this type.' })
  areaType?: AreaType | null;
}
