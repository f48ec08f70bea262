import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../shared/mutations/user-error';
import { Organisation } from './organisation.entity';
import { OrganisationType } from './organisation.enums';

@InputType({ description: 'A contact person (yhteyshenkilö).' })
export class ContactPersonInput {
  @Field(() => String, { description: 'Full name (at most 200 characters).' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Job title or role.' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail address.' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number, e.g. "+358 40 123 4567".' })
  phone?: string | null;
}

@InputType({ description: "An identifier in another register." })
export class ExternalIdInput {
  @Field(() => String, { description: 'Register, e.g. "EURA", "HYRRA", "KOHESIO", "KEEP".' })
  system!: string;

  @Field(() => String, { description: 'Identifier in that register.' })
  value!: string;
}

@InputType({ description: 'A new organisation. The creating account becomes its member (PARTNER).' })
export class CreateOrganisationInput {
  @Field(() => String, { description: 'Official name (at most 300 characters); unique, ignoring case and Unicode normalisation.' })
  name!: string;

  @Field(() => OrganisationType, { description: 'Kind of organisation.' })
  type!: OrganisationType;

  @Field(() => String, { nullable: true, description: 'Y-tunnus with a correct check digit, e.g. "0171450-7"; unique.' })
  businessId?: string | null;

  @Field(() => String, { nullable: true, description: 'Association register number (yhdistysrekisterinumero), 1–6 digits.' })
  associationRegisterNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Home municipality code, e.g. "297".' })
  municipalityCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code of the address.' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Web site, an http(s) address.' })
  website?: string | null;

  @Field(() => String, { nullable: true, description: 'What the organisation does (at most 10 000 characters).' })
  description?: string | null;

  @Field(() => [ContactPersonInput], { nullable: true, description: 'Contact people.' })
  contactPeople?: ContactPersonInput[] | null;

  @Field(() => [ExternalIdInput], { nullable: true, description: 'Identifiers in other registers.' })
  externalIds?: ExternalIdInput[] | null;

  @Field(() => String, { nullable: true, description: 'Makes the call repeat-safe: the same key and input within 24 h returns the first result.' })
  idempotencyKey?: string | null;
}

@InputType({ description: 'Changes to an organisation: omitted fields stay as they are, null clears an optional field.' })
export class UpdateOrganisationInput {
  @Field(() => ID, { description: 'The organisation.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The `version` you read; a stale one gives VERSION_CONFLICT.' })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: 'Official name.' })
  name?: string | null;

  @Field(() => OrganisationType, { nullable: true, description: 'Kind of organisation.' })
  type?: OrganisationType | null;

  @Field(() => String, { nullable: true, description: 'Y-tunnus.' })
  businessId?: string | null;

  @Field(() => String, { nullable: true, description: 'Association register number.' })
  associationRegisterNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Home municipality code.' })
  municipalityCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Web site.' })
  website?: string | null;

  @Field(() => String, { nullable: true, description: 'Description.' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'Internal notes; coordinators and admins only.' })
  internalNotes?: string | null;

  @Field(() => [ContactPersonInput], { nullable: true, description: 'Replaces the contact people when given.' })
  contactPeople?: ContactPersonInput[] | null;
}

@InputType({ description: 'Archive an organisation (it stays readable, marked with `archivedAt`).' })
export class ArchiveOrganisationInput {
  @Field(() => ID, { description: 'The organisation.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The `version` you read.' })
  expectedVersion?: number | null;
}

/** Fields shared by adding and removing a member; each mutation still has its own input type (this one is never in the schema). */
@InputType()
export abstract class OrganisationMemberFields {
  @Field(() => ID, { description: 'The organisation.' })
  organisation!: string;

  @Field(() => ID, { description: 'The account (an Account ID).' })
  account!: string;
}

@InputType({ description: 'Make an account a member (PARTNER) of an organisation.' })
export class AddOrganisationMemberInput extends OrganisationMemberFields {}

@InputType({ description: 'Remove a member (PARTNER) from an organisation.' })
export class RemoveOrganisationMemberInput extends OrganisationMemberFields {}

@InputType({ description: 'Which membership to verify: the organisation and the member account.' })
export class VerifyOrganisationMemberInput {
  @Field(() => ID, { description: 'The organisation.' })
  organisation!: string;

  @Field(() => ID, { description: 'The member account (an Account ID).' })
  account!: string;
}

@ObjectType({ description: 'Result of a mutation on an organisation.' })
export class OrganisationPayload {
  @Field(() => Organisation, { nullable: true, description: 'The organisation after the change; null when userErrors are returned.' })
  organisation!: Organisation | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success. Nothing is written when there are any.' })
  userErrors!: UserError[];
}
