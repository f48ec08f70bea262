import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { EmbeddedPostgres } from './embedded-postgres';
import { ormConfig } from './orm-config';

/** A running database: the ORM, the URL it uses, and how to stop both. */
export interface Database {
  orm: MikroORM;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL in the data folder when it is unset. */
export async function openDatabase(config: Config, logger: Logger, urlOverride?: string): Promise<Database> {
  let server: EmbeddedPostgres | undefined;
  let url = urlOverride ?? config.databaseUrl;
  if (!url) {
    server = new EmbeddedPostgres({ dataDir: config.dataDir, logger });
    url = await server.start();
    await ensureDatabase(url, 'silta', logger);
    url = withDatabaseName(url, 'silta');
  }
  try {
    const orm = await MikroORM.init(
      ormConfig({ clientUrl: url, poolMax: config.dbPoolMax, logger, logSql: config.logSql }),
    );
    return {
      orm,
      url,
      embedded: server !== undefined,
      close: async () => {
        await orm.close(true);
        await server?.stop();
      },
    };
  } catch (error) {
    await server?.stop();
    throw error;
  }
}

export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates a database on the server when missing (the embedded cluster starts with only `postgres`). */
export async function ensureDatabase(serverUrl: string, database: string, logger: Logger): Promise<void> {
  const { Client } = await import('pg');
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
