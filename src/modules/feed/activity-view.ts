/**
 * How an activity event reads outside GraphQL: a one-line title for feeds, and the JSON body a
 * webhook receives. Pure, from the stored row; the payload is already compact and public-safe for
 * whoever may read the event (the log never carries internal notes).
 */
import { ActivityType } from '../activity/activity.enums';
import { encodePosition, positionOf, type ActivityRow } from '../activity/activity.log';
import { toGlobalId } from '../../shared/relay/global-id';

type Payload = Record<string, unknown>;

function text(value: unknown): string {
  if (value == null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function project(payload: Payload): string {
  return [text(payload.code), text(payload.title)].filter(Boolean).join(' ');
}

function codes(payload: Payload): string {
  return Array.isArray(payload.codes) ? payload.codes.map(text).join(' and ') : '';
}

/** A one-line title, in English, with the codes and names people recognise. */
export function eventTitle(row: Pick<ActivityRow, 'type' | 'payload'>): string {
  const p = row.payload ?? {};
  switch (row.type) {
    case ActivityType.PROJECT_CREATED:
      return `Project created: ${project(p)}`;
    case ActivityType.PROJECT_UPDATED:
      return `Project updated: ${project(p)}${Array.isArray(p.fields) ? ` (${p.fields.map(text).join(', ')})` : ''}`;
    case ActivityType.PROJECT_STATUS_CHANGED:
      return `Project ${text(p.code)} moved from ${text(p.from)} to ${text(p.to)}: ${text(p.title)}`;
    case ActivityType.PROJECT_DELETED:
      return `Project deleted: ${project(p)}`;
    case ActivityType.PARTICIPANT_ADDED:
      return `${text(p.organisation)} joined ${text(p.code)} as ${text(p.role)}: ${text(p.title)}`;
    case ActivityType.PARTICIPANT_REMOVED:
      return `${text(p.organisation)} left ${text(p.code)}: ${text(p.title)}`;
    case ActivityType.FUNDING_DECIDED:
      return `Funding decided for ${text(p.code)}: ${text(p.source)} ${text(p.granted)} €`;
    case ActivityType.OVERLAP_FOUND:
      return `Overlap found (${text(p.kind)}): ${codes(p)}`;
    case ActivityType.OVERLAP_REVIEWED:
      return `Overlap reviewed as ${text(p.status)}: ${codes(p)}`;
    case ActivityType.POST_PUBLISHED:
      return `Post published: ${text(p.title)}`;
    case ActivityType.POST_UPDATED:
      return `Post updated: ${text(p.title)}`;
    case ActivityType.POST_WITHDRAWN:
      return `Post withdrawn: ${text(p.title)}`;
    default:
      return String(row.type);
  }
}

/** The global ID of what the event is about, when it still exists as something `node(id:)` can fetch. */
export function subjectId(row: Pick<ActivityRow, 'type' | 'entity_type' | 'entity_id' | 'project_id'>): string | null {
  if (row.type === ActivityType.PROJECT_DELETED) return null;
  if (row.entity_type === 'Overlap' || row.entity_type === 'OverlapReview') return toGlobalId(row.entity_type, row.entity_id);
  if (row.project_id != null) return toGlobalId('Project', row.project_id);
  return /^\d+$/.test(row.entity_id) ? toGlobalId(row.entity_type, row.entity_id) : null;
}

/** What a webhook receives for one event (and what a feed entry's content holds). */
export interface ActivityEventJson {
  /** The event's own ID in the log: the same event always has the same ID (receivers deduplicate by it). */
  id: string;
  /** Its cursor, as `activity(after:)` takes it. */
  position: string;
  type: ActivityType;
  occurredAt: string;
  title: string;
  /** What it is about: the record's type and global ID (the project for participants and funding lines). */
  entity: { type: string; id: string | null };
  projects: string[];
  organisations: string[];
  programmes: string[];
  schemes: string[];
  postalCodes: string[];
  crossDivide: boolean;
  payload: Record<string, unknown>;
}

export function eventJson(row: ActivityRow): ActivityEventJson {
  return {
    id: row.id,
    position: encodePosition(positionOf(row)),
    type: row.type,
    occurredAt: new Date(row.occurred_at).toISOString(),
    title: eventTitle(row),
    entity: { type: row.entity_type, id: subjectId(row) },
    projects: row.project_ids.map((id) => toGlobalId('Project', id)),
    organisations: row.organisation_ids.map((id) => toGlobalId('Organisation', id)),
    programmes: row.programme_ids.map((id) => toGlobalId('Programme', id)),
    schemes: row.schemes,
    postalCodes: row.postal_codes,
    crossDivide: row.cross_divide,
    payload: row.payload,
  };
}
