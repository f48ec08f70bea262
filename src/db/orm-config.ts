import path from 'node:path';
import { ReflectMetadataProvider } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { migrationsList } from '../../migrations';
import { entities } from './entities';
import { packageRoot } from '../shared/package-root';

export interface OrmConfigOptions {
  clientUrl: string;
  poolMax: number;
  logger: Logger;
  logSql: boolean;
}

export const MIGRATIONS_DIR = path.join(packageRoot, 'migrations');

export function ormConfig(options: OrmConfigOptions): Options {
  return defineConfig({
    clientUrl: options.clientUrl,
    entities,
    metadataProvider: ReflectMetadataProvider,
    // Discovery from the class list only: no file globbing, identical under tsc, jest and node.
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      migrationsList,
      snapshot: true,
      snapshotName: '.snapshot-silta',
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      fileName: (timestamp: string, name?: string) => `Migration${timestamp}${name ? '_' + name : ''}`,
    },
    pool: { min: 0, max: options.poolMax },
    forceUtcTimezone: true,
    // Entities are never auto-flushed from outside a request's fork.
    allowGlobalContext: false,
    debug: options.logSql,
    logger: (message: string) => options.logger.debug({ orm: message }, 'mikro-orm'),
    colors: false,
  });
}
