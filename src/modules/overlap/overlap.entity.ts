import { Check, Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';
import { Account } from '../auth/account.entity';
import { Project } from '../project/project.entity';
import { OverlapKind, OverlapReviewStatus, type OverlapSignalKind } from './overlap.enums';

/** One signal as stored with a finding: what it measured, its score and the evidence in words and IDs. */
export interface StoredSignal {
  kind: OverlapSignalKind;
  score: number;
  evidence: string;
  organisationIds?: number[];
  postalCodes?: string[];
  period?: { start: string; end: string };
}

/**
 * A stored finding: two projects (the lower ID first) that overlap, with the kind, the total score
 * and the signals it was made of. Written only by the overlap engine (as the database owner), which
 * rescores a project's candidates whenever a change to it commits; read under row-level security
 * (analysts, coordinators of either programme, and for SYNERGY the projects' own organisations,
 * never when either project is hidden from the viewer). The review status is copied here by a
 * trigger on overlap_review, so that lists can filter by it.
 */
@ObjectType({ implements: Node, description: 'Two projects that overlap: the kind, the score and the evidence.' })
@Entity()
@Unique({ properties: ['projectA', 'projectB'] })
@Index({ name: 'overlap_score_order_idx', expression: 'create index "overlap_score_order_idx" on "overlap" ("score" desc, "id" desc)' })
@Index({ name: 'overlap_project_b_score_idx', expression: 'create index "overlap_project_b_score_idx" on "overlap" ("project_b_id", "score" desc, "id" desc)' })
@Index({ name: 'overlap_project_a_score_idx', expression: 'create index "overlap_project_a_score_idx" on "overlap" ("project_a_id", "score" desc, "id" desc)' })
@Check({ name: 'overlap_pair_order', expression: 'project_a_id < project_b_id' })
export class Overlap extends BaseEntity {
  @ManyToOne(() => Project, { ref: true, deleteRule: 'cascade' })
  projectA!: Ref<Project>;

  @ManyToOne(() => Project, { ref: true, deleteRule: 'cascade' })
  projectB!: Ref<Project>;

  @Field(() => OverlapKind, { description: 'What the overlap most likely is.' })
  @Enum({ items: () => OverlapKind, nativeEnumName: 'overlap_kind' })
  kind!: OverlapKind;

  @Field(() => Float, { description: 'Total score, 0–1: the weighted sum of the signals (see docs/overlaps.md).' })
  @Property({ type: 'double' })
  score!: number;

  @Field(() => Boolean, { description: 'True when one project is Kake (urban) and the other Leader (rural).' })
  @Property({ type: 'boolean' })
  crossesDivide!: boolean;

  @Property({ type: 'json' })
  signals!: StoredSignal[];

  /** Copied from overlap_review by a trigger; null while the pair is not reviewed. */
  @Enum({ items: () => OverlapReviewStatus, nativeEnumName: 'overlap_review_status', nullable: true })
  reviewStatus?: OverlapReviewStatus | null;

  @Field(() => Date, { description: 'When the engine last scored this pair.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  computedAt: Date & Opt = new Date();
}

/**
 * An analyst's or coordinator's verdict on a pair of projects. Keyed by the pair, not by the
 * finding, so that it survives recomputation (and a finding that disappears and comes back).
 */
@ObjectType({ implements: Node, description: 'A verdict on an overlap: who, when, what and why.' })
@Entity()
@Unique({ properties: ['projectA', 'projectB'] })
@Check({ name: 'overlap_review_pair_order', expression: 'project_a_id < project_b_id' })
export class OverlapReview extends BaseEntity {
  @ManyToOne(() => Project, { ref: true, deleteRule: 'cascade' })
  projectA!: Ref<Project>;

  @ManyToOne(() => Project, { ref: true, deleteRule: 'cascade', index: true })
  projectB!: Ref<Project>;

  @Field(() => OverlapReviewStatus, { description: 'The verdict.' })
  @Enum({ items: () => OverlapReviewStatus, nativeEnumName: 'overlap_review_status' })
  status!: OverlapReviewStatus;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'set null', index: true })
  reviewer?: Ref<Account> | null;

  @Field(() => Int, { description: 'Edit version for optimistic concurrency: send it as `expectedVersion` when changing the review.' })
  @Property({ type: 'integer', version: true })
  version!: number & Opt;
}

/** The engine's queue: projects changed since they were last scored (filled by triggers, see the migration). */
@Entity()
export class OverlapDirty {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  projectId!: number;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'clock_timestamp()' })
  queuedAt: Date & Opt = new Date();
}

/** Text statistics for TEXT_SIMILARITY: in how many projects each term occurs (refreshed by a full recompute). */
@Entity()
export class OverlapTerm {
  @PrimaryKey({ type: 'text' })
  term!: string;

  @Property({ type: 'integer' })
  documents!: number;
}

/** The engine's own small state (e.g. the corpus size the term statistics were counted over). */
@Entity()
export class OverlapState {
  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'json' })
  value!: unknown;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date & Opt = new Date();
}
