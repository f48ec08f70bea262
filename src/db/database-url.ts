import { Client } from 'pg';
import type { Logger } from 'pino';

/** Helpers on connection URLs; kept free of ORM imports so that jest's global setup can use them. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates a database on the server when missing (the embedded cluster starts with only `postgres`). */
export async function ensureDatabase(serverUrl: string, database: string, logger: Logger): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`create database "${database.replace(/"/g, '""')}" encoding 'UTF8' template template0`);
      logger.info({ database }, 'created database');
    }
  } finally {
    await client.end();
  }
}
