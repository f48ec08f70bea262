import type { EntityManager, Knex } from '@mikro-orm/postgresql';

/**
 * The request's database session. Every request runs in one transaction on one connection, and
 * row-level security reads the viewer from transaction-local settings (set_config(…, true)), so a
 * query that somehow ran outside the transaction would see what an anonymous reader sees, never
 * more. Read paths must therefore send SQL through the EntityManager's transaction: use `knexOf()`
 * and `em.execute()`, not `em.getKnex()` or `em.getConnection()` (eslint enforces it in modules).
 */

/** What row-level security needs to know about the viewer; plain data, set once per transaction. */
export interface SessionViewer {
  organisationIds: readonly number[];
  coordinatedProgrammeIds: readonly number[];
  /** Organisations whose membership has been verified (posts for PARTNERS need one); none when left out. */
  verifiedOrganisationIds?: readonly number[];
  /** Analysts and admins see draft and rejected projects everywhere. */
  seesAllProjects: boolean;
  /** The account (null: anonymous): records that belong to an account, such as webhooks, are its own. */
  accountId?: number | null;
  /** Admins see every account's records (webhooks). */
  admin?: boolean;
}

/**
 * The settings row-level security reads, as one statement with $1…$7 parameters, for code that talks
 * to PostgreSQL without the EntityManager (the webhook worker reads as a hook's account with it).
 * Also `plan_cache_mode`: the compiled reads are prepared statements whose plans do not depend on
 * their parameters' values much (keys, codes, page sizes), and planning them under row-level
 * security costs about as much as running them; PostgreSQL's default would plan each of the first
 * five executions per connection, and keep planning when row-level security makes its estimates vary.
 * And `jit` off: a generic plan's estimates are pessimistic (a compiled page of 50 projects is costed at
 * millions), which made a PostgreSQL built with LLVM compile every request's statement to machine code
 * again: 0.8–1.3 s for a statement that runs in 4 ms (PostgreSQL 15 with llvmjit, the Debian default).
 * The embedded server has no LLVM, which is why the portal benchmark did not show it.
 */
export const SESSION_VIEWER_SQL = `select set_config('silta.organisations', $1, true), set_config('silta.programmes', $2, true),
  set_config('silta.sees_all', $3, true), set_config('silta.writing', 'off', true), set_config('statement_timeout', $4, true),
  set_config('silta.account', $5, true), set_config('silta.admin', $6, true), set_config('silta.verified_organisations', $7, true), set_config('plan_cache_mode', 'force_generic_plan', true),
  set_config('jit', 'off', true)`;

/** The committed data's version (the response cache's), as text. */
export const DATA_VERSION_SQL = '(select sum(n) from data_version)::text';

/** The parameters of SESSION_VIEWER_SQL. */
export function sessionViewerParams(viewer: SessionViewer, statementTimeoutMs = 0): string[] {
  return [
    intArray(viewer.organisationIds),
    intArray(viewer.coordinatedProgrammeIds),
    viewer.seesAllProjects ? 'on' : 'off',
    String(Math.max(0, Math.trunc(statementTimeoutMs))),
    viewer.accountId == null ? '' : String(Math.trunc(viewer.accountId)),
    viewer.admin ? 'on' : 'off',
    intArray(viewer.verifiedOrganisationIds ?? []),
  ];
}

function intArray(values: readonly number[]): string {
  return `{${values.map((value) => Math.trunc(value)).join(',')}}`;
}

/** A query builder bound to the EntityManager's transaction (the pool only when there is none). */
export function knexOf(em: EntityManager): Knex {
  return (em.getTransactionContext<Knex.Transaction>() ?? em.getKnex()) as Knex;
}

/**
 * Sets the viewer for the rest of the current transaction, and bounds each statement's time (0: no
 * bound) so that a request the timeout gave up on does not keep the database busy: one statement.
 * With `readDataVersion`, the same statement reads the committed data's version (the response
 * cache's, see `data_version`) before the request reads any data, and returns it.
 */
export async function setSessionViewer(em: EntityManager, viewer: SessionViewer, statementTimeoutMs = 0, readDataVersion = false): Promise<bigint | undefined> {
  const sql = SESSION_VIEWER_SQL + (readDataVersion ? `, ${DATA_VERSION_SQL} as data_version` : '');
  // The same text on every request: a named prepared statement, parsed once per pooled connection.
  const result = (await knexOf(em)
    .raw(sql.replace(/\$\d/g, '?'), sessionViewerParams(viewer, statementTimeoutMs))
    .options({ name: readDataVersion ? 'silta_session_viewer_versioned' : 'silta_session_viewer' })) as { rows: { data_version?: string }[] };
  const [row] = result.rows;
  return readDataVersion ? BigInt(row.data_version!) : undefined;
}

/**
 * Opens or closes a mutation's write window: row-level security lets a transaction write (and see
 * what it writes) only while a mutation body, which checks its permissions itself, is running.
 */
export async function setWriting(em: EntityManager, writing: boolean): Promise<void> {
  await em.execute(`select set_config('silta.writing', ?, true)`, [writing ? 'on' : 'off']);
}

/**
 * Transaction and session control the request transaction adds around the app's own statements
 * (BEGIN, the set_config that sets the viewer, savepoints, COMMIT): left out when tests and the
 * benchmark count statements per request.
 */
export function isSessionControl(sql: string): boolean {
  return /^\s*(set\s|begin|commit|rollback|savepoint|release savepoint|select set_config\()/i.test(sql);
}
