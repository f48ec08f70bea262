import { Entity, type Opt, PrimaryKeyProp, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../shared/relay/global-id';
import { Node } from '../../shared/relay/node.interface';
import { PostalAreaKind } from './geography.enums';
import { Municipality } from './municipality.entity';

/** Reference data: a postal-code area (postinumeroalue), from Posti's postal-code data. */
@ObjectType({ implements: Node, description: 'A Finnish postal-code area (postinumeroalue), reference data from Posti.' })
@Entity()
@Index({
  name: 'postal_area_name_fi_trgm_idx',
  expression: 'create index "postal_area_name_fi_trgm_idx" on "postal_area" using gin ("name_fi" gin_trgm_ops)',
})
export class PostalArea {
  [PrimaryKeyProp]?: 'postalCode';

  @Field(() => String, { description: 'Five-digit postal code (postinumero), e.g. "70100".' })
  @PrimaryKey({ type: 'string', columnType: 'char(5)' })
  postalCode!: string;

  @Field(() => String, { description: 'Post-office name in Finnish, e.g. "KUOPIO".' })
  @Property({ type: 'string', length: 100 })
  nameFi!: string;

  @Field(() => String, { description: 'Post-office name in Swedish.' })
  @Property({ type: 'string', length: 100 })
  nameSv!: string;

  @Field(() => PostalAreaKind, { description: "Posti's type of postal code." })
  @Enum({ items: () => PostalAreaKind, nativeEnumName: 'postal_area_kind' })
  kind!: PostalAreaKind;

  @Index()
  @ManyToOne(() => Municipality, { ref: true, deleteRule: 'restrict' })
  municipality!: Ref<Municipality>;

  @Field(() => String, { description: 'Date from which Posti has the code in use, YYYY-MM-DD.', nullable: true })
  @Property({ type: 'date', nullable: true })
  validFrom?: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global identifier, usable with `node(id:)`.' })
  get globalId(): string & Opt {
    return toGlobalId('PostalArea', this.postalCode);
  }
}
