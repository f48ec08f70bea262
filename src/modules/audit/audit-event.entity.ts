import { Entity, Enum, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../shared/relay/global-id';
import { Node } from '../../shared/relay/node.interface';
import { DateTime } from '../../shared/scalars';

export enum AuditAction {
  CREATE = 'CREATE',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
}

registerEnumType(AuditAction, {
  name: 'AuditAction',
  description: 'What a change did to a record.',
  valuesConfig: {
    CREATE: { description: 'The record was created.' },
    UPDATE: { description: 'Fields of the record changed (archiving and status changes included).' },
    DELETE: { description: 'The record was removed.' },
  },
});

/**
 * One change to one record, written in the same transaction as the change. Append-only: a trigger
 * refuses UPDATE and DELETE on this table, whoever connects.
 */
@ObjectType({ implements: Node, description: 'One recorded change: who, when, through which operation, and field-level before/after values.' })
@Entity()
@Index({ properties: ['entityType', 'entityId', 'id'] })
export class AuditEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Field(() => DateTime, { description: 'When the change was committed.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  occurredAt: Date & Opt = new Date();

  @Index()
  @Property({ type: 'integer', nullable: true })
  accountId?: number;

  @Field(() => String, { nullable: true, description: 'Name of the account that made the change, as it was then.' })
  @Property({ type: 'string', length: 200, nullable: true })
  accountName?: string;

  @Property({ type: 'integer', nullable: true })
  tokenId?: number;

  /** The organisation the change concerns or was made for, when there is one (no index: no read filters on it). */
  @Property({ type: 'integer', nullable: true })
  organisationId?: number;

  /**
   * The project the changed record belongs to (the project itself, a participation, a funding line,
   * a theme or location of it): row-level security shows the event only to those who see the project
   * (it looks the project up, not the events: no index, which every written row would have to update).
   */
  @Property({ type: 'integer', nullable: true })
  projectId?: number;

  @Field(() => String, { description: 'The GraphQL mutation, e.g. "updateProject".' })
  @Property({ type: 'string', length: 100 })
  operation!: string;

  @Field(() => String, { description: 'Type of the changed record, e.g. "Project".' })
  @Property({ type: 'string', length: 60 })
  entityType!: string;

  @Property({ type: 'string', length: 60 })
  entityId!: string;

  @Field(() => AuditAction, { description: 'Create, update or delete.' })
  @Enum({ items: () => AuditAction, nativeEnumName: 'audit_action' })
  action!: AuditAction;

  /** Exposed through AuditEventResolver.changes, which leaves out what the viewer may not read. */
  @Property({ type: 'json', columnType: 'jsonb' })
  changes!: Record<string, { before: unknown; after: unknown }>;

  @Field(() => String, {
    nullable: true,
    description: 'Silta’s own ID of the HTTP request (a UUID, also in the `x-request-id` response header), for matching with logs.',
  })
  @Property({ type: 'string', length: 100, nullable: true })
  requestId?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The `x-request-id` the client sent with the request, if it was well-formed (up to 100 of `A–Z a–z 0–9 . _ -`). Chosen by the client, so not proof of anything; `requestId` is Silta’s own.',
  })
  @Property({ type: 'string', length: 100, nullable: true })
  clientRequestId?: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global identifier, usable with `node(id:)`.' })
  get globalId(): string & Opt {
    return toGlobalId('AuditEvent', this.id);
  }

  @Field(() => ID, { description: 'Global ID of the changed record; `node(id:)` fetches it when its type implements Node (memberships, coordinator appointments and the theme, target-group and location links of projects do not).' })
  get entity(): string & Opt {
    return toGlobalId(this.entityType, this.entityId);
  }

  @Field(() => Int, { nullable: true, description: 'Sequence number, increasing in commit order.' })
  get sequence(): number & Opt {
    return Number(this.id);
  }
}
