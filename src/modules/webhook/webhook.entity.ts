import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { toGlobalId } from '../../shared/relay/global-id';
import { Node } from '../../shared/relay/node.interface';
import { DateTime } from '../../shared/scalars';
import { ActivityType } from '../activity/activity.enums';
import { Account } from '../auth/account.entity';
import type { StoredActivityFilter } from '../feed/activity-filter';
import { WebhookDeliveryStatus, WebhookStatus } from './webhook.enums';

/**
 * A URL that receives the activity events its account may see and its filter matches, one POST per
 * event, signed with the hook's secret. Registered through GraphQL (audited, row-level security:
 * the owner account and admins only); its delivery state (cursor, failures, next attempt, lease) is
 * written by the delivery worker as the database owner, outside the audit trail.
 */
@ObjectType({ implements: Node, description: 'A webhook: activity events matching a filter are POSTed to a URL as signed JSON.' })
@Entity()
@Index({ name: 'webhook_due_idx', expression: 'create index "webhook_due_idx" on "webhook" ("next_attempt_at", "id") where "status" = \'ACTIVE\'' })
export class Webhook extends BaseEntity {
  @Index()
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Field(() => String, { description: 'Where events are POSTed (http or https).' })
  @Property({ type: 'string', length: 2000 })
  url!: string;

  @Field(() => String, { nullable: true, description: 'What the hook is for.' })
  @Property({ type: 'string', length: 500, nullable: true })
  description?: string | null;

  /** Which events, as stored (IDs decoded); `Webhook.filter` shows it with global IDs. */
  @Property({ type: 'json' })
  filter!: StoredActivityFilter;

  /**
   * The HMAC-SHA256 key deliveries are signed with. Kept as the key itself: a hash could not sign
   * (docs/security.md). Never in GraphQL, the audit trail (audit.recorder's NOISE) or logs.
   */
  @Property({ type: 'string', length: 100 })
  signingSecret!: string;

  @Field(() => WebhookStatus, { description: 'ACTIVE, or DISABLED with a reason.' })
  @Enum({ items: () => WebhookStatus, nativeEnumName: 'webhook_status' })
  status: WebhookStatus & Opt = WebhookStatus.ACTIVE;

  @Field(() => String, { nullable: true, description: 'Why the hook was disabled (e.g. after 8 failed deliveries in a row); null while active.' })
  @Property({ type: 'text', nullable: true })
  disabledReason?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When the hook was disabled; null while active.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  disabledAt?: Date | null;

  /** Position (xid, id) of the last event delivered: the log is read after it. Starts at registration. */
  @Property({ columnType: 'xid8', type: 'string', defaultRaw: 'pg_snapshot_xmin(pg_current_snapshot())' })
  cursorXid?: string & Opt;

  @Property({ type: 'bigint', defaultRaw: '0' })
  cursorId?: string & Opt;

  @Field(() => Int, { description: 'Failed attempts in a row at the current event; 0 after a success.' })
  @Property({ type: 'integer', default: 0 })
  consecutiveFailures: number & Opt = 0;

  @Field(() => DateTime, { nullable: true, description: 'When the worker next tries (a retry after a failure waits); null while disabled.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true, defaultRaw: 'now()' })
  nextAttemptAt?: Date | null;

  /** A worker's claim: until then no other instance delivers for this hook. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  leaseUntil?: Date | null;

  @Property({ type: 'uuid', nullable: true })
  leaseToken?: string | null;
}

/** One delivery attempt, in the hook's delivery log (written by the worker as the database owner). */
@ObjectType({ implements: Node, description: 'One attempt to deliver one event to a webhook.' })
@Entity()
@Index({ name: 'webhook_delivery_webhook_order_idx', expression: 'create index "webhook_delivery_webhook_order_idx" on "webhook_delivery" ("webhook_id", "id" desc)' })
export class WebhookDelivery {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => Webhook, { ref: true, deleteRule: 'cascade' })
  webhook!: Ref<Webhook>;

  @Field(() => String, { description: 'The `X-Silta-Delivery` header of the attempt (a UUID).' })
  @Property({ type: 'uuid' })
  deliveryId!: string;

  /** The event's position in the log; `eventCursor` shows it as the cursor subscriptions use. */
  @Property({ columnType: 'xid8', type: 'string' })
  eventXid!: string;

  @Property({ type: 'bigint' })
  eventId!: string;

  @Field(() => ActivityType, { description: 'What the event records (the `X-Silta-Event` header).' })
  @Enum({ items: () => ActivityType, nativeEnumName: 'activity_type' })
  eventType!: ActivityType;

  @Field(() => Int, { description: 'Which attempt at this event: 1 for the first, 2 for the first retry, …' })
  @Property({ type: 'integer' })
  attempt!: number;

  @Field(() => WebhookDeliveryStatus, { description: 'SUCCEEDED or FAILED.' })
  @Enum({ items: () => WebhookDeliveryStatus, nativeEnumName: 'webhook_delivery_status' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { nullable: true, description: 'The HTTP status the receiver answered; null when there was no answer.' })
  @Property({ type: 'smallint', nullable: true })
  responseStatus?: number | null;

  @Field(() => String, { nullable: true, description: 'Why the attempt failed (at most 500 characters); null when it succeeded.' })
  @Property({ type: 'string', length: 500, nullable: true })
  error?: string | null;

  @Field(() => String, { nullable: true, description: 'The start of the response body (at most 200 characters), to help debugging.' })
  @Property({ type: 'string', length: 200, nullable: true })
  responseExcerpt?: string | null;

  @Field(() => Int, { description: 'How long the attempt took, in milliseconds.' })
  @Property({ type: 'integer' })
  durationMs!: number;

  @Field(() => DateTime, { description: 'When the attempt was made.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Field(() => DateTime, { nullable: true, description: 'When this event will be tried again; null after a success or when the hook was disabled.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  nextAttemptAt?: Date | null;

  @Field(() => ID, { name: 'id', description: 'Opaque global identifier, usable with `node(id:)`.' })
  get globalId(): string & Opt {
    return toGlobalId('WebhookDelivery', this.id);
  }
}
