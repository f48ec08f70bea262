import { Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

/** Counts of one record kind in an import. */
export interface KindCounts {
  created: number;
  updated: number;
  unchanged: number;
  invalid: number;
}

export type ImportCounts = Record<'organisation' | 'programme' | 'project', KindCounts>;

/**
 * One run of `silta import` or the importProjects mutation, dry runs and refused files included: what
 * was read (name, SHA-256), by whom, and what it did. Written after the import's own transaction has
 * committed or rolled back, so a refused import is recorded too. Not in the GraphQL schema (yet).
 */
@Entity()
export class ImportRun {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Index()
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  startedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  finishedAt: Date & Opt = new Date();

  @Property({ type: 'string', length: 500 })
  fileName!: string;

  @Index()
  @Property({ type: 'string', length: 64 })
  fileHash!: string;

  @Property({ type: 'string', length: 40 })
  format!: string;

  /** The account that ran it (the mutation, or `silta import --as`); null for the command line's system actor. */
  @Property({ type: 'integer', nullable: true })
  accountId?: number;

  /** Who, in words: the account's name, or "silta import (OS user)". */
  @Property({ type: 'string', length: 200 })
  actorName!: string;

  @Property({ type: 'boolean' })
  dryRun!: boolean;

  @Property({ type: 'boolean' })
  skipInvalid!: boolean;

  /** True when the changes were committed (false: a dry run, or refused because rows failed). */
  @Property({ type: 'boolean' })
  committed!: boolean;

  @Property({ type: 'json', columnType: 'jsonb' })
  counts!: ImportCounts;

  @Property({ type: 'integer' })
  problemCount!: number;
}
