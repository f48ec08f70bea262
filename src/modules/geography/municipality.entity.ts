import { Entity, type Opt, PrimaryKeyProp, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../shared/relay/global-id';
import { Node } from '../../shared/relay/node.interface';

/** Reference data: a Finnish municipality (kunta), from Posti's postal-code data. */
@ObjectType({ implements: Node, description: 'A Finnish municipality (kunta), reference data from Posti.' })
@Entity()
export class Municipality {
  [PrimaryKeyProp]?: 'code';

  @Field(() => String, { description: 'Statistics Finland municipality code (kuntanumero), e.g. "297" for Kuopio.' })
  @PrimaryKey({ type: 'string', columnType: 'char(3)' })
  code!: string;

  @Field(() => String, { description: 'Name in Finnish.' })
  @Index()
  @Property({ type: 'string', length: 100 })
  nameFi!: string;

  @Field(() => String, { description: 'Name in Swedish.' })
  @Property({ type: 'string', length: 100 })
  nameSv!: string;

  @Field(() => String, { description: 'Region (maakunta) code, e.g. "FI1D2" for Pohjois-Savo.' })
  @Index()
  @Property({ type: 'string', length: 10 })
  regionCode!: string;

  @Field(() => String, { description: 'Region (maakunta) name in Finnish.' })
  @Property({ type: 'string', length: 100 })
  regionNameFi!: string;

  @Field(() => String, { description: 'Region (maakunta) name in Swedish.' })
  @Property({ type: 'string', length: 100 })
  regionNameSv!: string;

  @Field(() => ID, { name: 'id', description: 'Opaque global identifier, usable with `node(id:)`.' })
  get globalId(): string & Opt {
    return toGlobalId('Municipality', this.code);
  }
}
