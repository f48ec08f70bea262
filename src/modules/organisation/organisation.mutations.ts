import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { forbidden } from '../../shared/errors';
import { MutationPayload } from '../../shared/mutations/payload';
import { checkVersion, runMutation } from '../mutation/mutation.runner';
import { assertNoUserErrors, refusal, UserErrorCode } from '../../shared/mutations/user-error';
import { Checks, MAX_NAME, MAX_TEXT, uniquenessKey } from '../../shared/mutations/validation';
import { decodeEntityId } from '../../shared/relay/global-id';
import { Account, Membership } from '../auth/account.entity';
import { canCreateOrganisation, canEditOrganisation, canManageMembers, canVerifyMembers } from '../auth/permissions';
import { isAdmin, isCoordinator, type Viewer } from '../auth/viewer';
import { Municipality } from '../geography/municipality.entity';
import { PostalArea } from '../geography/postal-area.entity';
import { ContactPerson } from './contact-person.entity';
import { ExternalId } from './external-id.entity';
import { Organisation } from './organisation.entity';
import {
  ArchiveOrganisationInput,
  type ContactPersonInput,
  CreateOrganisationInput,
  AddOrganisationMemberInput,
  RemoveOrganisationMemberInput,
  UpdateOrganisationInput,
  VerifyOrganisationMemberInput,
} from './organisation.mutation-inputs';

export const CreateOrganisationPayload = MutationPayload('CreateOrganisation', 'organisation', Organisation, 'organisation');
export const UpdateOrganisationPayload = MutationPayload('UpdateOrganisation', 'organisation', Organisation, 'organisation');
export const ArchiveOrganisationPayload = MutationPayload('ArchiveOrganisation', 'organisation', Organisation, 'organisation');
export const AddOrganisationMemberPayload = MutationPayload('AddOrganisationMember', 'organisation', Organisation, 'organisation');
export const RemoveOrganisationMemberPayload = MutationPayload('RemoveOrganisationMember', 'organisation', Organisation, 'organisation');
export const VerifyOrganisationMemberPayload = MutationPayload('VerifyOrganisationMember', 'organisation', Organisation, 'organisation');

interface OrganisationFields {
  name?: string | null;
  businessId?: string | null;
  associationRegisterNumber?: string | null;
  municipalityCode?: string | null;
  postalCode?: string | null;
  website?: string | null;
  description?: string | null;
  contactPeople?: ContactPersonInput[] | null;
}

/** Input checks that need no database; reference and uniqueness checks follow in `checkReferences`. */
export function validateOrganisationFields(input: OrganisationFields, creating: boolean): Checks {
  const checks = new Checks();
  if (creating || input.name !== undefined) checks.required(input.name, 'input.name');
  checks
    .maxLength(input.name, MAX_NAME, 'input.name')
    .businessId(input.businessId, 'input.businessId')
    .pattern(input.associationRegisterNumber, /^\d{1,6}$/, 'input.associationRegisterNumber', 'An association register number has 1–6 digits')
    .pattern(input.municipalityCode, /^\d{3}$/, 'input.municipalityCode', 'A municipality code has three digits, e.g. "297"')
    .pattern(input.postalCode, /^\d{5}$/, 'input.postalCode', 'A postal code has five digits')
    .url(input.website, 'input.website')
    .maxLength(input.website, 500, 'input.website')
    .maxLength(input.description, MAX_TEXT, 'input.description');
  input.contactPeople?.forEach((person, index) => {
    const field = `input.contactPeople[${index}]`;
    checks
      .required(person.name, `${field}.name`)
      .maxLength(person.name, 200, `${field}.name`)
      .maxLength(person.title, 200, `${field}.title`)
      .email(person.email, `${field}.email`)
      .pattern(person.phone, /^\+?[0-9 ()-]{5,40}$/, `${field}.phone`, 'A phone number has digits, spaces and an optional leading +');
  });
  return checks;
}

async function checkReferences(em: EntityManager, input: OrganisationFields, checks: Checks, ownId: number | null): Promise<void> {
  if (input.municipalityCode && !(await em.findOne(Municipality, { code: input.municipalityCode }))) {
    checks.add(UserErrorCode.UNKNOWN_MUNICIPALITY, 'input.municipalityCode', `Unknown municipality "${input.municipalityCode}"`);
  }
  if (input.postalCode && !(await em.findOne(PostalArea, { postalCode: input.postalCode }))) {
    checks.add(UserErrorCode.UNKNOWN_POSTAL_CODE, 'input.postalCode', `Unknown postal code "${input.postalCode}"`);
  }
  if (input.businessId) {
    const holder = await em.findOne(Organisation, { businessId: input.businessId });
    if (holder && holder.id !== ownId) {
      // Unique-key messages never name the holder (docs/security.md, "What an attacker can still learn").
      checks.add(UserErrorCode.ALREADY_EXISTS, 'input.businessId', 'Another organisation already has this Y-tunnus');
    }
  }
  if (input.name) {
    const [holder] = await em.execute<{ id: number }[]>(
        `select id from organisation where lower(normalize(regexp_replace(btrim(name), '\\s+', ' ', 'g'), NFC)) = ? and id <> ? limit 1`,
        [uniquenessKey(input.name), ownId ?? 0],
      );
    if (holder) checks.add(UserErrorCode.ALREADY_EXISTS, 'input.name', 'Another organisation already has this name');
  }
}

function replaceContactPeople(em: EntityManager, organisation: Organisation, people: ContactPersonInput[]): void {
  for (const person of people) {
    em.create(ContactPerson, { organisation: ref(organisation), name: person.name, title: person.title ?? undefined, email: person.email ?? undefined, phone: person.phone ?? undefined });
  }
}

/** A membership made by someone who may verify memberships is verified by them at once; others wait. */
function verification(em: EntityManager, viewer: Viewer): Pick<Membership, 'verifiedAt' | 'verifiedBy'> {
  return canVerifyMembers(viewer) ? { verifiedAt: new Date(), verifiedBy: em.getReference(Account, viewer.accountId!, { wrapped: true }) } : {};
}

async function findOrganisation(em: EntityManager, id: string, field: string): Promise<Organisation> {
  const key = decodeEntityId(id, ['Organisation'], field);
  const organisation = key === undefined ? null : await em.findOne(Organisation, { id: key });
  if (!organisation) throw refusal(UserErrorCode.NOT_FOUND, field, `No organisation ${id}`);
  return organisation;
}

@Resolver()
export class OrganisationMutationResolver {
  @Mutation(() => CreateOrganisationPayload, {
    nullable: true,
    description:
      'Register an organisation; the caller becomes its member, unverified until a coordinator or admin runs `verifyOrganisationMember` (coordinators and admins are verified at once). Any signed-in account with write access.',
  })
  async createOrganisation(@Arg('input', () => CreateOrganisationInput, { description: 'The organisation.' }) input: CreateOrganisationInput, @Ctx() ctx: Context) {
    if (ctx.viewer.accountId !== null && !canCreateOrganisation(ctx.viewer)) throw forbidden('You may not create organisations');
    const outcome = await runMutation(ctx, { operation: 'createOrganisation', conflictField: 'input.externalIds', idempotencyKey: input.idempotencyKey, input, resultEntity: Organisation }, async ({ em, flush }) => {
      const checks = validateOrganisationFields(input, true);
      assertNoUserErrors(checks.errors);
      await checkReferences(em, input, checks, null);
      assertNoUserErrors(checks.errors);
      const organisation = em.create(Organisation, {
        name: input.name,
        type: input.type,
        businessId: input.businessId ?? undefined,
        associationRegisterNumber: input.associationRegisterNumber ?? undefined,
        homeMunicipality: input.municipalityCode ? ref(em.getReference(Municipality, input.municipalityCode)) : undefined,
        postalArea: input.postalCode ? ref(em.getReference(PostalArea, input.postalCode)) : undefined,
        website: input.website ?? undefined,
        description: input.description ?? undefined,
      });
      replaceContactPeople(em, organisation, input.contactPeople ?? []);
      for (const external of input.externalIds ?? []) {
        em.create(ExternalId, { organisation: ref(organisation), system: external.system, value: external.value });
      }
      em.create(Membership, { account: em.getReference(Account, ctx.viewer.accountId!), organisation: ref(organisation), ...verification(em, ctx.viewer) });
      await flush();
      return organisation;
    });
    if (outcome.result && !ctx.viewer.organisationIds.includes(outcome.result.id)) {
      // The rest of this request (the payload's fields) sees the new membership too.
      const id = outcome.result.id;
      const verified = canVerifyMembers(ctx.viewer) ? [...ctx.viewer.verifiedOrganisationIds, id] : ctx.viewer.verifiedOrganisationIds;
      ctx.viewer = { ...ctx.viewer, organisationIds: [...ctx.viewer.organisationIds, id], verifiedOrganisationIds: verified };
    }
    return { organisation: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => UpdateOrganisationPayload, { nullable: true, description: "Change an organisation. Its members, coordinators and admins; internal notes only coordinators and admins." })
  async updateOrganisation(@Arg('input', () => UpdateOrganisationInput, { description: 'The changes.' }) input: UpdateOrganisationInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'updateOrganisation' }, async ({ em, actingFor }) => {
      const organisation = await findOrganisation(em, input.id, 'input.id');
      if (!canEditOrganisation(ctx.viewer, organisation.id)) throw forbidden('You may not edit this organisation');
      if (input.internalNotes !== undefined && !(isCoordinator(ctx.viewer) || isAdmin(ctx.viewer))) {
        throw forbidden('Only coordinators and admins may write internal notes');
      }
      checkVersion(organisation.version, input.expectedVersion);
      if (organisation.archivedAt) throw refusal(UserErrorCode.ARCHIVED, 'input.id', 'The organisation is archived');
      const checks = validateOrganisationFields(input, false);
      if (input.type === null) checks.add(UserErrorCode.REQUIRED, 'input.type', 'input.type cannot be cleared');
      assertNoUserErrors(checks.errors);
      await checkReferences(em, input, checks, organisation.id);
      assertNoUserErrors(checks.errors);
      if (input.name != null) organisation.name = input.name;
      if (input.type != null) organisation.type = input.type;
      if (input.businessId !== undefined) organisation.businessId = input.businessId ?? undefined;
      if (input.associationRegisterNumber !== undefined) organisation.associationRegisterNumber = input.associationRegisterNumber ?? undefined;
      if (input.municipalityCode !== undefined) {
        organisation.homeMunicipality = input.municipalityCode ? ref(em.getReference(Municipality, input.municipalityCode)) : undefined;
      }
      if (input.postalCode !== undefined) {
        organisation.postalArea = input.postalCode ? ref(em.getReference(PostalArea, input.postalCode)) : undefined;
      }
      if (input.website !== undefined) organisation.website = input.website ?? undefined;
      if (input.description !== undefined) organisation.description = input.description ?? undefined;
      if (input.internalNotes !== undefined) organisation.internalNotes = input.internalNotes ?? undefined;
      if (input.contactPeople != null) {
        // Through the unit of work, so that every removed person gets a DELETE row in the audit trail.
        for (const person of await em.find(ContactPerson, { organisation: organisation.id })) em.remove(person);
        replaceContactPeople(em, organisation, input.contactPeople);
      }
      actingFor(organisation.id);
      return organisation;
    });
    return { organisation: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => ArchiveOrganisationPayload, { nullable: true, description: 'Archive an organisation: it stays readable with `archivedAt` set and can no longer be edited.' })
  async archiveOrganisation(@Arg('input', () => ArchiveOrganisationInput, { description: 'Which organisation.' }) input: ArchiveOrganisationInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'archiveOrganisation' }, async ({ em, actingFor }) => {
      const organisation = await findOrganisation(em, input.id, 'input.id');
      if (!canEditOrganisation(ctx.viewer, organisation.id)) throw forbidden('You may not archive this organisation');
      checkVersion(organisation.version, input.expectedVersion);
      if (organisation.archivedAt) throw refusal(UserErrorCode.ARCHIVED, 'input.id', 'The organisation is already archived');
      organisation.archivedAt = new Date();
      actingFor(organisation.id);
      return organisation;
    });
    return { organisation: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => AddOrganisationMemberPayload, {
    nullable: true,
    description:
      "Make an account a member (PARTNER) of the organisation. The organisation's members and admins; the membership is verified when an admin or coordinator adds it, otherwise it waits for `verifyOrganisationMember`.",
  })
  async addOrganisationMember(@Arg('input', () => AddOrganisationMemberInput, { description: 'Organisation and account.' }) input: AddOrganisationMemberInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'addOrganisationMember', conflictField: 'input.account' }, async ({ em, actingFor }) => {
      const organisation = await findOrganisation(em, input.organisation, 'input.organisation');
      if (!canManageMembers(ctx.viewer, organisation.id)) throw forbidden('You may not manage the members of this organisation');
      const accountId = decodeEntityId(input.account, ['Account'], 'input.account')!;
      if (!(await em.findOne(Account, { id: accountId }))) {
        throw refusal(UserErrorCode.NOT_FOUND, 'input.account', `No account ${input.account}`);
      }
      if (await em.findOne(Membership, { account: accountId, organisation: organisation.id })) {
        throw refusal(UserErrorCode.ALREADY_EXISTS, 'input.account', 'The account is already a member');
      }
      em.create(Membership, { account: em.getReference(Account, accountId), organisation: ref(organisation), ...verification(em, ctx.viewer) });
      actingFor(organisation.id);
      return organisation;
    });
    return { organisation: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => RemoveOrganisationMemberPayload, { nullable: true, description: "Remove a member from the organisation. The organisation's members and admins." })
  async removeOrganisationMember(@Arg('input', () => RemoveOrganisationMemberInput, { description: 'Organisation and account.' }) input: RemoveOrganisationMemberInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'removeOrganisationMember' }, async ({ em, actingFor }) => {
      const organisation = await findOrganisation(em, input.organisation, 'input.organisation');
      if (!canManageMembers(ctx.viewer, organisation.id)) throw forbidden('You may not manage the members of this organisation');
      const accountId = decodeEntityId(input.account, ['Account'], 'input.account')!;
      const membership = await em.findOne(Membership, { account: accountId, organisation: organisation.id });
      if (!membership) throw refusal(UserErrorCode.NOT_FOUND, 'input.account', 'The account is not a member');
      em.remove(membership);
      actingFor(organisation.id);
      return organisation;
    });
    return { organisation: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => VerifyOrganisationMemberPayload, {
    nullable: true,
    description:
      'Confirm that a member really acts for the organisation. Verified members see the contact details of every organisation; unverified ones only their own. Coordinators and admins. Verifying a verified member changes nothing.',
  })
  async verifyOrganisationMember(
    @Arg('input', () => VerifyOrganisationMemberInput, { description: 'Organisation and account.' }) input: VerifyOrganisationMemberInput,
    @Ctx() ctx: Context,
  ) {
    if (ctx.viewer.accountId !== null && !canVerifyMembers(ctx.viewer)) throw forbidden('Only coordinators and admins may verify members');
    const outcome = await runMutation(ctx, { operation: 'verifyOrganisationMember' }, async ({ em, actingFor }) => {
      const organisation = await findOrganisation(em, input.organisation, 'input.organisation');
      const accountId = decodeEntityId(input.account, ['Account'], 'input.account');
      const membership = accountId === undefined ? null : await em.findOne(Membership, { account: accountId, organisation: organisation.id });
      if (!membership) throw refusal(UserErrorCode.NOT_FOUND, 'input.account', 'The account is not a member');
      if (!membership.verifiedAt) Object.assign(membership, verification(em, ctx.viewer));
      actingFor(organisation.id);
      return organisation;
    });
    return { organisation: outcome.result, userErrors: outcome.userErrors };
  }
}
