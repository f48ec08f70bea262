import { Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { toGlobalId } from './relay/global-id';

/** Surrogate key, timestamps and the Relay global ID shared by every editable entity. */
// Decorated so that type-graphql passes its fields on to subclasses; never in the schema itself.
@ObjectType()
export abstract class BaseEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Field(() => Date, { description: 'When the record was created in Silta.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Field(() => Date, { description: 'When the record was last changed in Silta.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();

  @Field(() => ID, { name: 'id', description: 'Opaque global identifier, usable with `node(id:)`.' })
  get globalId(): string & Opt {
    return toGlobalId(this.constructor.name, this.id);
  }
}
