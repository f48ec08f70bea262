import type { EntityClass, EntityMetadata, EntityProperty } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Read rows as plain objects of the entity's class, without MikroORM's entity building.
 *
 * `em.map` builds a managed entity per row: hydration, reference entities for every foreign key, and
 * registration in the unit of work (a fifth of the CPU of a page of 50 projects, and much of the
 * garbage). Reads never change what they read, so the read path makes objects with the entity's
 * prototype instead (type-graphql's `instanceof` checks, the `Node` and search `resolveType` and
 * getters such as `globalId` keep working), converted by the same custom types as MikroORM's, and
 * never registered in an identity map. Mutations load and change entities through the EntityManager
 * as before; nothing written goes through here.
 *
 * A foreign key becomes a {@link RowReference}: its primary key (`project.programme.id`), and
 * `unwrap()`/`getEntity()` for a stub of the target with only that key, like an uninitialised `Ref`.
 */
export class RowReference<T extends object = object> {
  constructor(private readonly target: T) {
    Object.assign(this, target);
  }

  unwrap(): T {
    return this.target;
  }

  getEntity(): T {
    return this.target;
  }

  isInitialized(): boolean {
    return false;
  }
}

type Mapper = (row: Record<string, unknown>) => object;

const mappers = new WeakMap<EntityMetadata, Mapper | null>();
const rowPrototypes = new WeakMap<EntityMetadata, object>();

function descriptorOf(object: object | null, name: string): PropertyDescriptor | undefined {
  for (let at = object; at; at = Object.getPrototypeOf(at) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(at, name);
    if (descriptor) return descriptor;
  }
  return undefined;
}

/**
 * The prototype of plain rows of an entity: the entity's prototype with every property shadowed by a
 * plain writable one. MikroORM puts setters on the entity prototype that store values in the entity's
 * helper (creating one per object); assigning to a row made from this prototype makes an own property.
 */
function rowPrototypeOf(meta: EntityMetadata): object {
  let prototype = rowPrototypes.get(meta);
  if (!prototype) {
    const plain = Object.create(meta.prototype as object) as object;
    for (const prop of meta.props) {
      if (descriptorOf(meta.prototype as object, prop.name)?.get && !descriptorOf(meta.prototype as object, prop.name)?.set) continue;
      Object.defineProperty(plain, prop.name, { value: undefined, writable: true, enumerable: false, configurable: true });
    }
    prototype = plain;
    rowPrototypes.set(meta, prototype);
  }
  return prototype;
}

type Assign = (data: Record<string, unknown>, into: Record<string, unknown>) => void;

/** Copies one property from MikroORM's mapped result (property names, dates parsed) onto the row object. */
function propertyMapper(em: EntityManager, prop: EntityProperty): Assign | null {
  if (prop.persist === false || prop.formula || prop.embedded || prop.fieldNames?.length !== 1) return null;
  const name = prop.name;
  if (prop.kind === 'scalar') {
    const custom = prop.customType;
    if (!custom) {
      return (data, into) => {
        if (name in data) into[name] = data[name];
      };
    }
    const platform = em.getPlatform();
    return (data, into) => {
      if (!(name in data)) return;
      const value = data[name];
      into[name] = value == null ? value : custom.convertToJSValue(value, platform);
    };
  }
  if (prop.kind === 'm:1' || (prop.kind === '1:1' && prop.owner)) {
    const targetMeta = em.getMetadata().find(prop.type);
    const [targetKey] = targetMeta?.primaryKeys ?? [];
    if (!targetMeta || !targetKey || targetMeta.primaryKeys.length !== 1) return null;
    const prototype = rowPrototypeOf(targetMeta);
    return (data, into) => {
      if (!(name in data)) return;
      const value = data[name];
      if (value == null) {
        into[name] = undefined;
        return;
      }
      const target = Object.create(prototype) as Record<string, unknown>;
      target[targetKey] = value;
      into[name] = new RowReference(target);
    };
  }
  // Collections are never loaded on the read path (loaders read them), so they stay absent.
  return prop.kind === '1:m' || prop.kind === 'm:n' ? () => undefined : null;
}

function mapperOf(em: EntityManager, meta: EntityMetadata): Mapper | null {
  let mapper = mappers.get(meta);
  if (mapper !== undefined) return mapper;
  const properties = meta.virtual || meta.embeddable ? null : meta.props.map((prop) => propertyMapper(em, prop));
  if (!properties || properties.some((property) => property === null)) {
    mapper = null;
  } else {
    const prototype = rowPrototypeOf(meta);
    const assign = properties as Assign[];
    const comparator = em.getComparator();
    const entityName = meta.className;
    mapper = (row) => {
      const data = comparator.mapResult(entityName, row) as Record<string, unknown>;
      const object = Object.create(prototype) as Record<string, unknown>;
      for (const property of assign) property(data, object);
      return object;
    };
  }
  mappers.set(meta, mapper);
  return mapper;
}

/**
 * A database row (column names) as a read-only object of `entity`, for the read path. Entities this
 * cannot map plainly (virtual, embedded, composite foreign keys) go through `em.map` as before.
 */
export function plainRow<T extends object>(em: EntityManager, entity: EntityClass<T>, row: Record<string, unknown>): T {
  const meta = em.getMetadata().find(entity.name);
  const mapper = meta ? mapperOf(em, meta) : null;
  return (mapper ? mapper(row) : em.map(entity, row as never)) as T;
}

const selectLists = new WeakMap<EntityMetadata, Map<string, string[]>>();

/**
 * The columns a read of `entity` selects, as `alias.column`: every stored column but the lazy ones
 * (a project's search document, as large as the rest of the row, is read only by search). Use this,
 * not `alias.*`, in hand-written reads of an entity's rows.
 */
export function rowColumns(em: EntityManager, entity: EntityClass<object>, alias: string): string[] {
  const meta = em.getMetadata().get(entity.name);
  let byAlias = selectLists.get(meta);
  if (!byAlias) selectLists.set(meta, (byAlias = new Map()));
  let columns = byAlias.get(alias);
  if (!columns) {
    columns = meta.props
      .filter((prop) => prop.persist !== false && !prop.lazy && prop.fieldNames?.length && !prop.formula)
      .filter((prop) => prop.kind === 'scalar' || prop.kind === 'm:1' || (prop.kind === '1:1' && prop.owner))
      .flatMap((prop) => prop.fieldNames.map((field) => `${alias}.${field}`));
    byAlias.set(alias, columns);
  }
  return columns;
}
