import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Authenticator } from './modules/auth/authenticate';
import { isAdmin, seesAllProjects, type Viewer } from './modules/auth/viewer';
import { RequestTransaction } from './shared/db/request-transaction';
import { Loaders as LoaderRegistry } from './shared/loaders';

/**
 * The per-request loaders: a registry that the modules fill with their own definitions
 * (`<module>.loaders.ts`, `defineLoader`), created lazily so that a request pays only for what it uses.
 */
export type Loaders = LoaderRegistry<Viewer>;

/** Everything a resolver gets: who asks, one EntityManager fork and one loader set per request. */
export interface Context {
  /** Ours (a UUID), in logs, the audit trail and the `x-request-id` response header. */
  requestId: string;
  /** The caller's own well-formed `x-request-id`, if it sent one; recorded beside ours, never instead. */
  clientRequestId: string | null;
  logger: Logger;
  viewer: Viewer;
  em: EntityManager;
  loaders: Loaders;
  /** The request's transaction, with the viewer set for row-level security; ended by the app. */
  transaction: RequestTransaction;
}

export async function createContext(
  orm: MikroORM,
  authenticator: Authenticator,
  authorization: string | undefined,
  requestId: string,
  logger: Logger,
  statementTimeoutMs = 0,
  clientRequestId: string | null = null,
  /** Read the data version in the transaction's first statement (for the response cache). */
  readDataVersion = false,
): Promise<Context> {
  const em = orm.em.fork();
  const viewer = await authenticator.authenticate(em, authorization);
  // Begun when the request first needs it: execution (the app's transaction plugin) or a compiled read.
  const transaction = RequestTransaction.deferred(
    em,
    { ...viewer, seesAllProjects: seesAllProjects(viewer), admin: isAdmin(viewer) },
    statementTimeoutMs,
    readDataVersion,
  );
  return {
    requestId,
    clientRequestId,
    logger: viewer.accountId ? logger.child({ accountId: viewer.accountId }) : logger,
    viewer,
    em,
    loaders: new LoaderRegistry<Viewer>(em, viewer),
    transaction,
  };
}
