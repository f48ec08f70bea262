import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Ctx, Field, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { forbidden } from '../../shared/errors';
import { MutationPayload } from '../../shared/mutations/payload';
import { checkVersion, runMutation } from '../mutation/mutation.runner';
import { assertNoUserErrors, refusal, UserErrorCode, UserErrorsException } from '../../shared/mutations/user-error';
import { Checks, MAX_NAME, MAX_TEXT } from '../../shared/mutations/validation';
import { decodeEntityId } from '../../shared/relay/global-id';
import { Account, ProgrammeCoordinator } from '../auth/account.entity';
import { FundingSource } from '../funding/funding.enums';
import { canChangeProgrammeCode, canManageCoordinators, canManageProgramme } from '../auth/permissions';
import type { Viewer } from '../auth/viewer';
import { PostalArea } from '../geography/postal-area.entity';
import { Organisation } from '../organisation/organisation.entity';
import { ProgrammeArea, ProgrammeCeiling, ProgrammeDecision } from './programme-parts.entity';
import { Programme } from './programme.entity';
import {
  AddProgrammeDecisionInput,
  CreateProgrammeInput,
  AddProgrammeCoordinatorInput,
  RemoveProgrammeCoordinatorInput,
  RemoveProgrammeAreaInput,
  RemoveProgrammeCeilingInput,
  SetProgrammeAreaInput,
  SetProgrammeCeilingInput,
  UpdateProgrammeInput,
} from './programme.mutation-inputs';

export const CreateProgrammePayload = MutationPayload('CreateProgramme', 'programme', Programme, 'programme');
export const UpdateProgrammePayload = MutationPayload('UpdateProgramme', 'programme', Programme, 'programme');
export const SetProgrammeAreaPayload = MutationPayload('SetProgrammeArea', 'programme', Programme, 'programme');
export const RemoveProgrammeAreaPayload = MutationPayload('RemoveProgrammeArea', 'programme', Programme, 'programme');
export const SetProgrammeCeilingPayload = MutationPayload('SetProgrammeCeiling', 'programme', Programme, 'programme');
Field(() => ProgrammeCeiling, { nullable: true, description: 'The ceiling as set; null when userErrors are returned.' })(SetProgrammeCeilingPayload.prototype, 'ceiling');
export const RemoveProgrammeCeilingPayload = MutationPayload('RemoveProgrammeCeiling', 'programme', Programme, 'programme');
export const AddProgrammeDecisionPayload = MutationPayload('AddProgrammeDecision', 'programme', Programme, 'programme');
Field(() => ProgrammeDecision, { nullable: true, description: 'The recorded decision; null when userErrors are returned.' })(AddProgrammeDecisionPayload.prototype, 'decision');
export const AddProgrammeCoordinatorPayload = MutationPayload('AddProgrammeCoordinator', 'programme', Programme, 'programme');
export const RemoveProgrammeCoordinatorPayload = MutationPayload('RemoveProgrammeCoordinator', 'programme', Programme, 'programme');

const PROGRAMME_CODE = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;
const MAX_CODE = 60;
const MAX_DECISION_TEXT = 300;
/** Ceilings outside these years are surely typing mistakes. */
const FIRST_YEAR = 1995;
const LAST_YEAR = 2100;

interface ProgrammeFields {
  code?: string | null;
  name?: string | null;
  description?: string | null;
}

/** Input checks that need no database; references and uniqueness follow in `checkReferences`. */
export function validateProgrammeFields(input: ProgrammeFields, creating: boolean): Checks {
  const checks = new Checks();
  if (creating || input.code !== undefined) checks.required(input.code, 'input.code');
  if (creating || input.name !== undefined) checks.required(input.name, 'input.name');
  return checks
    .pattern(input.code || null, PROGRAMME_CODE, 'input.code', 'A programme code has capital letters, digits and single hyphens, e.g. "KAKE-KUOPIO-2021"')
    .maxLength(input.code, MAX_CODE, 'input.code')
    .maxLength(input.name, MAX_NAME, 'input.name')
    .maxLength(input.description, MAX_TEXT, 'input.description');
}

function notFound(field: string, what: string, id: string): UserErrorsException {
  return refusal(UserErrorCode.NOT_FOUND, field, `No ${what} ${id}`);
}

async function findProgramme(em: EntityManager, id: string, field: string): Promise<Programme> {
  const key = decodeEntityId(id, ['Programme'], field);
  const programme = key === undefined ? null : await em.findOne(Programme, { id: key });
  if (!programme) throw notFound(field, 'programme', id);
  return programme;
}

/** The programme, when the viewer may manage it: its coordinators and admins. */
async function findManagedProgramme(em: EntityManager, viewer: Viewer, id: string, field: string): Promise<Programme> {
  const programme = await findProgramme(em, id, field);
  if (!canManageProgramme(viewer, programme.id)) throw forbidden("Only the programme's coordinators and admins may change it");
  return programme;
}

interface ProgrammeReferences {
  code?: string | null;
  parent?: string | null;
  administeringOrganisation?: string | null;
}

/** Unique code, existing parent (not the programme itself or one of its descendants) and organisation. */
async function checkReferences(em: EntityManager, input: ProgrammeReferences, checks: Checks, ownId: number | null): Promise<void> {
  if (input.code) {
    const holder = await em.findOne(Programme, { code: input.code });
    // Unique-key messages never name the holder (docs/security.md, "What an attacker can still learn").
    if (holder && holder.id !== ownId) checks.add(UserErrorCode.ALREADY_EXISTS, 'input.code', 'Another programme already has this code');
  }
  if (input.parent) {
    const parentId = decodeEntityId(input.parent, ['Programme'], 'input.parent')!;
    if (!(await em.findOne(Programme, { id: parentId }))) {
      checks.add(UserErrorCode.NOT_FOUND, 'input.parent', `No programme ${input.parent}`);
    } else if (ownId !== null) {
      const [cycle] = await em.execute<{ id: number }[]>(
        `with recursive ancestor as (
           select id, parent_id from programme where id = ?
           union all
           select p.id, p.parent_id from programme p join ancestor a on p.id = a.parent_id
         ) select id from ancestor where id = ? limit 1`,
        [parentId, ownId],
      );
      if (cycle) checks.add(UserErrorCode.INVALID_VALUE, 'input.parent', 'A programme cannot be its own parent or the parent of its ancestors');
    }
  }
  if (input.administeringOrganisation) {
    const organisationId = decodeEntityId(input.administeringOrganisation, ['Organisation'], 'input.administeringOrganisation')!;
    if (!(await em.findOne(Organisation, { id: organisationId }))) {
      checks.add(UserErrorCode.NOT_FOUND, 'input.administeringOrganisation', `No organisation ${input.administeringOrganisation}`);
    }
  }
}

function organisationRef(em: EntityManager, id: string) {
  return ref(em.getReference(Organisation, decodeEntityId(id, ['Organisation'], 'input.administeringOrganisation')!));
}

function programmeRef(em: EntityManager, id: string) {
  return ref(em.getReference(Programme, decodeEntityId(id, ['Programme'], 'input.parent')!));
}

const SOURCE_ORDER: readonly string[] = Object.values(FundingSource);

/** In enum order and without repeats, so that [STATE, ESR] and [ESR, STATE] name the same ceiling. */
function canonicalSources(sources: readonly FundingSource[]): FundingSource[] {
  return [...new Set(sources)].sort((a, b) => SOURCE_ORDER.indexOf(a) - SOURCE_ORDER.indexOf(b));
}

@Resolver()
export class ProgrammeMutationResolver {
  @Mutation(() => CreateProgrammePayload, { nullable: true, description: 'Register a funding programme. Admins only.' })
  async createProgramme(@Arg('input', () => CreateProgrammeInput, { description: 'The programme.' }) input: CreateProgrammeInput, @Ctx() ctx: Context) {
    if (ctx.viewer.accountId !== null && !canManageProgramme(ctx.viewer, null)) throw forbidden('Only admins may create programmes');
    const outcome = await runMutation(ctx, { operation: 'createProgramme', idempotencyKey: input.idempotencyKey, input, resultEntity: Programme }, async ({ em }) => {
      const checks = validateProgrammeFields(input, true).period(input.periodStart, input.periodEnd, 'input.periodEnd');
      assertNoUserErrors(checks.errors);
      await checkReferences(em, input, checks, null);
      assertNoUserErrors(checks.errors);
      return em.create(Programme, {
        code: input.code,
        name: input.name.trim(),
        scheme: input.scheme,
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
        parent: input.parent ? programmeRef(em, input.parent) : undefined,
        administeringOrganisation: input.administeringOrganisation ? organisationRef(em, input.administeringOrganisation) : undefined,
        description: input.description ?? undefined,
      });
    });
    return { programme: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => UpdateProgrammePayload, { nullable: true, description: "Change a programme. Its coordinators and admins; the code only admins." })
  async updateProgramme(@Arg('input', () => UpdateProgrammeInput, { description: 'The changes.' }) input: UpdateProgrammeInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'updateProgramme' }, async ({ em }) => {
      const programme = await findManagedProgramme(em, ctx.viewer, input.id, 'input.id');
      if (input.code !== undefined && input.code !== programme.code && !canChangeProgrammeCode(ctx.viewer)) {
        throw forbidden('Only admins may change a programme code');
      }
      checkVersion(programme.version, input.expectedVersion);
      const checks = validateProgrammeFields(input, false);
      for (const field of ['scheme', 'periodStart', 'periodEnd'] as const) {
        if (input[field] === null) checks.add(UserErrorCode.REQUIRED, `input.${field}`, `input.${field} cannot be cleared`);
      }
      checks.period(input.periodStart ?? programme.periodStart, input.periodEnd ?? programme.periodEnd, 'input.periodEnd');
      assertNoUserErrors(checks.errors);
      await checkReferences(em, input, checks, programme.id);
      assertNoUserErrors(checks.errors);
      if (input.code != null) programme.code = input.code;
      if (input.name != null) programme.name = input.name.trim();
      if (input.scheme != null) programme.scheme = input.scheme;
      if (input.periodStart != null) programme.periodStart = input.periodStart;
      if (input.periodEnd != null) programme.periodEnd = input.periodEnd;
      if (input.parent !== undefined) programme.parent = input.parent ? programmeRef(em, input.parent) : undefined;
      if (input.administeringOrganisation !== undefined) {
        programme.administeringOrganisation = input.administeringOrganisation ? organisationRef(em, input.administeringOrganisation) : undefined;
      }
      if (input.description !== undefined) programme.description = input.description ?? undefined;
      return programme;
    });
    return { programme: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => SetProgrammeAreaPayload, {
    nullable: true,
    description: "Add a postal-code area to the programme's territory, or change its URBAN/RURAL marking. The programme's coordinators and admins.",
  })
  async setProgrammeArea(@Arg('input', () => SetProgrammeAreaInput, { description: 'Programme, postal code and marking.' }) input: SetProgrammeAreaInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'setProgrammeArea', conflictField: 'input.postalCode' }, async ({ em }) => {
      const programme = await findManagedProgramme(em, ctx.viewer, input.programme, 'input.programme');
      if (!/^\d{5}$/.test(input.postalCode) || !(await em.findOne(PostalArea, { postalCode: input.postalCode }))) {
        throw refusal(UserErrorCode.UNKNOWN_POSTAL_CODE, 'input.postalCode', `Unknown postal code "${input.postalCode}"`);
      }
      const area = await em.findOne(ProgrammeArea, { programme: programme.id, postalArea: input.postalCode });
      if (area) {
        area.areaType = input.areaType;
      } else {
        em.create(ProgrammeArea, { programme: ref(programme), postalArea: ref(em.getReference(PostalArea, input.postalCode)), areaType: input.areaType });
      }
      return programme;
    });
    return { programme: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => RemoveProgrammeAreaPayload, { nullable: true, description: "Remove a postal-code area from the programme's territory. The programme's coordinators and admins." })
  async removeProgrammeArea(@Arg('input', () => RemoveProgrammeAreaInput, { description: 'Programme and postal code.' }) input: RemoveProgrammeAreaInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'removeProgrammeArea' }, async ({ em }) => {
      const programme = await findManagedProgramme(em, ctx.viewer, input.programme, 'input.programme');
      const area = /^\d{5}$/.test(input.postalCode) ? await em.findOne(ProgrammeArea, { programme: programme.id, postalArea: input.postalCode }) : null;
      if (!area) throw notFound('input.postalCode', 'area in the territory with postal code', `"${input.postalCode}"`);
      em.remove(area);
      return programme;
    });
    return { programme: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => SetProgrammeCeilingPayload, {
    nullable: true,
    description:
      "Add an annual ceiling to the programme, or change the one with the same sources and year. The programme's coordinators and admins. " +
      'Hard ceilings block funding decisions over them (CEILING_EXCEEDED); approximate ones ("about 100 000 € a year") never block.',
  })
  async setProgrammeCeiling(@Arg('input', () => SetProgrammeCeilingInput, { description: 'The ceiling.' }) input: SetProgrammeCeilingInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'setProgrammeCeiling' }, async ({ em }) => {
      const programme = await findManagedProgramme(em, ctx.viewer, input.programme, 'input.programme');
      const checks = new Checks();
      if (input.sources.length === 0) checks.add(UserErrorCode.REQUIRED, 'input.sources', 'A ceiling needs at least one funding source');
      if (input.year != null && (input.year < FIRST_YEAR || input.year > LAST_YEAR)) {
        checks.add(UserErrorCode.INVALID_VALUE, 'input.year', `The year must be between ${FIRST_YEAR} and ${LAST_YEAR}`);
      }
      assertNoUserErrors(checks.errors);
      const sources = canonicalSources(input.sources);
      const year = input.year ?? null;
      const existing = (await em.find(ProgrammeCeiling, { programme: programme.id })).find(
        (ceiling) => (ceiling.year ?? null) === year && canonicalSources(ceiling.sources).join() === sources.join(),
      );
      const approximate = input.approximate ?? false;
      const ceiling =
        existing ?? em.create(ProgrammeCeiling, { programme: ref(programme), sources, annualAmount: input.annualAmount, year: year ?? undefined, approximate });
      ceiling.annualAmount = input.annualAmount;
      ceiling.approximate = approximate;
      return { programme, ceiling };
    });
    return { programme: outcome.result?.programme ?? null, ceiling: outcome.result?.ceiling ?? null, userErrors: outcome.userErrors };
  }

  @Mutation(() => RemoveProgrammeCeilingPayload, { nullable: true, description: "Remove an annual ceiling. The programme's coordinators and admins." })
  async removeProgrammeCeiling(@Arg('input', () => RemoveProgrammeCeilingInput, { description: 'Which ceiling.' }) input: RemoveProgrammeCeilingInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'removeProgrammeCeiling' }, async ({ em }) => {
      const key = decodeEntityId(input.id, ['ProgrammeCeiling'], 'input.id');
      const ceiling = key === undefined ? null : await em.findOne(ProgrammeCeiling, { id: key });
      if (!ceiling) throw notFound('input.id', 'ceiling', input.id);
      const programme = await em.findOneOrFail(Programme, { id: ceiling.programme.id });
      if (!canManageProgramme(ctx.viewer, programme.id)) throw forbidden("Only the programme's coordinators and admins may change it");
      em.remove(ceiling);
      return programme;
    });
    return { programme: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => AddProgrammeDecisionPayload, { nullable: true, description: "Record a decision that set up or changed the programme. The programme's coordinators and admins." })
  async addProgrammeDecision(@Arg('input', () => AddProgrammeDecisionInput, { description: 'The decision.' }) input: AddProgrammeDecisionInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'addProgrammeDecision' }, async ({ em }) => {
      const programme = await findManagedProgramme(em, ctx.viewer, input.programme, 'input.programme');
      const checks = new Checks()
        .required(input.body, 'input.body')
        .maxLength(input.body, MAX_DECISION_TEXT, 'input.body')
        .maxLength(input.reference, MAX_DECISION_TEXT, 'input.reference')
        .maxLength(input.summary, MAX_TEXT, 'input.summary');
      assertNoUserErrors(checks.errors);
      const decision = em.create(ProgrammeDecision, {
        programme: ref(programme),
        body: input.body.trim(),
        date: input.date,
        reference: input.reference ?? undefined,
        outcome: input.outcome,
        summary: input.summary ?? undefined,
      });
      return { programme, decision };
    });
    return { programme: outcome.result?.programme ?? null, decision: outcome.result?.decision ?? null, userErrors: outcome.userErrors };
  }

  @Mutation(() => AddProgrammeCoordinatorPayload, { nullable: true, description: 'Make an account a coordinator of the programme. Admins only.' })
  async addProgrammeCoordinator(@Arg('input', () => AddProgrammeCoordinatorInput, { description: 'Programme and account.' }) input: AddProgrammeCoordinatorInput, @Ctx() ctx: Context) {
    if (ctx.viewer.accountId !== null && !canManageCoordinators(ctx.viewer)) throw forbidden('Only admins may appoint coordinators');
    const outcome = await runMutation(ctx, { operation: 'addProgrammeCoordinator', conflictField: 'input.account' }, async ({ em }) => {
      const programme = await findProgramme(em, input.programme, 'input.programme');
      const accountId = decodeEntityId(input.account, ['Account'], 'input.account')!;
      if (!(await em.findOne(Account, { id: accountId }))) throw notFound('input.account', 'account', input.account);
      if (await em.findOne(ProgrammeCoordinator, { account: accountId, programme: programme.id })) {
        throw refusal(UserErrorCode.ALREADY_EXISTS, 'input.account', 'The account already coordinates the programme');
      }
      em.create(ProgrammeCoordinator, { account: em.getReference(Account, accountId), programme: ref(programme) });
      return programme;
    });
    return { programme: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => RemoveProgrammeCoordinatorPayload, { nullable: true, description: 'Stop an account being a coordinator of the programme. Admins only.' })
  async removeProgrammeCoordinator(@Arg('input', () => RemoveProgrammeCoordinatorInput, { description: 'Programme and account.' }) input: RemoveProgrammeCoordinatorInput, @Ctx() ctx: Context) {
    if (ctx.viewer.accountId !== null && !canManageCoordinators(ctx.viewer)) throw forbidden('Only admins may remove coordinators');
    const outcome = await runMutation(ctx, { operation: 'removeProgrammeCoordinator' }, async ({ em }) => {
      const programme = await findProgramme(em, input.programme, 'input.programme');
      const accountId = decodeEntityId(input.account, ['Account'], 'input.account')!;
      const coordinator = await em.findOne(ProgrammeCoordinator, { account: accountId, programme: programme.id });
      if (!coordinator) throw refusal(UserErrorCode.NOT_FOUND, 'input.account', 'The account does not coordinate the programme');
      em.remove(coordinator);
      return programme;
    });
    return { programme: outcome.result, userErrors: outcome.userErrors };
  }
}
