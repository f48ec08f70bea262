import { knexOf } from './db/session';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badUserInput } from './errors';

interface ReferenceValue {
  table: 'theme' | 'target_group' | 'postal_area' | 'municipality';
  column: 'code' | 'postal_code';
  value: string | null | undefined;
  argumentName: string;
  label: string;
}

/** Filter values that name reference data must exist: a typo gets an error, not an empty page. */
export async function checkReferencesExist(em: EntityManager, references: ReferenceValue[]): Promise<void> {
  const given = references.filter((reference) => reference.value != null);
  if (given.length === 0) return;
  const knex = knexOf(em);
  const sql = given
    .map((reference, index) =>
      knex.raw(`select ${index} as i from "${reference.table}" where "${reference.column}" = ?`, [reference.value!]).toQuery(),
    )
    .join(' union all ');
  const found = new Set((await em.execute<{ i: number }[]>(sql)).map((row) => Number(row.i)));
  given.forEach((reference, index) => {
    if (!found.has(index)) {
      throw badUserInput(`Unknown ${reference.label} "${reference.value}"`, reference.argumentName);
    }
  });
}
