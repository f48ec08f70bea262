import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { setSessionViewer, type SessionViewer } from './session';

/**
 * One transaction per GraphQL request, on one connection: row-level security sees the viewer, every
 * read of the request sees one consistent picture of committed data, and mutations (savepoints
 * inside it) are committed only when the answer is about to go out. An answer that says the request
 * failed (the timeout's 503) rolls everything back, so a client that retries creates no duplicate.
 */
export class RequestTransaction {
  private state: 'open' | 'committing' | 'done' = 'open';
  private abandoned = false;

  private constructor(private readonly em: EntityManager) {}

  static async begin(em: EntityManager, viewer: SessionViewer, statementTimeoutMs: number): Promise<RequestTransaction> {
    await em.begin();
    try {
      await setSessionViewer(em, viewer, statementTimeoutMs);
    } catch (error) {
      await em.rollback();
      throw error;
    }
    return new RequestTransaction(em);
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
    }
  }

  /** Ends the transaction without keeping anything (a request that never reached its answer). */
  async rollback(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'done';
    // eslint-disable-next-line no-restricted-properties -- as in finish()
    await this.em.getConnection().rollback(this.detach());
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
