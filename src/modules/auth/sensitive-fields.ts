import { canReadOverlapReviews } from './permissions';
import { canSeeContactDetails, canSeeOrganisationNotes, canSeeProjectNotes, isAdmin, type Viewer } from './viewer';

/** What a rule may need to know about the record a field belongs to. */
export interface FieldScope {
  organisationId?: number | null;
  programmeId?: number | null;
  /** The programmes of the projects a record is about (an overlap review: both projects'). */
  programmeIds?: readonly number[];
}

/**
 * An overlap review's verdict, note, reviewer and pair: only those who may read the review itself
 * (the same rule as row-level security's `overlap_review_select`). Others who read the audit log
 * learn only that some review was made.
 */
const OVERLAP_REVIEW_FIELDS = ['status', 'note', 'reviewer', 'projectA', 'projectB'].map((field) => ({
  entityType: 'OverlapReview',
  field,
  visibleTo: (viewer: Viewer, scope: FieldScope) => canReadOverlapReviews(viewer, scope.programmeIds ?? []),
}));

interface SensitiveField {
  entityType: string;
  field: string;
  visibleTo(viewer: Viewer, scope: FieldScope): boolean;
}

/**
 * Fields that only some viewers may read, as data: the GraphQL fields and the audit trail's
 * before/after values both ask `canSeeField`, so a change to a rule reaches every road at once.
 */
export const SENSITIVE_FIELDS: readonly SensitiveField[] = [
  { entityType: 'Organisation', field: 'internalNotes', visibleTo: (viewer) => canSeeOrganisationNotes(viewer) },
  {
    entityType: 'Project',
    field: 'internalNotes',
    visibleTo: (viewer, scope) => scope.programmeId != null && canSeeProjectNotes(viewer, scope.programmeId),
  },
  { entityType: 'ContactPerson', field: 'email', visibleTo: (viewer, scope) => canSeeContactDetails(viewer, scope.organisationId ?? null) },
  { entityType: 'ContactPerson', field: 'phone', visibleTo: (viewer, scope) => canSeeContactDetails(viewer, scope.organisationId ?? null) },
  ...OVERLAP_REVIEW_FIELDS,
  // A webhook's URL may itself be a credential (many receivers put a token in the path): in the
  // audit trail only admins read it, as row-level security lets only them and the owner read the hook.
  ...['url', 'description', 'filter'].map((field) => ({ entityType: 'Webhook', field, visibleTo: (viewer: Viewer) => isAdmin(viewer) })),
];

const BY_KEY = new Map(SENSITIVE_FIELDS.map((rule) => [`${rule.entityType}.${rule.field}`, rule]));

/** Whether the viewer may read `field` of a record of `entityType` (true for fields no rule names). */
export function canSeeField(viewer: Viewer, entityType: string, field: string, scope: FieldScope): boolean {
  const rule = BY_KEY.get(`${entityType}.${field}`);
  return rule ? rule.visibleTo(viewer, scope) : true;
}

/** Whether any field of this type is sensitive (callers skip the scope look-up otherwise). */
export function hasSensitiveFields(entityType: string): boolean {
  return SENSITIVE_FIELDS.some((rule) => rule.entityType === entityType);
}

/** A `{ field: { before, after } }` change set without the fields the viewer may not read. */
export function redactChanges<T>(viewer: Viewer, entityType: string, changes: Record<string, T>, scope: FieldScope): Record<string, T> {
  return Object.fromEntries(Object.entries(changes).filter(([field]) => canSeeField(viewer, entityType, field, scope)));
}
