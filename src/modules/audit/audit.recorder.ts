import { ChangeSetType, Reference, wrap, type AnyEntity, type ChangeSet } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditAction, AuditEvent } from './audit-event.entity';

/** Who did it and how, for every audit row of one mutation. */
export interface AuditActor {
  accountId: number | null;
  accountName: string | null;
  tokenId: number | null;
  organisationId: number | null;
  operation: string;
  /** Ours, never the client's. */
  requestId: string;
  /** The client's `x-request-id`, if any. */
  clientRequestId: string | null;
}

const NOT_AUDITED = new Set(['AuditEvent', 'IdempotencyRecord']);
// Timestamps are in the event itself; secrets' hashes are never copied into the trail; a search document is derived.
const NOISE = new Set(['updatedAt', 'createdAt', 'tokenHash', 'signingSecret', 'leaseToken', 'searchDocument']);

interface PendingChange {
  entity: AnyEntity;
  name: string;
  type: ChangeSetType;
  payload: Record<string, unknown>;
  original: Record<string, unknown>;
}

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    // A reference to another entity: keep its key.
    try {
      return wrap(value as AnyEntity, true).getSerializedPrimaryKey();
    } catch {
      return value;
    }
  }
  return value;
}

function isDelete(type: ChangeSetType): boolean {
  return type === ChangeSetType.DELETE || type === ChangeSetType.DELETE_EARLY;
}

/**
 * A removed row's values as last loaded from the database. MikroORM gives DELETE change sets no
 * original data, and without it a removal would be audited with no "before" values at all.
 */
function lastLoaded(em: EntityManager, entity: AnyEntity): Record<string, unknown> {
  return (wrap(entity, true).__originalEntityData ?? em.getComparator().prepareEntity(entity)) as Record<string, unknown>;
}

function diff(change: PendingChange): Record<string, { before: unknown; after: unknown }> {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  const keys = isDelete(change.type) ? Object.keys(change.original) : Object.keys(change.payload);
  for (const key of keys) {
    if (NOISE.has(key)) continue;
    const before = change.type === ChangeSetType.CREATE ? null : plain(change.original[key] ?? null);
    const after = isDelete(change.type) ? null : plain(change.payload[key] ?? null);
    if (JSON.stringify(before) !== JSON.stringify(after)) changes[key] = { before, after };
  }
  return changes;
}

/**
 * The key of the record of type `type` that a change belongs to: the record itself, or the one its
 * `property` refers to (a contact person's organisation, a participation's project).
 */
function ownerOf(change: PendingChange, type: string, property: string): number | null {
  if (change.name === type) return Number(wrap(change.entity, true).getPrimaryKey());
  const owner = (change.entity as Record<string, unknown>)[property];
  if (!owner || typeof owner !== 'object') return null;
  try {
    return Number(wrap(owner as AnyEntity, true).getPrimaryKey());
  } catch {
    return null;
  }
}

/** The project of the record a row belongs to (a post's theme and area rows: the post's project), if any. */
function projectOfOwner(change: PendingChange, property: string): number | null {
  const owner = (change.entity as Record<string, unknown>)[property];
  if (!owner || typeof owner !== 'object') return null;
  const entity = Reference.unwrapReference(owner as AnyEntity) as Record<string, unknown>;
  const project = entity.project;
  if (!project || typeof project !== 'object') return null;
  try {
    return Number(wrap(project as AnyEntity, true).getPrimaryKey());
  } catch {
    return null;
  }
}

/**
 * Flushes the transaction's changes and records each changed row (field-level before/after) in
 * the audit trail, in the same transaction. Field names are the API's property names.
 */
export async function flushWithAudit(em: EntityManager, actor: AuditActor): Promise<number> {
  const uow = em.getUnitOfWork();
  uow.computeChangeSets();
  const pending: PendingChange[] = uow
    .getChangeSets()
    .filter((set: ChangeSet<AnyEntity>) => !NOT_AUDITED.has(set.name))
    .map((set: ChangeSet<AnyEntity>) => ({
      entity: set.entity,
      name: set.name,
      type: set.type,
      payload: { ...(set.payload as Record<string, unknown>) },
      original: { ...((set.originalEntity ?? (isDelete(set.type) ? lastLoaded(em, set.entity) : {})) as Record<string, unknown>) },
    }));
  await em.flush();
  const rows = pending
    .map((change) => ({ change, changes: diff(change) }))
    .filter(({ change, changes }) => change.type !== ChangeSetType.UPDATE || Object.keys(changes).length > 0)
    .map(({ change, changes }) =>
      em.create(AuditEvent, {
        accountId: actor.accountId ?? undefined,
        accountName: actor.accountName ?? undefined,
        tokenId: actor.tokenId ?? undefined,
        organisationId: actor.organisationId ?? ownerOf(change, 'Organisation', 'organisation') ?? undefined,
        // Row-level security shows an event exactly to those who see its project. A record about a
        // pair of projects (an overlap review) is filed under its first: hidden with it, and its
        // fields are redacted for those who may not read it (sensitive-fields.ts).
        projectId: ownerOf(change, 'Project', 'project') ?? ownerOf(change, 'Project', 'projectA') ?? projectOfOwner(change, 'post') ?? undefined,
        operation: actor.operation,
        requestId: actor.requestId,
        clientRequestId: actor.clientRequestId ?? undefined,
        entityType: change.name,
        entityId: wrap(change.entity, true).getSerializedPrimaryKey(),
        action: change.type === ChangeSetType.CREATE ? AuditAction.CREATE : isDelete(change.type) ? AuditAction.DELETE : AuditAction.UPDATE,
        changes,
      }),
    );
  if (rows.length > 0) await em.flush();
  return rows.length;
}
