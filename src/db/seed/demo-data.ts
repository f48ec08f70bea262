import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';

/** Deterministic demo data (being written; see the seed task). */
export async function seedDemoData(em: EntityManager, logger: Logger): Promise<void> {
  void em;
  logger.warn('demo data not yet written');
}
