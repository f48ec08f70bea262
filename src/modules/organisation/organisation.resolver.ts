import { FinnishBusinessIds } from 'finnish-business-ids';
import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../shared/errors';
import { ConnectionArgs, type Connection } from '../../shared/relay/connection';
import { rootConnection } from '../../shared/relay/keyset';
import { Municipality } from '../geography/municipality.entity';
import { PostalArea } from '../geography/postal-area.entity';
import { Programme } from '../programme/programme.entity';
import { Participation } from '../project/participation.entity';
import { ParticipationRole } from '../project/project.enums';
import { participationSpec } from '../project/project.resolver';
import { ParticipationConnection } from '../project/project.types';
import { canSeeField } from '../auth/sensitive-fields';
import { ContactPerson } from './contact-person.entity';
import { ExternalId } from './external-id.entity';
import { Organisation } from './organisation.entity';
import { OrganisationFilter, OrganisationOrder } from './organisation.inputs';
import { organisationListSpec } from './organisation.service';
import { OrganisationConnection } from './organisation.types';
import { administeredProgrammesByOrganisationId } from '../programme/programme.loaders';
import { contactPeopleByOrganisationId, externalIdsByOrganisationId } from './organisation.loaders';
import { municipalitiesByCode, postalAreasByCode } from '../geography/geography.loaders';

/** The `businessId` argument trimmed, or BAD_USER_INPUT when it is not a Y-tunnus with a correct check digit. */
export function businessIdArgument(businessId: string): string {
  const normalised = businessId.trim();
  if (!FinnishBusinessIds.isValidBusinessId(normalised)) {
    throw badUserInput(`"${businessId}" is not a valid Y-tunnus (format 1234567-8 with a correct check digit)`, 'businessId');
  }
  return normalised;
}

@Resolver(() => Organisation)
export class OrganisationResolver {
  @Query(() => OrganisationConnection, { description: 'Organisations, filtered and ordered (default: by name).' })
  organisations(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => OrganisationFilter, { nullable: true, description: 'Conditions the organisations must meet.' })
    filter: OrganisationFilter | null,
    @Arg('orderBy', () => OrganisationOrder, { nullable: true, description: 'Sort order; default name ascending.' })
    orderBy: OrganisationOrder | null,
    @Ctx() { em }: Context,
  ): Promise<Connection<Organisation>> {
    return rootConnection(em, args, () => organisationListSpec(em, filter, orderBy));
  }

  @Query(() => Organisation, { nullable: true, description: 'An organisation by its Finnish business ID (Y-tunnus); null when there is none.' })
  organisation(
    @Arg('businessId', () => String, { description: 'Y-tunnus with its check digit, e.g. "0171450-7".' }) businessId: string,
    @Ctx() { em }: Context,
  ): Promise<Organisation | null> {
    return em.findOne(Organisation, { businessId: businessIdArgument(businessId) });
  }

  @FieldResolver(() => Municipality, { nullable: true, description: 'Home municipality (kotikunta).' })
  homeMunicipality(@Root() organisation: Organisation, @Ctx() { loaders }: Context): Promise<Municipality | null> | null {
    return organisation.homeMunicipality ? loaders.get(municipalitiesByCode).load(organisation.homeMunicipality.unwrap().code) : null;
  }

  @FieldResolver(() => PostalArea, { nullable: true, description: 'Postal-code area of the address.' })
  postalArea(@Root() organisation: Organisation, @Ctx() { loaders }: Context): Promise<PostalArea | null> | null {
    return organisation.postalArea ? loaders.get(postalAreasByCode).load(organisation.postalArea.unwrap().postalCode) : null;
  }

  @FieldResolver(() => [ContactPerson], { description: 'Contact people (yhteyshenkilöt).' })
  contactPeople(@Root() organisation: Organisation, @Ctx() { loaders }: Context): Promise<ContactPerson[]> {
    return loaders.get(contactPeopleByOrganisationId).load(organisation.id);
  }

  @FieldResolver(() => [ExternalId], { description: 'Identifiers in other registers (EURA, HYRRA, KOHESIO, KEEP, …).' })
  externalIds(@Root() organisation: Organisation, @Ctx() { loaders }: Context): Promise<ExternalId[]> {
    return loaders.get(externalIdsByOrganisationId).load(organisation.id);
  }

  @FieldResolver(() => ParticipationConnection, { description: 'Projects the organisation takes part in, with its role in each.' })
  participations(
    @Root() organisation: Organisation,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('role', () => ParticipationRole, { nullable: true, description: 'Only participations in this role.' }) role: ParticipationRole | null,
    @Ctx() { loaders }: Context,
  ): Promise<Connection<Participation>> {
    return loaders.nested.load('Organisation.participations', args, () => participationSpec(role), { column: 't.organisation_id' }, organisation.id, role);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Internal notes (sisäiset muistiinpanot); null unless the viewer is a coordinator or analyst.' })
  internalNotes(@Root() organisation: Organisation, @Ctx() { viewer }: Context): string | null {
    return canSeeField(viewer, 'Organisation', 'internalNotes', { organisationId: organisation.id }) ? (organisation.internalNotes ?? null) : null;
  }

  @FieldResolver(() => [Programme], { description: 'Programmes the organisation administers (e.g. Kalakukko ry its Leader programme).' })
  administeredProgrammes(@Root() organisation: Organisation, @Ctx() { loaders }: Context): Promise<Programme[]> {
    return loaders.get(administeredProgrammesByOrganisationId).load(organisation.id);
  }
}

const CONTACT_DETAILS_RULE =
  "null unless the viewer is a member of the person's organisation, has a verified membership in any organisation, or is a coordinator, analyst or admin.";

@Resolver(() => ContactPerson)
export class ContactPersonResolver {
  @FieldResolver(() => String, { nullable: true, description: `E-mail address; ${CONTACT_DETAILS_RULE}` })
  email(@Root() person: ContactPerson, @Ctx() { viewer }: Context): string | null {
    return canSeeField(viewer, 'ContactPerson', 'email', { organisationId: person.organisation.id }) ? (person.email ?? null) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: `Phone number; ${CONTACT_DETAILS_RULE}` })
  phone(@Root() person: ContactPerson, @Ctx() { viewer }: Context): string | null {
    return canSeeField(viewer, 'ContactPerson', 'phone', { organisationId: person.organisation.id }) ? (person.phone ?? null) : null;
  }
}
