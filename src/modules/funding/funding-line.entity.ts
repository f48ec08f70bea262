import { Check, Entity, type Opt, Enum, Index, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';
import { Euros, LocalDate } from '../../shared/scalars';
import { Project } from '../project/project.entity';
import { FundingSource } from './funding.enums';

@ObjectType({
  implements: Node,
  description: 'Funding for a project from one source: planned, granted (decision) and paid amounts (rahoituslinja, päätös).',
})
@Entity()
@Check({ name: 'funding_line_planned_non_negative', expression: 'planned >= 0' })
@Check({ name: 'funding_line_granted_non_negative', expression: 'granted >= 0' })
@Check({ name: 'funding_line_paid_non_negative', expression: 'paid >= 0' })
@Index({ name: 'funding_line_source_decision_date_idx', properties: ['source', 'decisionDate'] })
export class FundingLine extends BaseEntity {
  @ManyToOne(() => Project, { ref: true, deleteRule: 'cascade', index: true })
  project!: Ref<Project>;

  @Field(() => FundingSource, { description: 'Where the money comes from.' })
  @Enum({ items: () => FundingSource, nativeEnumName: 'funding_source' })
  source!: FundingSource;

  @Field(() => Euros, { description: 'Amount in the approved project plan (suunniteltu).' })
  @Property({ type: 'decimal', columnType: 'numeric(14,2)', default: 0 })
  planned: string = '0.00';

  @Field(() => Euros, { description: 'Amount granted by the funding decision (myönnetty); 0 before a decision.' })
  @Property({ type: 'decimal', columnType: 'numeric(14,2)', default: 0 })
  granted: string = '0.00';

  @Field(() => Euros, { description: 'Amount paid out so far (maksettu).' })
  @Property({ type: 'decimal', columnType: 'numeric(14,2)', default: 0 })
  paid: string = '0.00';

  @Field(() => LocalDate, { nullable: true, description: 'Date of the funding decision (päätöspäivä).' })
  @Property({ type: 'date', nullable: true })
  decisionDate?: string;

  @Field(() => String, { nullable: true, description: 'Decision reference, e.g. "POSELY/123/2018" or a board minute.' })
  @Property({ type: 'string', length: 200, nullable: true })
  decisionReference?: string;

  @Field(() => String, {
    nullable: true,
    description: "Why a coordinator let this decision take the programme over an annual ceiling (CEILING_EXCEEDED overridden); null otherwise.",
  })
  @Property({ type: 'text', nullable: true })
  ceilingOverrideReason?: string;

  @Field(() => Int, { description: 'Edit version for optimistic concurrency: send it as `expectedVersion` when updating.' })
  @Property({ type: 'integer', version: true })
  version!: number & Opt;
}
