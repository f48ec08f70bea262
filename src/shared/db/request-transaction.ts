import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { literal, preparedNames } from './one-round-trip';
import { DATA_VERSION_SQL, SESSION_VIEWER_SQL, sessionViewerParams, setSessionViewer, type SessionViewer } from './session';

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

/** A statement for `runAlone`: text with `$n` placeholders, their values, and its prepared statement's name. */
export interface LoneStatement {
  sql: string;
  bindings: readonly unknown[];
  name: string;
}

/**
 * One transaction per GraphQL request, on one connection: row-level security sees the viewer, every
 * read of the request sees one consistent picture of committed data, and mutations (savepoints
 * inside it) are committed only when the answer is about to go out. An answer that says the request
 * failed (the timeout's 503) rolls everything back, so a client that retries creates no duplicate.
 *
 * A request's transaction begins when the request first needs it (`deferred`): when execution
 * starts (`ensureBegun`, from the app's transaction plugin, before any resolver runs), or as the one
 * round trip of a compiled read (`runAlone`). A request refused before that (unparsable, invalid,
 * over budget) never opens one.
 */
export class RequestTransaction {
  private state: 'pending' | 'open' | 'committing' | 'done' = 'pending';
  private abandoned = false;
  private beginning?: Promise<void>;
  /** Gives the connection back its own `query` once the transaction has ended. */
  private restoreConnection: () => void = () => undefined;
  private version: bigint | undefined;

  private constructor(
    private readonly em: EntityManager,
    private readonly viewer: SessionViewer,
    private readonly statementTimeoutMs: number,
    private readonly readDataVersion: boolean,
  ) {}

  /** A transaction begun now (feeds, subscriptions' reads). */
  static async begin(em: EntityManager, viewer: SessionViewer, statementTimeoutMs: number, readDataVersion = false): Promise<RequestTransaction> {
    const transaction = new RequestTransaction(em, viewer, statementTimeoutMs, readDataVersion);
    await transaction.ensureBegun();
    return transaction;
  }

  /** A transaction that begins when the request first needs it. */
  static deferred(em: EntityManager, viewer: SessionViewer, statementTimeoutMs: number, readDataVersion = false): RequestTransaction {
    return new RequestTransaction(em, viewer, statementTimeoutMs, readDataVersion);
  }

  /** The committed data's version, read first in the transaction, when asked for (once it has begun). */
  get dataVersion(): bigint | undefined {
    return this.version;
  }

  /** Who the transaction reads as, as text: what row-level security sees (a key for work that depends on it). */
  get viewerKey(): string {
    return sessionViewerParams(this.viewer).join('|');
  }

  /** Not begun yet: nothing of the request has touched the database in its transaction. */
  get isPending(): boolean {
    return this.state === 'pending';
  }

  /** Begins the transaction on the EntityManager (BEGIN, then the viewer's settings) unless it has begun. */
  ensureBegun(): Promise<void> {
    if (this.state === 'pending') {
      this.state = 'open';
      this.beginning = this.open();
    }
    return this.beginning ?? Promise.reject(new Error('the request transaction has ended'));
  }

  private async open(): Promise<void> {
    await this.em.begin();
    const transaction = this.em.getTransactionContext<Knex.Transaction>()!;
    // knex gives each transaction a client whose acquireConnection() is the transaction's connection.
    const connection = (await (transaction.client as { acquireConnection(): Promise<PgConnection> }).acquireConnection()) as PgConnection;
    this.restoreConnection = oneStatementAtATime(connection);
    try {
      this.version = await setSessionViewer(this.em, this.viewer, this.statementTimeoutMs, this.readDataVersion);
    } catch (error) {
      this.state = 'done';
      await this.em.rollback();
      this.restoreConnection();
      throw error;
    }
  }

  /**
   * The whole transaction of a request that needs one statement: begin, the viewer's settings (and
   * the data version), the statement as a prepared statement, commit, in one message on a pooled
   * connection (see one-round-trip.ts); returns the statement's first row. Throws NotInlinable, before
   * anything is sent, for values it cannot write as literals: then `ensureBegun` and run it as usual.
   * Only for statements that write nothing: an abandoned request's read commits all the same.
   */
  async runAlone(statement: LoneStatement): Promise<Record<string, unknown> | undefined> {
    if (this.state !== 'pending') throw new Error('runAlone needs a transaction that has not begun');
    // The name is written into the message as an identifier.
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(statement.name)) throw new Error(`not a statement name: ${statement.name}`);
    // The pool itself: this message is the whole transaction, on a connection of its own.
    // eslint-disable-next-line no-restricted-properties -- see above
    const knex = this.em.getKnex();
    const args = statement.bindings.map(literal).join(', ');
    const params = sessionViewerParams(this.viewer, this.statementTimeoutMs);
    const session = SESSION_VIEWER_SQL.replace(/\$(\d)/g, (_, n: string) => literal(params[Number(n) - 1]));
    this.state = 'committing';
    const client = knex.client as { acquireConnection(): Promise<PgConnection>; releaseConnection(connection: PgConnection): Promise<void>; emit(event: string, data: unknown): void };
    const connection = await client.acquireConnection();
    try {
      const prepared = preparedNames(connection);
      if (!prepared.has(statement.name)) {
        // Once per connection and statement, outside any transaction (a prepared statement outlives it).
        await promisified(connection, `prepare ${statement.name} as ${statement.sql}`);
        prepared.add(statement.name);
      }
      const text = [
        'begin',
        session + (this.readDataVersion ? `, ${DATA_VERSION_SQL} as data_version` : ''),
        `execute ${statement.name}${args ? `(${args})` : ''}`,
        'commit',
      ].join(';\n');
      const results = (await promisified(connection, text)) as { rows: Record<string, unknown>[] }[];
      const [, settings, executed] = results;
      if (this.readDataVersion) this.version = BigInt(settings.rows[0].data_version as string);
      // Tests and the benchmark count statements from knex's query events, as for every other statement.
      client.emit('query', { sql: statement.sql, bindings: statement.bindings });
      return executed.rows[0];
    } catch (error) {
      // An error leaves the message's transaction aborted; the connection goes back clean.
      await promisified(connection, 'rollback').catch(() => undefined);
      throw error;
    } finally {
      // Ended: should the resolvers answer after all (a null the schema forbids), they begin a new one.
      this.state = 'pending';
      await client.releaseConnection(connection);
    }
  }

  /**
   * Marks the request as failed before its work is committed; false when the commit has already
   * started (the real answer is moments away and must be the one sent).
   */
  abandon(): boolean {
    if (this.state === 'committing' || this.state === 'done') return this.abandoned;
    this.abandoned = true;
    return true;
  }

  get isAbandoned(): boolean {
    return this.abandoned;
  }

  /** Commits, or rolls back when the request was abandoned; later calls do nothing. */
  async finish(): Promise<void> {
    await this.beginning?.catch(() => undefined);
    if (this.state === 'pending') {
      this.state = 'done';
      return;
    }
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
    await this.beginning?.catch(() => undefined);
    if (this.state === 'pending') {
      this.state = 'done';
      return;
    }
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

function promisified(connection: PgConnection, text: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.query(text, (error: Error | null, result: unknown) => (error ? reject(error) : resolve(result)));
  });
}
