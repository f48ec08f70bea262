import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { loadConfig } from '../config';
import { openDatabase, type Database } from '../db/database';
import { applyMigrations } from '../db/migrations';
import { createLogger } from '../shared/logger';

/** Opens the configured database (embedded or DATABASE_URL) quietly, runs fn, and always closes it. */
export async function withCliDatabase<T>(fn: (db: Database, logger: Logger) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'debug' || config.logLevel === 'trace' ? config.logLevel : 'warn');
  const db = await openDatabase(config, logger);
  try {
    return await fn(db, logger);
  } finally {
    await db.close();
  }
}

/**
 * The same, migrated, with the serving role's ORM: reads there are under row-level security, like an
 * API request's (the owner's connection would bypass it).
 */
export function withServingOrm<T>(fn: (orm: MikroORM) => Promise<T>): Promise<T> {
  return withCliDatabase(async (db, logger) => {
    await applyMigrations(db.orm, logger);
    return fn(await db.openServingOrm());
  });
}
