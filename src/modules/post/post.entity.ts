import { Check, Entity, Enum, Index, ManyToOne, Opt, PrimaryKeyProp, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';
import { DateTime, LocalDate } from '../../shared/scalars';
import { PostalArea } from '../geography/postal-area.entity';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { ParticipationRole } from '../project/project.enums';
import { Project } from '../project/project.entity';
import { Theme } from '../project/vocabulary.entity';
import { PostKind, PostStatus, PostVisibility } from './post.enums';

/**
 * A post shared across the divide. Who reads it is row-level security (`silta_sees_post` in the
 * migration `posts`), never a resolver: visibility, the authoring organisation's members, and the
 * project it is about (a post never shows a project the viewer may not see).
 */
@ObjectType({
  implements: Node,
  description:
    'A post by an organisation, optionally about a project or a programme: news, an event, a partner search (kumppanihaku), a result or a funding call.',
})
@Entity()
@Check({ name: 'post_title_not_blank', expression: "btrim(title) <> ''" })
@Check({ name: 'post_event_period_order', expression: 'ends_at is null or starts_at is null or ends_at >= starts_at' })
@Check({ name: 'post_call_period_order', expression: 'closes_on is null or opens_on is null or closes_on >= opens_on' })
@Index({ name: 'post_status_kind_idx', properties: ['status', 'kind'] })
export class Post extends BaseEntity {
  @ManyToOne(() => Organisation, { ref: true, deleteRule: 'restrict', index: true })
  organisation!: Ref<Organisation>;

  @ManyToOne(() => Project, { ref: true, nullable: true, deleteRule: 'set null', index: true })
  project?: Ref<Project>;

  @ManyToOne(() => Programme, { ref: true, nullable: true, deleteRule: 'restrict', index: true })
  programme?: Ref<Programme>;

  @Field(() => PostKind, { description: 'What the post is; decides which of the kind-specific fields it has.' })
  @Enum({ items: () => PostKind, nativeEnumName: 'post_kind' })
  kind!: PostKind;

  @Field(() => PostVisibility, { description: "Who may read it (the authoring organisation's members always may)." })
  @Enum({ items: () => PostVisibility, nativeEnumName: 'post_visibility' })
  visibility!: PostVisibility;

  @Field(() => PostStatus, { description: 'PUBLISHED, or WITHDRAWN by its author.' })
  @Enum({ items: () => PostStatus, nativeEnumName: 'post_status' })
  status: PostStatus & Opt = PostStatus.PUBLISHED;

  @Field(() => String, { description: 'Title (otsikko).' })
  @Property({ type: 'string', length: 300 })
  title!: string;

  @Field(() => String, { description: 'The text (at most 10 000 characters).' })
  @Property({ type: 'text' })
  body!: string;

  @Field(() => DateTime, { nullable: true, description: 'EVENT: when it starts.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startsAt?: Date;

  @Field(() => DateTime, { nullable: true, description: 'EVENT: when it ends; null for an event without a set end.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  endsAt?: Date;

  @Field(() => String, { nullable: true, description: 'EVENT: where, e.g. "Puijon maja, Kuopio" or "Teams".' })
  @Property({ type: 'string', length: 300, nullable: true })
  place?: string;

  /** EVENT: the postal area of the place; resolved by PostResolver.postalArea. */
  @ManyToOne(() => PostalArea, { fieldName: 'postal_code', ref: true, nullable: true, deleteRule: 'restrict', index: true })
  postalArea?: Ref<PostalArea>;

  @Field(() => String, { nullable: true, description: 'PARTNER_SEARCH: what kind of partner is sought and for what.' })
  @Property({ type: 'text', nullable: true })
  partnerSought?: string;

  @Field(() => ParticipationRole, { nullable: true, description: 'PARTNER_SEARCH: the role the partner would take in the project.' })
  @Enum({ items: () => ParticipationRole, nativeEnumName: 'participation_role', nullable: true })
  roleWanted?: ParticipationRole;

  @Field(() => LocalDate, { nullable: true, description: 'CALL: the first day applications are accepted.' })
  @Property({ type: 'date', nullable: true })
  opensOn?: string;

  @Field(() => LocalDate, { nullable: true, description: 'PARTNER_SEARCH and CALL: the last day (inclusive) to answer or apply.' })
  @Property({ type: 'date', nullable: true })
  closesOn?: string;

  @Field(() => String, { nullable: true, description: 'CALL: who may apply (hakijat), e.g. "registered associations in the Leader area".' })
  @Property({ type: 'text', nullable: true })
  eligibleApplicants?: string;

  @Field(() => String, { nullable: true, description: 'RESULT: what was achieved (tulokset).' })
  @Property({ type: 'text', nullable: true })
  outcomes?: string;

  @Field(() => [String], { description: 'RESULT: http(s) links to reports, material, recordings; empty for other kinds.' })
  @Property({ columnType: 'text[]', type: 'string[]', defaultRaw: "'{}'" })
  links: string[] & Opt = [];

  @Field(() => DateTime, { nullable: true, description: 'When it was withdrawn; null while published.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  withdrawnAt?: Date;

  @Field(() => Int, { description: 'Edit version for optimistic concurrency: send it as `expectedVersion` when updating or withdrawing.' })
  @Property({ type: 'integer', version: true })
  version!: number & Opt;
}

/** Pivot rows, like the project's: a loader reads them for many posts in one statement. */
@Entity()
export class PostTheme {
  [PrimaryKeyProp]?: ['post', 'theme'];

  @ManyToOne(() => Post, { ref: true, primary: true, deleteRule: 'cascade' })
  post!: Ref<Post>;

  @ManyToOne(() => Theme, { ref: true, primary: true, deleteRule: 'restrict', index: true })
  theme!: Ref<Theme>;
}

@Entity()
export class PostArea {
  [PrimaryKeyProp]?: ['post', 'postalArea'];

  @ManyToOne(() => Post, { ref: true, primary: true, deleteRule: 'cascade' })
  post!: Ref<Post>;

  @ManyToOne(() => PostalArea, { fieldName: 'postal_code', ref: true, primary: true, deleteRule: 'restrict', index: true })
  postalArea!: Ref<PostalArea>;
}
