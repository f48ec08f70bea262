import { Check, Entity, Enum, Index, ManyToOne, Opt, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';
import { LocalDate } from '../../shared/scalars';
import { Organisation } from '../organisation/organisation.entity';
import { Scheme } from './programme.enums';

export const PROGRAMME_SEARCH_DOCUMENT =
  "setweight(to_tsvector('finnish', \"name\"), 'A'::\"char\") || setweight(to_tsvector('finnish', coalesce(\"description\", '')), 'B'::\"char\")";

@ObjectType({
  implements: Node,
  description:
    'A funding programme: a Kake or Leader programme period (e.g. "Kake Kuopio 2018–2020") or a parent operational programme.',
})
@Entity()
// The default order of lists (case-insensitive name/title, then key): the page is read from this index.
@Index({
  name: 'programme_name_order_idx',
  expression: 'create index "programme_name_order_idx" on "programme" (lower("name"), "id")',
})
@Check({ name: 'programme_period_order', expression: 'period_end >= period_start' })
@Check({ name: 'programme_not_own_parent', expression: 'parent_id is null or parent_id <> id' })
@Index({
  name: 'programme_search_idx',
  expression: 'create index "programme_search_idx" on "programme" using gin ("search_document")',
})
@Index({
  name: 'programme_name_trgm_idx',
  expression: 'create index "programme_name_trgm_idx" on "programme" using gin ("name" gin_trgm_ops)',
})
export class Programme extends BaseEntity {
  // The search document, stored: ranking and rechecking read it instead of stemming the text again
  // (src/modules/search/search.service.ts). Never selected by default, never written by Silta.
  @Property({ columnType: 'tsvector', generated: `(${PROGRAMME_SEARCH_DOCUMENT}) stored`, lazy: true, hidden: true, nullable: true })
  searchDocument?: Opt<string>;

  @Field(() => String, { description: 'Unique programme code, e.g. "KAKE-KUOPIO-2018".' })
  @Property({ type: 'string', length: 60, unique: true })
  code!: string;

  @Field(() => String, { description: 'Name, e.g. "Kake Kuopio 2018–2020".' })
  @Index()
  @Property({ type: 'string', length: 300 })
  name!: string;

  @Field(() => Scheme, { description: 'Kake (urban), Leader (rural) or other.' })
  @Index()
  @Enum({ items: () => Scheme, nativeEnumName: 'scheme' })
  scheme!: Scheme;

  @Field(() => LocalDate, { description: 'First day of the programme period.' })
  @Index()
  @Property({ type: 'date' })
  periodStart!: string;

  @Field(() => LocalDate, { description: 'Last day of the programme period.' })
  @Property({ type: 'date' })
  periodEnd!: string;

  @ManyToOne(() => Programme, { ref: true, nullable: true, deleteRule: 'restrict', index: true })
  parent?: Ref<Programme>;

  @ManyToOne(() => Organisation, { ref: true, nullable: true, deleteRule: 'restrict', index: true })
  administeringOrganisation?: Ref<Organisation>;

  @Field(() => String, { nullable: true, description: 'Goals and content of the programme.' })
  @Property({ type: 'text', nullable: true })
  description?: string;

  @Field(() => Boolean, { description: 'True for the fictitious demo data that Silta loads into an empty database.' })
  @Property({ type: 'boolean', default: false })
  isDemo: boolean & Opt = false;

  @Field(() => Int, { description: 'Edit version for optimistic concurrency: send it as `expectedVersion` when updating.' })
  @Property({ type: 'integer', version: true })
  version!: number & Opt;
}
