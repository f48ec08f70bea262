import { Entity, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';
import { Organisation } from './organisation.entity';

@ObjectType({ implements: Node, description: "An organisation's identifier in another register (EURA, HYRRA, KOHESIO, KEEP, …)." })
@Entity()
@Unique({ properties: ['system', 'value'] })
export class ExternalId extends BaseEntity {
  @ManyToOne(() => Organisation, { ref: true, deleteRule: 'cascade', index: true })
  organisation!: Ref<Organisation>;

  @Field(() => String, { description: 'Register, e.g. "EURA", "HYRRA", "KOHESIO", "KEEP".' })
  @Property({ type: 'string', length: 40 })
  system!: string;

  @Field(() => String, { description: 'Identifier in that register.' })
  @Property({ type: 'string', length: 200 })
  value!: string;
}
