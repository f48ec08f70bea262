import { createHash } from 'node:crypto';
import { OptimisticLockError, UniqueConstraintViolationException, type EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../context';
import { flushWithAudit } from '../audit/audit.recorder';
import { Account } from '../auth/account.entity';
import { unauthenticated } from '../auth/authenticate';
import { IdempotencyRecord } from '../auth/idempotency-record.entity';
import { canWrite, isSignedIn } from '../auth/viewer';
import { setWriting } from '../../shared/db/session';
import { forbidden } from '../../shared/errors';
import { uniqueViolationField } from '../../shared/mutations/unique-fields';
import { UserErrorCode, UserErrorsException, userError, type UserError } from '../../shared/mutations/user-error';

/**
 * What a mutation body may know of the request: who asks. Not its loaders: the body's reads must go
 * through its own EntityManager (the savepoint), so nothing the body read lands in a request-wide cache.
 */
export type MutationContext = Pick<Context, 'viewer' | 'requestId' | 'logger'>;

/** What a mutation body gets: the savepoint's EntityManager and the request context. */
export interface MutationScope {
  em: EntityManager;
  ctx: MutationContext;
  /** The organisation the change is made for, recorded in the audit trail. */
  actingFor(organisationId: number | null): void;
  /** Flushes with audit rows; use it instead of `em.flush()` when the body needs generated keys. */
  flush(): Promise<void>;
}

export interface MutationOptions<T> {
  operation: string;
  /** For create mutations: repeat-safe within 24 h for the same account and input. */
  idempotencyKey?: string | null;
  input?: unknown;
  /** How to load the record a replayed idempotency key points at. */
  resultEntity?: EntityClass<T>;
  /** The input field to blame when a unique key over several columns clashes (one-column keys name their own). */
  conflictField?: string;
}

export interface MutationOutcome<T> {
  result: T | null;
  userErrors: UserError[];
}

const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key, item]) => key !== 'idempotencyKey' && item !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, canonical(item)]),
    );
  }
  return value;
}

export function inputHash(input: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(input))).digest('hex');
}

/** Mutations need a signed-in account with a token that may write; otherwise a top-level error. */
export function requireWriter(ctx: Context): void {
  if (!isSignedIn(ctx.viewer)) throw unauthenticated('Sign in to make changes (Authorization: Bearer <token>)');
  if (!canWrite(ctx.viewer)) throw forbidden('This token is read-only');
}

/**
 * One savepoint per mutation inside the request's transaction (committed when the answer goes out):
 * the body runs under row-level security as the viewer, every change is flushed with its audit rows
 * inside the write window (the only time the database accepts writes), and an idempotency record is
 * kept when a key was given. Expected failures (UserErrorsException, stale versions, unique keys)
 * roll the savepoint back and come back as `userErrors`; anything else is thrown.
 */
export async function runMutation<T extends object>(
  ctx: Context,
  options: MutationOptions<T>,
  body: (scope: MutationScope) => Promise<T>,
): Promise<MutationOutcome<T>> {
  requireWriter(ctx);
  // The timeout has answered "failed": nothing of this request will be committed, so do no more work.
  if (ctx.transaction.isAbandoned) throw new Error('The request was abandoned after its timeout');
  const accountId = ctx.viewer.accountId!;
  const hash = options.idempotencyKey ? inputHash(options.input) : '';
  try {
    return await ctx.em.fork({ keepTransactionContext: true }).transactional(async (em) => {
      const writing = async <R>(work: () => Promise<R>): Promise<R> => {
        await setWriting(em, true);
        const result = await work();
        await setWriting(em, false);
        return result;
      };
      if (options.idempotencyKey) {
        // Concurrent calls with one key queue here until the first commits, then replay its result.
        await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`silta:idempotency:${accountId}:${options.idempotencyKey}`]);
        const previous = await em.findOne(IdempotencyRecord, {
          account: accountId,
          key: options.idempotencyKey,
          createdAt: { $gt: new Date(Date.now() - IDEMPOTENCY_WINDOW_MS) },
        });
        if (previous) {
          if (previous.operation !== options.operation || previous.inputHash !== hash) {
            throw new UserErrorsException([
              userError(UserErrorCode.IDEMPOTENCY_KEY_REUSED, 'input.idempotencyKey', 'This idempotency key was already used for a different input'),
            ]);
          }
          const replayed = options.resultEntity ? await em.findOne(options.resultEntity, { id: Number(previous.resultId) } as never) : null;
          return { result: replayed as T | null, userErrors: [] };
        }
        // An expired record with the same key is replaced.
        // The runner's own bookkeeping, not a record anyone edits: no audit row.
        // eslint-disable-next-line no-restricted-properties
        await em.nativeDelete(IdempotencyRecord, { account: accountId, key: options.idempotencyKey });
      }
      const actor = {
        accountId,
        accountName: ctx.viewer.accountName,
        tokenId: ctx.viewer.tokenId,
        organisationId: null as number | null,
        operation: options.operation,
        requestId: ctx.requestId,
        clientRequestId: ctx.clientRequestId,
      };
      const flush = async (): Promise<void> => void (await writing(() => flushWithAudit(em, actor)));
      const scope = { viewer: ctx.viewer, requestId: ctx.requestId, logger: ctx.logger };
      const result = await body({ em, ctx: scope, actingFor: (id) => (actor.organisationId = id), flush });
      await flush();
      if (options.idempotencyKey) {
        em.create(IdempotencyRecord, {
          account: em.getReference(Account, accountId),
          key: options.idempotencyKey,
          operation: options.operation,
          inputHash: hash,
          resultType: result.constructor.name,
          resultId: String((result as { id?: unknown }).id ?? ''),
        });
        await writing(() => em.flush());
      }
      return { result, userErrors: [] };
    });
  } catch (error) {
    if (error instanceof UserErrorsException) return { result: null, userErrors: error.errors };
    if (error instanceof OptimisticLockError) {
      return { result: null, userErrors: [userError(UserErrorCode.VERSION_CONFLICT, 'input.expectedVersion', 'The record was changed by someone else; reload it and try again')] };
    }
    if (error instanceof UniqueConstraintViolationException) {
      // Which field, never which record: the holder may be hidden from the caller (docs/security.md).
      const field = uniqueViolationField(ctx.em, (error as { constraint?: unknown }).constraint, options.conflictField ?? null);
      return { result: null, userErrors: [userError(UserErrorCode.ALREADY_EXISTS, field, 'Another record already has this value')] };
    }
    throw error;
  }
}

/** Optimistic concurrency: a stale `expectedVersion` is a VERSION_CONFLICT before anything changes. */
export function checkVersion(current: number, expected: number | null | undefined): void {
  if (expected != null && expected !== current) {
    throw new UserErrorsException([
      userError(UserErrorCode.VERSION_CONFLICT, 'input.expectedVersion', `The record is at version ${current}, not ${expected}; reload it and try again`),
    ]);
  }
}
