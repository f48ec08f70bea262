import { Entity, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';
import { Organisation } from './organisation.entity';

/** Kept as its own type so that visibility rules can hide contact details from anonymous readers. */
@ObjectType({ implements: Node, description: 'A contact person (yhteyshenkilö) of an organisation.' })
@Entity()
export class ContactPerson extends BaseEntity {
  @ManyToOne(() => Organisation, { ref: true, deleteRule: 'cascade', index: true })
  organisation!: Ref<Organisation>;

  @Field(() => String, { description: 'Full name.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Job title or role, e.g. "toiminnanjohtaja".' })
  @Property({ type: 'string', length: 200, nullable: true })
  title?: string;

  /** Exposed through ContactPersonResolver, which hides it from anonymous readers. */
  @Property({ type: 'string', length: 320, nullable: true })
  email?: string;

  /** Exposed through ContactPersonResolver, which hides it from anonymous readers. */
  @Property({ type: 'string', length: 40, nullable: true })
  phone?: string;
}
