import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../shared/relay/connection';
import { toGlobalId } from '../../shared/relay/global-id';
import { Node } from '../../shared/relay/node.interface';
import { DateTime } from '../../shared/scalars';
import { Scheme } from '../programme/programme.enums';
import { ActivityType } from './activity.enums';
import { encodePosition, type ActivityRow } from './activity.log';

@ObjectType({
  implements: Node,
  description:
    'One entry of the activity log: what changed, when, what it touches, and a compact payload. Shown only to those who may see what it is about, decided when it is read.',
})
// Named as its GraphQL type: Node resolves types by class name (the table's entity is ActivityEventRecord).
export class ActivityEvent {
  @Field(() => ID, { name: 'id', description: 'Opaque global identifier.' })
  globalId!: string;

  @Field(() => String, { description: 'The event’s place in the log: pass it as `after` to continue (or to resume a subscription) right after it.' })
  cursor!: string;

  @Field(() => ActivityType, { description: 'What happened.' })
  type!: ActivityType;

  @Field(() => DateTime, { description: 'When the change was written (its transaction’s clock).' })
  occurredAt!: Date;

  @Field(() => ID, { description: 'Global ID of the record the event is about (a Project, Participation, FundingLine, Overlap, OverlapReview or Post).' })
  entityId!: string;

  @Field(() => [ID], { description: 'Global IDs of the projects it touches (two for an overlap).' })
  projectIds!: string[];

  @Field(() => [ID], { description: 'Global IDs of the programmes of those projects.' })
  programmeIds!: string[];

  @Field(() => [ID], { description: 'Global IDs of the organisations taking part in those projects (or authoring the post).' })
  organisationIds!: string[];

  @Field(() => [Scheme], { description: 'Schemes of those programmes.' })
  schemes!: Scheme[];

  @Field(() => [String], { description: 'Postal codes of those projects (or of the post).' })
  postalCodes!: string[];

  @Field(() => Boolean, { description: 'True when it concerns both a Kake and a Leader project.' })
  crossesDivide!: boolean;

  @Field(() => GraphQLJSONObject, {
    description: 'A compact description: codes and titles, and per type e.g. `from`/`to` (status), `fields` (what changed), `organisation` and `role`, `source` and `granted`, `kind` and `score`.',
  })
  payload!: Record<string, unknown>;

  static from(row: ActivityRow): ActivityEvent {
    const event = new ActivityEvent();
    event.globalId = toGlobalId('ActivityEvent', row.id);
    event.cursor = encodePosition({ xid: row.xid, id: row.id });
    event.type = row.type;
    // node-postgres through knex may hand timestamps over as text; the DateTime scalar wants a Date.
    event.occurredAt = new Date(row.occurred_at);
    event.entityId = toGlobalId(row.entity_type, row.entity_id);
    event.projectIds = row.project_ids.map((id) => toGlobalId('Project', id));
    event.programmeIds = row.programme_ids.map((id) => toGlobalId('Programme', id));
    event.organisationIds = row.organisation_ids.map((id) => toGlobalId('Organisation', id));
    event.schemes = row.schemes as Scheme[];
    event.postalCodes = row.postal_codes;
    event.crossesDivide = row.cross_divide;
    event.payload = row.payload;
    return event;
  }
}

@InputType({ description: 'Which activity to read; every condition given must hold, and a list matches any of its values.' })
export class ActivityFilter {
  @Field(() => [ActivityType], { nullable: true, description: 'Only these kinds of events.' })
  kinds?: ActivityType[] | null;

  @Field(() => [Scheme], { nullable: true, description: 'Only events about projects of these schemes.' })
  schemes?: Scheme[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only events about projects of these programmes.' })
  programmes?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only events about projects these organisations take part in.' })
  organisations?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only events about these projects.' })
  projects?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Only events about projects located in these postal areas (5-digit codes).' })
  postalCodes?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Only events that concern both a Kake and a Leader project (overlaps across the divide).' })
  crossDivideOnly?: boolean | null;
}

export const ActivityConnection = ConnectionType(ActivityEvent, 'Activity', 'activity events, oldest first');
