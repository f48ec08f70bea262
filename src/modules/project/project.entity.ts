import { Check, Entity, Enum, Index, ManyToOne, Opt, PrimaryKeyProp, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';
import { LocalDate } from '../../shared/scalars';
import { PostalArea } from '../geography/postal-area.entity';
import { Programme } from '../programme/programme.entity';
import { ProjectStatus } from './project.enums';
import { TargetGroup, Theme } from './vocabulary.entity';

export const PROJECT_SEARCH_DOCUMENT =
  "setweight(to_tsvector('finnish', \"title\"), 'A'::\"char\") || setweight(to_tsvector('finnish', coalesce(\"summary\", '') || ' ' || coalesce(\"purpose\", '')), 'B'::\"char\")";

@ObjectType({
  implements: Node,
  description: 'A project (EU "operation", hanke) funded through a programme.',
})
@Entity()
// The default order of lists (case-insensitive name/title, then key): the page is read from this index.
@Index({
  name: 'project_title_order_idx',
  expression: 'create index "project_title_order_idx" on "project" (lower("title"), "id")',
})
@Check({ name: 'project_planned_period_order', expression: 'planned_end is null or planned_start is null or planned_end >= planned_start' })
@Check({ name: 'project_actual_period_order', expression: 'actual_end is null or actual_start is null or actual_end >= actual_start' })
@Check({ name: 'project_not_own_parent', expression: 'parent_id is null or parent_id <> id' })
@Check({ name: 'project_title_not_blank', expression: "btrim(title) <> ''" })
@Index({
  name: 'project_search_idx',
  expression: 'create index "project_search_idx" on "project" using gin ("search_document")',
})
@Index({
  name: 'project_title_trgm_idx',
  expression: 'create index "project_title_trgm_idx" on "project" using gin ("title" gin_trgm_ops)',
})
@Index({ name: 'project_effective_period_idx', properties: ['plannedStart', 'plannedEnd'] })
export class Project extends BaseEntity {
  // The search document, stored: ranking and rechecking read it instead of stemming the text again
  // (src/modules/search/search.service.ts). Never selected by default, never written by Silta.
  @Property({ columnType: 'tsvector', generated: `(${PROJECT_SEARCH_DOCUMENT}) stored`, lazy: true, hidden: true, nullable: true })
  searchDocument?: Opt<string>;

  @Field(() => String, { description: 'Unique Silta project code, e.g. "KAKE-KUO-2018-07".' })
  @Property({ type: 'string', length: 60, unique: true })
  code!: string;

  @Field(() => String, { nullable: true, description: 'Project code in EURA 2014 (the ESR system), e.g. "S21567".' })
  @Property({ type: 'string', length: 40, nullable: true, unique: true })
  euraCode?: string;

  @Field(() => String, { nullable: true, description: 'Project number in Hyrrä (the rural funding system).' })
  @Property({ type: 'string', length: 40, nullable: true, unique: true })
  hyrraNumber?: string;

  @Field(() => String, { nullable: true, description: 'Record number (diaarinumero) at the deciding authority.' })
  @Property({ type: 'string', length: 60, nullable: true })
  recordNumber?: string;

  @Field(() => String, { description: 'Title (hankkeen nimi).' })
  @Index()
  @Property({ type: 'string', length: 300 })
  title!: string;

  @Field(() => String, { nullable: true, description: 'Short summary (tiivistelmä).' })
  @Property({ type: 'text', nullable: true })
  summary?: string;

  @Field(() => String, { nullable: true, description: 'Purpose and goals (tavoitteet).' })
  @Property({ type: 'text', nullable: true })
  purpose?: string;

  @Field(() => String, { nullable: true, description: 'What the project achieved (tulokset).' })
  @Property({ type: 'text', nullable: true })
  achievements?: string;

  @Field(() => ProjectStatus, { description: 'Where the project is in its life cycle.' })
  @Index()
  @Enum({ items: () => ProjectStatus, nativeEnumName: 'project_status' })
  status!: ProjectStatus;

  @Field(() => LocalDate, { nullable: true, description: 'Planned start date.' })
  @Property({ type: 'date', nullable: true })
  plannedStart?: string;

  @Field(() => LocalDate, { nullable: true, description: 'Planned end date.' })
  @Property({ type: 'date', nullable: true })
  plannedEnd?: string;

  @Field(() => LocalDate, { nullable: true, description: 'Actual start date, once started.' })
  @Property({ type: 'date', nullable: true })
  actualStart?: string;

  @Field(() => LocalDate, { nullable: true, description: 'Actual end date, once ended.' })
  @Property({ type: 'date', nullable: true })
  actualEnd?: string;

  @ManyToOne(() => Programme, { ref: true, deleteRule: 'restrict', index: true })
  programme!: Ref<Programme>;

  @ManyToOne(() => Project, { ref: true, nullable: true, deleteRule: 'restrict', index: true })
  parent?: Ref<Project>;

  @Field(() => Boolean, { description: 'True for the fictitious demo data that Silta loads into an empty database.' })
  @Property({ type: 'boolean', default: false })
  isDemo: boolean & Opt = false;

  /** The programme coordinators' and analysts' notes; resolved through a field resolver that checks the viewer. */
  @Property({ type: 'text', nullable: true })
  internalNotes?: string;

  @Field(() => Int, { description: 'Edit version for optimistic concurrency: send it as `expectedVersion` when updating.' })
  @Property({ type: 'integer', version: true })
  version!: number & Opt;
}

/** Pivot rows; their own entities so that loaders can query them in one statement. */
@Entity()
export class ProjectTheme {
  [PrimaryKeyProp]?: ['project', 'theme'];

  @ManyToOne(() => Project, { ref: true, primary: true, deleteRule: 'cascade' })
  project!: Ref<Project>;

  @ManyToOne(() => Theme, { ref: true, primary: true, deleteRule: 'restrict', index: true })
  theme!: Ref<Theme>;
}

@Entity()
export class ProjectTargetGroup {
  [PrimaryKeyProp]?: ['project', 'targetGroup'];

  @ManyToOne(() => Project, { ref: true, primary: true, deleteRule: 'cascade' })
  project!: Ref<Project>;

  @ManyToOne(() => TargetGroup, { ref: true, primary: true, deleteRule: 'restrict', index: true })
  targetGroup!: Ref<TargetGroup>;
}

@Entity()
export class ProjectLocation {
  [PrimaryKeyProp]?: ['project', 'postalArea'];

  @ManyToOne(() => Project, { ref: true, primary: true, deleteRule: 'cascade' })
  project!: Ref<Project>;

  @ManyToOne(() => PostalArea, { fieldName: 'postal_code', ref: true, primary: true, deleteRule: 'restrict', index: true })
  postalArea!: Ref<PostalArea>;
}
