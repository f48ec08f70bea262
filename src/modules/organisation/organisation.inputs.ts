import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { OrderDirection } from '../../shared/relay/connection';
import { AreaType } from '../geography/geography.enums';
import { Scheme } from '../programme/programme.enums';
import { ParticipationRole } from '../project/project.enums';
import { OrganisationType } from './organisation.enums';

export enum OrganisationOrderField {
  NAME = 'NAME',
  GRANTED_AMOUNT = 'GRANTED_AMOUNT',
  CREATED = 'CREATED',
}

registerEnumType(OrganisationOrderField, {
  name: 'OrganisationOrderField',
  description: 'What to sort organisations by. Ties are broken by creation order.',
  valuesConfig: {
    NAME: { description: 'Name, case-insensitively.' },
    GRANTED_AMOUNT: { description: 'Total granted to the projects the organisation leads.' },
    CREATED: { description: 'When the organisation was added to Silta.' },
  },
});

@InputType({ description: 'Sort order for organisations.' })
export class OrganisationOrder {
  @Field(() => OrganisationOrderField, { description: 'Field to sort by.' })
  field!: OrganisationOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Direction.' })
  direction: OrderDirection = OrderDirection.ASC;
}

@InputType({ description: 'Filters for organisations; all given conditions must hold.' })
export class OrganisationFilter {
  @Field(() => [OrganisationType], { nullable: true, description: 'Only organisations of one of these types.' })
  type?: OrganisationType[] | null;

  @Field(() => Scheme, {
    nullable: true,
    description: 'Only organisations active in this scheme: taking part in one of its projects, or administering or funding one of its programmes.',
  })
  scheme?: Scheme | null;

  @Field(() => ID, { nullable: true, description: 'Only organisations taking part in projects of this programme, or administering or funding it.' })
  programme?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only organisations taking part in this project (a Project ID).' })
  project?: string | null;

  @Field(() => ParticipationRole, { nullable: true, description: 'Only organisations that take part in some project in this role.' })
  role?: ParticipationRole | null;

  @Field(() => String, { nullable: true, description: 'Only organisations whose home municipality is this one (e.g. "297").' })
  municipalityCode?: string | null;

  @Field(() => String, { nullable: true, description: "Only organisations whose address is in this postal-code area." })
  postalCode?: string | null;

  @Field(() => AreaType, { nullable: true, description: "Only organisations whose postal area some programme's territory marks so." })
  areaType?: AreaType | null;
}
