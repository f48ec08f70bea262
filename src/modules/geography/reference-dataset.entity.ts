import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** Which version of a bundled reference dataset is loaded, so that start-up can skip reloading it. */
@Entity()
export class ReferenceDataset {
  @PrimaryKey({ type: 'string', length: 60 })
  name!: string;

  @Property({ type: 'string', length: 60 })
  version!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  loadedAt: Date = new Date();
}
