import { Check, Entity, Enum, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';
import { Euros, LocalDate } from '../../shared/scalars';
import { AreaType } from '../geography/geography.enums';
import { PostalArea } from '../geography/postal-area.entity';
import { FundingSource } from '../funding/funding.enums';
import { Organisation } from '../organisation/organisation.entity';
import { DecisionOutcome } from './programme.enums';
import { Programme } from './programme.entity';

@ObjectType({ implements: Node, description: "A postal-code area in a programme's territory, marked urban or rural." })
@Entity()
@Unique({ properties: ['programme', 'postalArea'] })
export class ProgrammeArea extends BaseEntity {
  @ManyToOne(() => Programme, { ref: true, deleteRule: 'cascade' })
  programme!: Ref<Programme>;

  @ManyToOne(() => PostalArea, { fieldName: 'postal_code', ref: true, deleteRule: 'restrict', index: true })
  postalArea!: Ref<PostalArea>;

  @Field(() => AreaType, { description: 'Whether the programme treats the area as urban or rural.' })
  @Enum({ items: () => AreaType, nativeEnumName: 'area_type' })
  areaType!: AreaType;
}

@ObjectType({ implements: Node, description: 'An organisation that funds a programme, and from which source (rahoittaja).' })
@Entity()
@Unique({ properties: ['programme', 'organisation', 'source'] })
export class ProgrammeFunder extends BaseEntity {
  @ManyToOne(() => Programme, { ref: true, deleteRule: 'cascade' })
  programme!: Ref<Programme>;

  @ManyToOne(() => Organisation, { ref: true, deleteRule: 'restrict', index: true })
  organisation!: Ref<Organisation>;

  @Field(() => FundingSource, { description: 'The funding source this funder provides.' })
  @Enum({ items: () => FundingSource, nativeEnumName: 'funding_source' })
  source!: FundingSource;
}

@ObjectType({
  implements: Node,
  description:
    'An ESR priority axis (toimintalinja) and specific objective (erityistavoite) that a programme funds, e.g. toimintalinja 5, ET 9.1.',
})
@Entity()
@Unique({ properties: ['programme', 'priorityAxis', 'specificObjective'] })
@Check({ name: 'programme_objective_axis_positive', expression: 'priority_axis > 0' })
export class ProgrammeObjective extends BaseEntity {
  @ManyToOne(() => Programme, { ref: true, deleteRule: 'cascade' })
  programme!: Ref<Programme>;

  @Field(() => Int, { description: 'Priority axis number (toimintalinja), e.g. 5.' })
  @Property({ type: 'integer' })
  priorityAxis!: number;

  @Field(() => String, { description: 'Specific objective code (erityistavoite), e.g. "9.1".' })
  @Property({ type: 'string', length: 20 })
  specificObjective!: string;

  @Field(() => String, { description: 'What the objective is about.' })
  @Property({ type: 'string', length: 500 })
  title!: string;
}

@ObjectType({
  implements: Node,
  description:
    'An annual ceiling on what a programme may grant from one or more sources together, e.g. Kake: at most 300 000 € a year ESR + state.',
})
@Entity()
@Check({ name: 'programme_ceiling_amount_non_negative', expression: 'annual_amount >= 0' })
@Check({ name: 'programme_ceiling_sources_not_empty', expression: 'cardinality(sources) > 0' })
export class ProgrammeCeiling extends BaseEntity {
  @ManyToOne(() => Programme, { ref: true, deleteRule: 'cascade', index: true })
  programme!: Ref<Programme>;

  @Field(() => [FundingSource], { description: 'Sources counted together against this ceiling.' })
  @Property({ type: 'string[]', columnType: 'text[]' })
  sources!: FundingSource[];

  @Field(() => Euros, { description: 'Maximum granted per calendar year.' })
  @Property({ type: 'decimal', columnType: 'numeric(14,2)' })
  annualAmount!: string;

  @Field(() => Int, { nullable: true, description: 'The one year this ceiling applies to; null means every year of the period.' })
  @Property({ type: 'integer', nullable: true })
  year?: number;

  @Field(() => Boolean, { description: 'True when the amount is an estimate ("about 100 000 € a year") rather than a hard cap.' })
  @Property({ type: 'boolean', default: false })
  approximate: boolean = false;
}

@ObjectType({ implements: Node, description: 'A decision that set up or changed a programme, e.g. "Kaupunginhallitus 2.10.2017 § 120".' })
@Entity()
export class ProgrammeDecision extends BaseEntity {
  @ManyToOne(() => Programme, { ref: true, deleteRule: 'cascade', index: true })
  programme!: Ref<Programme>;

  @Field(() => String, { description: 'Deciding body, e.g. "Kuopion kaupunginhallitus" or "Pohjois-Savon maakunnan yhteistyöryhmä".' })
  @Property({ type: 'string', length: 300 })
  body!: string;

  @Field(() => LocalDate, { description: 'Date of the decision (or of the meeting that is to decide).' })
  @Property({ type: 'date' })
  date!: string;

  @Field(() => String, { nullable: true, description: 'Reference, e.g. "Kaupunginhallitus 2.10.2017 § 120".' })
  @Property({ type: 'string', length: 300, nullable: true })
  reference?: string;

  @Field(() => DecisionOutcome, { description: 'Approved, pending or rejected.' })
  @Enum({ items: () => DecisionOutcome, nativeEnumName: 'decision_outcome' })
  outcome!: DecisionOutcome;

  @Field(() => String, { nullable: true, description: 'What was decided.' })
  @Property({ type: 'text', nullable: true })
  summary?: string;
}
