import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { OrderDirection } from '../../shared/relay/connection';
import { Scheme } from '../programme/programme.enums';
import { AreaType, PostalAreaKind } from './geography.enums';

export enum GeographyOrderField {
  CODE = 'CODE',
  NAME = 'NAME',
}

registerEnumType(GeographyOrderField, {
  name: 'GeographyOrderField',
  description: 'What to sort municipalities or postal areas by.',
  valuesConfig: {
    CODE: { description: 'Municipality code or postal code.' },
    NAME: { description: 'Finnish name, case-insensitively.' },
  },
});

@InputType({ description: 'Sort order for municipalities and postal areas.' })
export class GeographyOrder {
  @Field(() => GeographyOrderField, { description: 'Field to sort by.' })
  field!: GeographyOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Direction.' })
  direction: OrderDirection = OrderDirection.ASC;
}

@InputType({ description: 'Filters for municipalities.' })
export class MunicipalityFilter {
  @Field(() => String, { nullable: true, description: 'Only municipalities of this region (maakunta code, e.g. "FI1D2" Pohjois-Savo).' })
  regionCode?: string | null;

  @Field(() => Scheme, { nullable: true, description: "Only municipalities that some programme of this scheme covers in part." })
  scheme?: Scheme | null;
}

@InputType({ description: 'Filters for postal-code areas.' })
export class PostalAreaFilter {
  @Field(() => String, { nullable: true, description: 'Only areas in this municipality (e.g. "297").' })
  municipalityCode?: string | null;

  @Field(() => [PostalAreaKind], { nullable: true, description: 'Only codes of these kinds (e.g. NORMAL for street-address areas).' })
  kind?: PostalAreaKind[] | null;

  @Field(() => AreaType, { nullable: true, description: "Only areas that some programme's territory marks so." })
  areaType?: AreaType | null;

  @Field(() => ID, { nullable: true, description: "Only areas in this programme's territory (a Programme ID)." })
  programme?: string | null;

  @Field(() => Scheme, { nullable: true, description: 'Only areas covered by some programme of this scheme.' })
  scheme?: Scheme | null;
}
