import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from './viewer';

/** What services need of the request context (house style: the context comes first). */
export interface ServiceContext {
  em: EntityManager;
  viewer: Viewer;
}
