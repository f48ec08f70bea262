import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { assertUnprivileged, provisionAppRole } from './app-role';
import { EmbeddedPostgres } from './embedded-postgres';
import { ensureDatabase, withDatabaseName } from './database-url';
import { ormConfig } from './orm-config';

/** A running database: the owner's ORM, the URL it uses, and how to stop both. */
export interface Database {
  /** Connected as the owner: migrations, reference data, seeding, the CLI. Bypasses row-level security. */
  orm: MikroORM;
  url: string;
  embedded: boolean;
  /**
   * Connects as the unprivileged role that serves requests (provisioned when needed, after
   * migrations have run); closed with the database.
   */
  openServingOrm(): Promise<MikroORM>;
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
    let serving: MikroORM | undefined;
    return {
      orm,
      url,
      embedded: server !== undefined,
      openServingOrm: async () => {
        const appUrl = await provisionAppRole(url!, config.databaseAppUrl, logger);
        await assertUnprivileged(appUrl);
        serving = await MikroORM.init(ormConfig({ clientUrl: appUrl, poolMax: config.dbPoolMax, logger, logSql: config.logSql }));
        return serving;
      },
      close: async () => {
        await serving?.close(true);
        await orm.close(true);
        await server?.stop();
      },
    };
  } catch (error) {
    await server?.stop();
    throw error;
  }
}
