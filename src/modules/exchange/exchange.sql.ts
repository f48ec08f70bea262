import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { knexOf } from '../../shared/db/session';

/**
 * Raw SQL in the EntityManager's transaction, with arrays passed as PostgreSQL arrays (`= any(?)`,
 * `unnest(?::text[])`): `em.execute` would spread them into lists, which an empty batch breaks.
 */
export async function query<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const result = (await knexOf(em).raw(sql, params as Knex.RawBinding[])) as { rows: T[] };
  return result.rows;
}
