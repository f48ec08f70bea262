import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The committed data's version, in shards: statement-level triggers on every table that feeds public
 * reads add one to the shard of the writing transaction (its migration lists the tables). The version
 * is `sum(n)`; the response cache serves an answer only while it is unchanged. Writers update one of
 * several rows, chosen by transaction ID, so that they rarely wait for each other.
 */
@Entity({ tableName: 'data_version' })
export class DataVersion {
  @PrimaryKey({ type: 'smallint', autoincrement: false })
  shard!: number;

  @Property({ type: 'bigint', default: 0 })
  n!: string;
}
