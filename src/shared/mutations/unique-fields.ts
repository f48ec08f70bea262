import type { EntityManager } from '@mikro-orm/postgresql';

/** Unique constraint name → the entity properties it covers, built once per metadata storage. */
const byMetadata = new WeakMap<object, Map<string, string[]>>();

function uniqueConstraints(em: EntityManager): Map<string, string[]> {
  const metadata = em.getMetadata();
  let constraints = byMetadata.get(metadata);
  if (constraints) return constraints;
  constraints = new Map();
  // The platform's names are the ones in the migrations (long ones shortened with a hash).
  const platform = em.getPlatform();
  for (const meta of Object.values(metadata.getAll())) {
    if (!meta.tableName) continue;
    for (const prop of Object.values(meta.properties)) {
      if (!prop.unique) continue;
      const name = typeof prop.unique === 'string' ? prop.unique : platform.getIndexName(meta.tableName, prop.fieldNames, 'unique');
      constraints.set(name, [prop.name]);
    }
    for (const unique of meta.uniques) {
      const properties = [unique.properties ?? []].flat().map(String);
      const columns = properties.flatMap((property) => meta.properties[property]?.fieldNames ?? [property]);
      constraints.set(unique.name ?? platform.getIndexName(meta.tableName, columns, 'unique'), properties);
    }
  }
  byMetadata.set(metadata, constraints);
  return constraints;
}

/** The entity properties a unique constraint covers; undefined for a name the entities do not declare. */
export function uniqueConstraintProperties(em: EntityManager, constraint: string): string[] | undefined {
  return uniqueConstraints(em).get(constraint);
}

/**
 * The input field a unique-constraint violation is about, found by the constraint's name: a
 * one-column key is the input field of the same name (`project_eura_code_unique` → `input.euraCode`);
 * a key over several columns is whatever the mutation names (`fallback`), since only it knows
 * which of its inputs made the clash.
 */
export function uniqueViolationField(em: EntityManager, constraint: unknown, fallback: string | null = null): string | null {
  const properties = typeof constraint === 'string' ? uniqueConstraintProperties(em, constraint) : undefined;
  return properties?.length === 1 ? `input.${properties[0]}` : fallback;
}
