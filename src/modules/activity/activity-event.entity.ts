import { Entity, Enum, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { ProjectStatus } from '../project/project.enums';
import { ActivityType } from './activity.enums';

/**
 * One entry of the activity log: appended by triggers in the transaction of the change it records,
 * whoever wrote it (see the migration `activity_log`). Its place in the log is (xid, id): the
 * writing transaction's ID, then the row's. Readers only read below the oldest transaction still
 * running (pg_snapshot_xmin), so an event can never appear behind a cursor that has passed it
 * (docs/activity.md has the argument). Row-level security shows an event exactly to those who see
 * what it is about.
 */
@Entity({ tableName: 'activity_event' })
@Index({ name: 'activity_event_position_idx', expression: 'create index "activity_event_position_idx" on "activity_event" ("xid", "id")' })
export class ActivityEventRecord {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** The writing transaction (xid8), assigned by the database. */
  @Property({ columnType: 'xid8', type: 'string', defaultRaw: 'pg_current_xact_id()' })
  xid: string & Opt = '';

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'clock_timestamp()' })
  occurredAt: Date & Opt = new Date();

  @Enum({ items: () => ActivityType, nativeEnumName: 'activity_type' })
  type!: ActivityType;

  /** The record the event is about: its type name and key, as in global IDs. */
  @Property({ type: 'string', length: 40 })
  entityType!: string;

  @Property({ type: 'string', length: 60 })
  entityId!: string;

  /** The project it is about (visibility follows the project's), when there is one. */
  @Index()
  @Property({ type: 'integer', nullable: true })
  projectId?: number | null;

  /** The project's status when the event was written: a deleted project's events are shown by it. */
  @Enum({ items: () => ProjectStatus, nativeEnumName: 'project_status', nullable: true })
  projectStatus?: ProjectStatus | null;

  /** For overlap events: the pair (visibility follows the finding's). */
  @Property({ type: 'integer', nullable: true })
  overlapA?: number | null;

  @Property({ type: 'integer', nullable: true })
  overlapB?: number | null;

  /** For post events: the post (visibility follows the post's). */
  @Property({ type: 'integer', nullable: true })
  postId?: number | null;

  /** What the event touches, for filters: projects, organisations, programmes, schemes, postal codes. */
  @Property({ columnType: 'int[]', type: 'unknown', defaultRaw: "'{}'" })
  projectIds: number[] & Opt = [];

  @Property({ columnType: 'int[]', type: 'unknown', defaultRaw: "'{}'" })
  organisationIds: number[] & Opt = [];

  @Property({ columnType: 'int[]', type: 'unknown', defaultRaw: "'{}'" })
  programmeIds: number[] & Opt = [];

  @Property({ columnType: 'text[]', type: 'unknown', defaultRaw: "'{}'" })
  schemes: string[] & Opt = [];

  @Property({ columnType: 'text[]', type: 'unknown', defaultRaw: "'{}'" })
  postalCodes: string[] & Opt = [];

  /** True when it concerns both a Kake and a Leader project (an overlap across the divide). */
  @Property({ type: 'boolean', default: false })
  crossDivide: boolean & Opt = false;

  /** A compact description: codes, titles, old and new values; never internal notes. */
  @Property({ type: 'json' })
  payload!: Record<string, unknown>;
}
