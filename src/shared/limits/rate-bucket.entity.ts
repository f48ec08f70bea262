import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A client's cost budget shared by every Silta instance (RATE_LIMIT_STORE=postgres). Only the
 * security-definer functions of its migration read and write it; the serving role has no access to
 * the table itself, so it can charge and settle but not rewrite or empty a client's bucket.
 */
@Entity({ tableName: 'rate_bucket' })
export class RateBucket {
  /** `account:<id>` or `ip:<address>`. */
  @PrimaryKey({ type: 'text' })
  key!: string;

  /** Points in the bucket at `at`; it has drained since at the configured rate. */
  @Property({ type: 'double' })
  level!: number;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;
}
