import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { setSessionViewer, type SessionViewer } from './session';

type PgCallback = (error: Error | null, result: unknown) => void;
interface PgConnection {
  query: (...args: unknown[]) => unknown;
}

/**
 * DataLoader batches of sibling fields are sent at the same moment, and the request's transaction has
 * one connection: node-postgres would queue the second query on the busy connection, which it
 * deprecates (removed in pg 9). Here the connection sends them one after another, in the order they
 * were asked for, until the transaction ends and the connection goes back to the pool as it was.
 * knex calls `query(config, callback)`; any other form goes straight through.
 */
function oneStatementAtATime(connection: PgConnection): () => void {
  const own = Object.hasOwn(connection, 'query');
  const send = connection.query;
  let previous: Promise<void> = Promise.resolve();
  let active = true;
  const serialised = function (this: PgConnection, ...args: unknown[]): unknown {
    const callback = args.at(-1);
    if (!active || args.length !== 2 || typeof callback !== 'function') return send.apply(this, args);
    previous = previous.then(
      () =>
        new Promise<void>((done) => {
          send.call(this, args[0], (error: Error | null, result: unknown) => {
            done();
            (callback as PgCallback)(error, result);
          });
        }),
    );
    return undefined;
  };
  connection.query = serialised;
  return () => {
    // The pool may already have lent the connection to the next request, which wraps it in turn: then
    // this wrapper stays underneath, inactive (it passes every call straight through).
    active = false;
    if (connection.query !== serialised) return;
    if (own) connection.query = send;
    else delete (connection as Partial<PgConnection>).query;
  };
}

/**
 * One transaction per GraphQL request, on one connection: row-level security sees the viewer, every
 * read of the request sees one consistent picture of committed data, and mutations (savepoints
 * inside it) are committed only when the answer is about to go out. An answer that says the request
 * failed (the timeout's 503) rolls everything back, so a client that retries creates no duplicate.
 */
export class RequestTransaction {
  private state: 'open' | 'committing' | 'done' = 'open';
  private abandoned = false;

  private constructor(
    private readonly em: EntityManager,
    /** Gives the connection back its own `query` once the transaction has ended. */
    private readonly restoreConnection: () => void,
    /** The committed data's version, read first in the transaction, when asked for. */
    readonly dataVersion: bigint | undefined,
  ) {}

  static async begin(em: EntityManager, viewer: SessionViewer, statementTimeoutMs: number, readDataVersion = false): Promise<RequestTransaction> {
    await em.begin();
    const transaction = em.getTransactionContext<Knex.Transaction>()!;
    // knex gives each transaction a client whose acquireConnection() is the transaction's connection.
    const connection = (await (transaction.client as { acquireConnection(): Promise<PgConnection> }).acquireConnection()) as PgConnection;
    const restore = oneStatementAtATime(connection);
    let dataVersion: bigint | undefined;
    try {
      dataVersion = await setSessionViewer(em, viewer, statementTimeoutMs, readDataVersion);
    } catch (error) {
      await em.rollback();
      restore();
      throw error;
    }
    return new RequestTransaction(em, restore, dataVersion);
  }

  /**
   * Marks the request as failed before its work is committed; false when the commit has already
   * started (the real answer is moments away and must be the one sent).
   */
  abandon(): boolean {
    if (this.state !== 'open') return this.abandoned;
    this.abandoned = true;
    return true;
  }

  get isAbandoned(): boolean {
    return this.abandoned;
  }

  /** Commits, or rolls back when the request was abandoned; later calls do nothing. */
  async finish(): Promise<void> {
    if (this.state !== 'open') return;
    if (this.abandoned) return this.rollback();
    this.state = 'committing';
    try {
      // Not em.commit(): that would flush the request's EntityManager, and reads have nothing to write.
      // eslint-disable-next-line no-restricted-properties -- committing is the one use of the connection itself
      await this.em.getConnection().commit(this.detach());
    } finally {
      this.state = 'done';
      this.restoreConnection();
    }
  }

  /** Ends the transaction without keeping anything (a request that never reached its answer). */
  async rollback(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'done';
    try {
      // eslint-disable-next-line no-restricted-properties -- as in finish()
      await this.em.getConnection().rollback(this.detach());
    } finally {
      this.restoreConnection();
    }
  }

  /**
   * Unbinds the transaction from the EntityManager before it ends. graphql-js may leave resolvers of
   * a field that failed running after the answer is complete; their late reads then go to the pool,
   * where row-level security treats them as anonymous, instead of into a transaction being closed.
   */
  private detach(): Knex.Transaction {
    const transaction = this.em.getTransactionContext<Knex.Transaction>()!;
    this.em.resetTransactionContext();
    return transaction;
  }
}
