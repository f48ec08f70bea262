import { createHmac, createHash } from 'node:crypto';
import { Client } from 'pg';
import type { Logger } from 'pino';

/**
 * Silta serves requests as a role of its own that owns nothing: it cannot switch off the audit
 * trail's append-only trigger, cannot alter a table, and is subject to row-level security (an owner
 * or superuser would bypass it). Migrations, reference data and the demo seed run as the owner.
 *
 * Without DATABASE_APP_URL the owner provisions the role `<database>_app` itself. Its password is
 * derived from the owner's URL (HMAC), so every instance sharing one database derives the same one
 * and none of them locks the others out; nothing secret is stored anywhere.
 */

/** Tables the app may read but not write: reference data loaded at start-up, the migration log, and the data version (its triggers bump it). */
const READ_ONLY_TABLES = ['mikro_orm_migrations', 'data_version', 'postal_area', 'municipality', 'reference_dataset', 'overlap', 'overlap_term', 'activity_event', 'activity_retention', 'webhook_delivery'];
/** The overlap engine's own state, and the shared cost budgets (reached only through the silta_budget_* functions). */
const NO_ACCESS_TABLES = ['overlap_dirty', 'overlap_state', 'rate_bucket'];
/** Append-only (audit_event: the trigger refuses the rest anyway, for every role; import_run: the record of what was imported). */
const INSERT_ONLY_TABLES = ['audit_event', 'import_run'];

export class AppRoleError extends Error {}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `<database>_app`, folded to a safe identifier of at most 63 bytes. */
export function appRoleName(database: string): string {
  const base = `${database.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_app`;
  if (base.length <= 63) return base;
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 10);
  return `${base.slice(0, 48)}_${hash}_app`;
}

/** Keyed by the owner's credentials, not its host or port, so instances reaching one server by other names agree. */
function derivedPassword(ownerUrl: string, role: string): string {
  const url = new URL(ownerUrl);
  const key = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return createHmac('sha256', key).update(`silta-app-role:${role}`).digest('base64url');
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Grants the serving role what it needs on every table, now and after later migrations. */
async function grant(client: Client, role: string, database: string): Promise<void> {
  const r = quoteIdent(role);
  await client.query(`grant connect on database ${quoteIdent(database)} to ${r}`);
  await client.query(`grant usage on schema public to ${r}`);
  await client.query(`grant select, insert, update, delete on all tables in schema public to ${r}`);
  await client.query(`grant usage, select on all sequences in schema public to ${r}`);
  const existing = await client.query<{ name: string }>(
    `select tablename as name from pg_tables where schemaname = 'public' and tablename = any($1)`,
    [[...READ_ONLY_TABLES, ...INSERT_ONLY_TABLES, ...NO_ACCESS_TABLES]],
  );
  for (const { name } of existing.rows) {
    const revoked = NO_ACCESS_TABLES.includes(name)
      ? 'all'
      : INSERT_ONLY_TABLES.includes(name) ? 'update, delete, truncate' : 'insert, update, delete, truncate';
    await client.query(`revoke ${revoked} on ${quoteIdent(name)} from ${r}`);
  }
}

/**
 * Makes sure the serving role exists with its privileges and returns the URL to serve with.
 * `appUrl` (DATABASE_APP_URL) names an operator-made role: it is granted privileges, not created.
 */
export async function provisionAppRole(ownerUrl: string, appUrl: string | undefined, logger: Logger): Promise<string> {
  return withClient(ownerUrl, async (client) => {
    const {
      rows: [{ database }],
    } = await client.query<{ database: string }>('select current_database() as database');
    const role = appUrl ? decodeURIComponent(new URL(appUrl).username) : appRoleName(database);
    // One instance at a time: concurrent GRANTs on one table can fail with "tuple concurrently updated".
    await client.query('begin');
    try {
      await client.query(`select pg_advisory_xact_lock(hashtext('silta:app-role'))`);
      if (!appUrl) {
        const password = derivedPassword(ownerUrl, role);
        const found = await client.query('select 1 from pg_roles where rolname = $1', [role]);
        const verb = found.rowCount === 0 ? 'create' : 'alter';
        const escaped = password.replace(/'/g, "''");
        await client.query(
          `${verb} role ${quoteIdent(role)} login nosuperuser nocreatedb nocreaterole nobypassrls noreplication password '${escaped}'`,
        );
        if (verb === 'create') logger.info({ role }, 'created the database role that serves requests');
      }
      await grant(client, role, database);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw new AppRoleError(
        `Could not prepare the database role "${role}" that serves requests (${(error as Error).message}). ` +
          'Connect DATABASE_URL as the database owner with CREATEROLE, or create a role yourself and set DATABASE_APP_URL.',
      );
    }
    if (appUrl) return appUrl;
    const url = new URL(ownerUrl);
    url.username = encodeURIComponent(role);
    url.password = encodeURIComponent(derivedPassword(ownerUrl, role));
    return url.toString();
  });
}

/** Refuses to serve as a role that could bypass row-level security or the audit trigger. */
export async function assertUnprivileged(appUrl: string): Promise<void> {
  await withClient(appUrl, async (client) => {
    const {
      rows: [role],
    } = await client.query<{ name: string; super: boolean; bypass: boolean; owns: number }>(
      `select r.rolname as name, r.rolsuper as super, r.rolbypassrls as bypass,
              (select count(*)::int from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace) as owns
       from pg_roles r where r.rolname = current_user`,
    );
    if (role.super || role.bypass || role.owns > 0) {
      throw new AppRoleError(
        `The role "${role.name}" must not serve requests: it is ${role.super ? 'a superuser' : role.bypass ? 'allowed to bypass row-level security' : 'the owner of tables'}. ` +
          'Give DATABASE_APP_URL a role that owns nothing (or leave it unset and Silta makes one).',
      );
    }
  });
}

/** Removes a provisioned role after its database was dropped (tests). */
export async function dropAppRole(serverUrl: string, database: string): Promise<void> {
  await withClient(serverUrl, (client) => client.query(`drop role if exists ${quoteIdent(appRoleName(database))}`));
}
