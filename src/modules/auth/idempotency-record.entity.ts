import { Entity, Index, type Opt, ManyToOne, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { Account } from './account.entity';

/** The first result of a create mutation sent with an idempotency key, kept for 24 hours. */
@Entity()
@Unique({ properties: ['account', 'key'] })
export class IdempotencyRecord {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Property({ type: 'string', length: 200 })
  key!: string;

  @Property({ type: 'string', length: 100 })
  operation!: string;

  /** SHA-256 of the canonical input: the same key with another input is an error. */
  @Property({ type: 'string', length: 64 })
  inputHash!: string;

  /** Type and key of the record the first call created. */
  @Property({ type: 'string', length: 60 })
  resultType!: string;

  @Property({ type: 'string', length: 60 })
  resultId!: string;

  @Index()
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
