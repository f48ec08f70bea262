import { Check, Entity, Enum, Index, ManyToOne, Opt, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';
import { DateTime } from '../../shared/scalars';
import { Municipality } from '../geography/municipality.entity';
import { PostalArea } from '../geography/postal-area.entity';
import { OrganisationType } from './organisation.enums';

export const ORGANISATION_SEARCH_DOCUMENT =
  "setweight(to_tsvector('finnish', \"name\"), 'A'::\"char\") || setweight(to_tsvector('finnish', coalesce(\"description\", '')), 'B'::\"char\")";

@ObjectType({
  implements: Node,
  description: 'An association, authority, municipality, company or other body taking part in Kake or Leader.',
})
@Entity()
// The default order of lists (case-insensitive name/title, then key): the page is read from this index.
@Index({
  name: 'organisation_name_order_idx',
  expression: 'create index "organisation_name_order_idx" on "organisation" (lower("name"), "id")',
})
@Check({ name: 'organisation_business_id_format', expression: "business_id ~ '^[0-9]{7}-[0-9]$'" })
@Check({ name: 'organisation_register_number_format', expression: "association_register_number ~ '^[0-9]{1,6}$'" })
@Check({ name: 'organisation_name_not_blank', expression: "btrim(name) <> ''" })
@Index({
  name: 'organisation_search_idx',
  expression: 'create index "organisation_search_idx" on "organisation" using gin ("search_document")',
})
// The name as the uniqueness check compares it (uniquenessKey): the write API's check and the
// import's, per batch, find holders of a name from this index instead of scanning every name.
@Index({
  name: 'organisation_name_key_idx',
  expression: `create index "organisation_name_key_idx" on "organisation" (lower(normalize(regexp_replace(btrim("name"), '\\s+', ' ', 'g'), NFC)))`,
})
@Index({
  name: 'organisation_name_trgm_idx',
  expression: 'create index "organisation_name_trgm_idx" on "organisation" using gin ("name" gin_trgm_ops)',
})
export class Organisation extends BaseEntity {
  // The search document, stored: ranking and rechecking read it instead of stemming the text again
  // (src/modules/search/search.service.ts). Never selected by default, never written by Silta.
  @Property({ columnType: 'tsvector', generated: `(${ORGANISATION_SEARCH_DOCUMENT}) stored`, lazy: true, hidden: true, nullable: true })
  searchDocument?: Opt<string>;

  @Field(() => String, { description: 'Official name, e.g. "Kuopion Setlementti Puijola ry".' })
  @Index()
  @Property({ type: 'string', length: 300 })
  name!: string;

  @Field(() => OrganisationType, { description: 'Kind of organisation.' })
  @Index()
  @Enum({ items: () => OrganisationType, nativeEnumName: 'organisation_type' })
  type!: OrganisationType;

  @Field(() => String, {
    nullable: true,
    description: 'Finnish business ID (Y-tunnus), e.g. "0171045-6"; its check digit is validated.',
  })
  @Property({ type: 'string', length: 9, nullable: true, unique: true })
  businessId?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Number in the Finnish register of associations (yhdistysrekisterinumero), 1–6 digits.',
  })
  @Property({ type: 'string', length: 6, nullable: true })
  associationRegisterNumber?: string;

  @ManyToOne(() => Municipality, { ref: true, nullable: true, deleteRule: 'restrict', index: true })
  homeMunicipality?: Ref<Municipality>;

  @ManyToOne(() => PostalArea, { fieldName: 'postal_code', ref: true, nullable: true, deleteRule: 'restrict', index: true })
  postalArea?: Ref<PostalArea>;

  @Field(() => String, { nullable: true, description: 'Web site address.' })
  @Property({ type: 'string', length: 500, nullable: true })
  website?: string;

  @Field(() => String, { nullable: true, description: 'What the organisation does.' })
  @Property({ type: 'text', nullable: true })
  description?: string;

  @Field(() => Boolean, { description: 'True for the fictitious demo data that Silta loads into an empty database.' })
  @Property({ type: 'boolean', default: false })
  isDemo: boolean & Opt = false;

  /** Coordinators' and analysts' notes; resolved through a field resolver that checks the viewer. */
  @Property({ type: 'text', nullable: true })
  internalNotes?: string;

  @Field(() => DateTime, { nullable: true, description: 'When the organisation was archived (no longer active); null while active.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  archivedAt?: Date;

  @Field(() => Int, { description: 'Edit version for optimistic concurrency: send it as `expectedVersion` when updating.' })
  @Property({ type: 'integer', version: true })
  version!: number & Opt;
}
