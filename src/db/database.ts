import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { EmbeddedPostgres } from './embedded-postgres';
import { ensureDatabase, withDatabaseName } from './database-url';
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
