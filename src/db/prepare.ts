import type { Logger } from 'pino';
import type { Config } from '../config';
import { loadReferenceGeography } from '../modules/geography/reference-data';
import { loadVocabularies } from '../modules/project/vocabularies';
import type { Database } from './database';
import { applyMigrations } from './migrations';
import { seedDemoData } from './seed/demo-data';

/** Start-up work before serving: migrations, reference geography, demo data into an empty database. */
export async function prepareDatabase(db: Database, config: Pick<Config, 'seed'>, logger: Logger): Promise<void> {
  await applyMigrations(db.orm, logger);
  const em = db.orm.em.fork();
  await loadReferenceGeography(em, logger);
  await loadVocabularies(em, logger);
  if (config.seed === 'demo') {
    const [{ count }] = await em.getConnection().execute<{ count: string }[]>(
      'select (select count(*) from organisation) + (select count(*) from programme) + (select count(*) from project) as count',
    );
    if (Number(count) === 0) {
      await seedDemoData(em.fork(), logger);
    }
  }
}
