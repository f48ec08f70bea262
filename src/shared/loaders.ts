import { Reference, wrap, type EntityClass, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { buildConnection, parsePageRequest, type Connection, type ConnectionArgs } from './relay/connection';
import {
  countRowsByParent,
  fetchPagesByParent,
  type ListSpec,
  type ParentLink,
} from './relay/keyset';

type Key = number | string;

/** A per-request loader a module defines once (`<things>By<Key>`), made on first use in each request. */
export interface LoaderDefinition<T, TViewer = unknown> {
  readonly name: string;
  readonly create: (em: EntityManager, viewer: TViewer) => T;
}

/**
 * Defines a module's loader, e.g. `export const projectsById = defineLoader('projectsById', (em) => …)`
 * in `<module>.loaders.ts`, used as `ctx.loaders.get(projectsById).load(id)`. A new relation edits its
 * own module only; the registry below knows no module.
 */
export function defineLoader<T, TViewer = unknown>(name: string, create: (em: EntityManager, viewer: TViewer) => T): LoaderDefinition<T, TViewer> {
  return { name, create };
}

/**
 * The per-request registry of loaders: each is created lazily, on first use, so that a request pays
 * only for the loaders it uses; the modules fill it through their definitions.
 */
export class Loaders<TViewer = unknown> {
  private readonly cache = new Map<string, unknown>();
  readonly nested: NestedConnectionLoaders;

  constructor(
    private readonly em: EntityManager,
    private readonly viewer: TViewer,
  ) {
    this.nested = new NestedConnectionLoaders(em);
  }

  /** The request's instance of a module's loader. */
  get<T>(definition: LoaderDefinition<T, TViewer>): T;
  /** A loader defined in place, created once per request under `name`. */
  get<T>(name: string, create: (em: EntityManager, viewer: TViewer) => T): T;
  get<T>(nameOrDefinition: string | LoaderDefinition<T, TViewer>, create?: (em: EntityManager, viewer: TViewer) => T): T {
    const { name, create: make } = typeof nameOrDefinition === 'string' ? { name: nameOrDefinition, create: create! } : nameOrDefinition;
    let loader = this.cache.get(name) as T | undefined;
    if (loader === undefined) {
      loader = make(this.em, this.viewer);
      this.cache.set(name, loader);
    }
    return loader;
  }
}

/**
 * Loads entities by primary key, one `where pk in (…)` per tick; missing keys give null, and so do
 * rows outside `where` (a visibility condition: the row is as absent as one that does not exist).
 */
export function entityLoader<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  keyProperty: keyof T & string,
  where: FilterQuery<T> = {} as FilterQuery<T>,
): DataLoader<Key, T | null> {
  return new DataLoader<Key, T | null>(async (keys) => {
    const byKeys = { [keyProperty]: { $in: [...keys] } };
    const found = await em.find(entity, (Object.keys(where).length > 0 ? { $and: [byKeys, where] } : byKeys) as FilterQuery<T>);
    const byKey = new Map(found.map((row) => [String(row[keyProperty]), row]));
    return keys.map((key) => byKey.get(String(key)) ?? null);
  });
}

/** Loads the children of many parents through a foreign key, one statement per tick. */
export function childrenLoader<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  foreignKey: keyof T & string,
  orderBy: Record<string, 'asc' | 'desc'>,
  populate: string[] = [],
): DataLoader<Key, T[]> {
  return new DataLoader<Key, T[]>(async (keys) => {
    const rows = await em.find(entity, { [foreignKey]: { $in: [...keys] } } as FilterQuery<T>, {
      orderBy: orderBy as never,
      populate: populate as never,
    });
    const grouped = new Map<string, T[]>(keys.map((key) => [String(key), []]));
    for (const row of rows) {
      const parent = Reference.unwrapReference(row[foreignKey] as object);
      grouped.get(String(wrap(parent, true).getPrimaryKey()))?.push(row);
    }
    return keys.map((key) => grouped.get(String(key)) ?? []);
  });
}

/**
 * Nested connections: one loader per relation and argument set, fetching a page for every parent
 * in the batch with one windowed statement, and counts only when `totalCount` is read. Arguments are
 * validated once per set, not once per parent.
 */
export class NestedConnectionLoaders {
  private readonly loaders = new Map<string, Promise<DataLoader<Key, Connection<object>>>>();

  constructor(private readonly em: EntityManager) {}

  async load<T extends object>(
    relation: string,
    args: ConnectionArgs,
    buildSpec: () => ListSpec<T> | Promise<ListSpec<T>>,
    parent: ParentLink,
    parentKey: Key,
    /** Arguments besides paging (filters, order) that change the rows: part of the cache key. */
    variant: unknown = null,
  ): Promise<Connection<T>> {
    const cacheKey = `${relation}:${JSON.stringify([args.first, args.after, args.last, args.before, variant])}`;
    let loader = this.loaders.get(cacheKey);
    if (!loader) {
      loader = this.createLoader(args, buildSpec, parent);
      this.loaders.set(cacheKey, loader);
    }
    return (await loader).load(parentKey) as Promise<Connection<T>>;
  }

  private async createLoader<T extends object>(
    args: ConnectionArgs,
    buildSpec: () => ListSpec<T> | Promise<ListSpec<T>>,
    parent: ParentLink,
  ): Promise<DataLoader<Key, Connection<object>>> {
    const page = parsePageRequest(args);
    const spec = await buildSpec();
    const em = this.em;
    let counts: DataLoader<Key, number> | undefined;
    const countLoader = (): DataLoader<Key, number> =>
      (counts ??= new DataLoader<Key, number>(async (keys) => {
        const byParent = await countRowsByParent(em, spec, parent, keys);
        return keys.map((key) => byParent.get(key) ?? 0);
      }));
    return new DataLoader<Key, Connection<object>>(async (keys) => {
      const pages = await fetchPagesByParent(em, spec, parent, keys, page);
      return keys.map((key) => buildConnection<object>(pages.get(key) ?? [], page, () => countLoader().load(key)));
    });
  }
}
