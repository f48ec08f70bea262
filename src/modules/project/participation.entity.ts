import { Check, Entity, type Opt, Enum, Index, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';
import { Euros } from '../../shared/scalars';
import { Organisation } from '../organisation/organisation.entity';
import { ParticipationRole } from './project.enums';
import { Project } from './project.entity';

@ObjectType({ implements: Node, description: 'An organisation taking part in a project, in a role.' })
@Entity()
@Unique({ properties: ['project', 'organisation', 'role'] })
@Check({ name: 'participation_budget_share_non_negative', expression: 'budget_share >= 0' })
export class Participation extends BaseEntity {
  @ManyToOne(() => Project, { ref: true, deleteRule: 'cascade' })
  project!: Ref<Project>;

  @Index()
  @ManyToOne(() => Organisation, { ref: true, deleteRule: 'restrict' })
  organisation!: Ref<Organisation>;

  @Field(() => ParticipationRole, { description: 'Lead, partner, sub-grantee or funder.' })
  @Index()
  @Enum({ items: () => ParticipationRole, nativeEnumName: 'participation_role' })
  role!: ParticipationRole;

  @Field(() => Euros, { nullable: true, description: "The organisation's share of the project budget, when known." })
  @Property({ type: 'decimal', columnType: 'numeric(14,2)', nullable: true })
  budgetShare?: string;

  @Field(() => Int, { description: 'Edit version for optimistic concurrency: send it as `expectedVersion` when updating.' })
  @Property({ type: 'integer', version: true })
  version!: number & Opt;
}
