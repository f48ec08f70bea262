import { knexOf } from './db/session';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badUserInput } from './errors';

export interface ReferenceValue {
  table: 'theme' | 'target_group' | 'postal_area' | 'municipality';
  column: 'code' | 'postal_code';
  value: string | null | undefined;
  argumentName: string;
  label: string;
}

const collecting = new WeakMap<EntityManager, ReferenceValue[]>();

/**
 * Runs `plan` with the reference checks of the services it calls collected instead of run (the
 * compiled read path makes them a condition of its one statement, `referencesExistSql`, and leaves
 * a failing one to the resolvers, which run it here and report it).
 */
export async function collectingReferenceChecks<T>(em: EntityManager, plan: () => Promise<T>): Promise<{ result: T; checks: ReferenceValue[] }> {
  const checks: ReferenceValue[] = [];
  collecting.set(em, checks);
  try {
    return { result: await plan(), checks };
  } finally {
    collecting.delete(em);
  }
}

/** An SQL condition that holds when every collected reference exists, with its bindings. */
export function referencesExistSql(checks: ReferenceValue[]): { sql: string; bindings: unknown[] } {
  if (checks.length === 0) return { sql: 'true', bindings: [] };
  return {
    sql: checks.map((check) => `exists (select 1 from "${check.table}" where "${check.column}" = ?)`).join(' and '),
    bindings: checks.map((check) => check.value),
  };
}

/** Filter values that name reference data must exist: a typo gets an error, not an empty page. */
export async function checkReferencesExist(em: EntityManager, references: ReferenceValue[]): Promise<void> {
  const given = references.filter((reference) => reference.value != null);
  if (given.length === 0) return;
  const collector = collecting.get(em);
  if (collector) {
    collector.push(...given);
    return;
  }
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
