import { LockMode, ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Ctx, Field, ID, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { forbidden } from '../../shared/errors';
import { MutationPayload } from '../../shared/mutations/payload';
import { checkVersion, runMutation } from '../mutation/mutation.runner';
import { assertNoUserErrors, refusal, userError, UserErrorCode, UserErrorsException } from '../../shared/mutations/user-error';
import { Checks } from '../../shared/mutations/validation';
import { decodeEntityId, toGlobalId } from '../../shared/relay/global-id';
import { canManageFunding } from '../auth/permissions';
import type { Viewer } from '../auth/viewer';
import { ProgrammeCeiling } from '../programme/programme-parts.entity';
import { Project } from '../project/project.entity';
import {
  applicableCeilings,
  breachMessage,
  decisionYear,
  findCeilingBreaches,
  toCents,
  type CeilingRule,
  type GrantDecision,
  type GrantedBySource,
} from './ceilings';
import { FundingLine } from './funding-line.entity';
import type { FundingSource } from './funding.enums';
import {
  type CeilingOverrideInput,
  CreateFundingLineInput,
  DeleteFundingLineInput,
  UpdateFundingLineInput,
} from './funding.mutation-inputs';

export const CreateFundingLinePayload = MutationPayload('CreateFundingLine', 'fundingLine', FundingLine, 'funding line');
export const UpdateFundingLinePayload = MutationPayload('UpdateFundingLine', 'fundingLine', FundingLine, 'funding line');
export const DeleteFundingLinePayload = MutationPayload('DeleteFundingLine', 'project', Project, 'project');
Field(() => ID, { nullable: true, description: 'Global ID of the removed funding line; null when userErrors are returned.' })(
  DeleteFundingLinePayload.prototype,
  'deletedFundingLineId',
);

export const MAX_DECISION_REFERENCE = 200;
export const MAX_OVERRIDE_REASON = 1000;
/** First key of the transaction-scoped advisory lock that serialises ceiling checks per programme. */
const CEILING_LOCK = 0x5117a;

interface FundingLineFields {
  decisionReference?: string | null;
  overrideCeiling?: CeilingOverrideInput | null;
}

/** Input checks that need no database. */
export function validateFundingLineFields(input: FundingLineFields, resulting: { granted: string; decisionDate: string | null }): Checks {
  const checks = new Checks().maxLength(input.decisionReference, MAX_DECISION_REFERENCE, 'input.decisionReference');
  if (toCents(resulting.granted) > 0n && !resulting.decisionDate) {
    checks.add(UserErrorCode.REQUIRED, 'input.decisionDate', 'A granted amount needs the date of the funding decision (input.decisionDate)');
  }
  if (input.overrideCeiling) {
    checks
      .required(input.overrideCeiling.reason, 'input.overrideCeiling.reason')
      .maxLength(input.overrideCeiling.reason, MAX_OVERRIDE_REASON, 'input.overrideCeiling.reason');
  }
  return checks;
}

/** The project, unless it does not exist or the viewer may not see it: both are NOT_FOUND. */
async function findVisibleProject(em: EntityManager, id: number | undefined, field: string, given: string): Promise<Project> {
  // Row-level security: a project the viewer may not see is not found.
  const project = id === undefined ? null : await em.findOne(Project, { id });
  if (!project) throw refusal(UserErrorCode.NOT_FOUND, field, `No project ${given}`);
  return project;
}

/** The line, locked for the rest of the transaction, and its project; a line of a hidden project is NOT_FOUND. */
async function findFundingLine(em: EntityManager, viewer: Viewer, id: string): Promise<{ line: FundingLine; project: Project }> {
  const key = decodeEntityId(id, ['FundingLine'], 'input.id');
  const line = key === undefined ? null : await em.findOne(FundingLine, { id: key }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!line) throw refusal(UserErrorCode.NOT_FOUND, 'input.id', `No funding line ${id}`);
  try {
    return { line, project: await findVisibleProject(em, line.project.id, 'input.id', id) };
  } catch (error) {
    if (error instanceof UserErrorsException) throw refusal(UserErrorCode.NOT_FOUND, 'input.id', `No funding line ${id}`);
    throw error;
  }
}

function requireFundingManager(viewer: Viewer, project: Project): void {
  if (!canManageFunding(viewer, project.programme.id)) throw forbidden("Only the programme's coordinators manage its funding lines and decisions");
}

/**
 * Checks the programme's hard annual ceilings for the decision. Returns the override reason to
 * store when a breach is confirmed, null when there is no breach; throws CEILING_EXCEEDED otherwise.
 * Decisions of one programme are serialised by an advisory lock, so that two concurrent grants
 * cannot both pass under the ceiling.
 */
async function checkCeilings(
  em: EntityManager,
  programmeId: number,
  next: GrantDecision,
  previous: GrantDecision | null,
  lineId: number | null,
  override: CeilingOverrideInput | null | undefined,
): Promise<string | null> {
  const year = decisionYear(next.decisionDate);
  if (year === null || toCents(next.granted) === 0n) return null;
  await em.execute('select pg_advisory_xact_lock(?::int, ?::int)', [CEILING_LOCK, programmeId]);
  const rules: CeilingRule[] = (await em.find(ProgrammeCeiling, { programme: programmeId }, { orderBy: { id: 'asc' } })).map((ceiling) => ({
    id: ceiling.id,
    sources: ceiling.sources,
    annualAmount: ceiling.annualAmount,
    year: ceiling.year ?? null,
    approximate: ceiling.approximate,
  }));
  if (applicableCeilings(rules, next.source, year).length === 0) return null;
  // Exact numeric sums in PostgreSQL, handed over as text; the comparison is in BigInt cents.
  const rows = await em.execute<{ source: FundingSource; granted: string }[]>(
    `select f.source, sum(f.granted)::text as granted
     from funding_line f join project p on p.id = f.project_id
     where p.programme_id = ? and f.decision_date >= ?::date and f.decision_date < ?::date and f.id <> ?
     group by f.source`,
    [programmeId, `${year}-01-01`, `${year + 1}-01-01`, lineId ?? 0],
  );
  const others: GrantedBySource = Object.fromEntries(rows.map((row) => [row.source, row.granted]));
  const breaches = findCeilingBreaches(rules, next, others, previous);
  if (breaches.length === 0) return null;
  if (!override) throw new UserErrorsException(breaches.map((breach) => userError(UserErrorCode.CEILING_EXCEEDED, 'input.granted', breachMessage(breach))));
  return override.reason;
}

@Resolver()
export class FundingMutationResolver {
  @Mutation(() => CreateFundingLinePayload, {
    nullable: true,
    description:
      "Add a funding line or decision to a project. The project's programme's coordinators only. " +
      'A decision over a hard annual ceiling gives CEILING_EXCEEDED unless confirmed with overrideCeiling; approximate ceilings never block.',
  })
  async createFundingLine(@Arg('input', () => CreateFundingLineInput, { description: 'The funding line.' }) input: CreateFundingLineInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'createFundingLine', idempotencyKey: input.idempotencyKey, input, resultEntity: FundingLine }, async ({ em }) => {
      const projectId = decodeEntityId(input.project, ['Project'], 'input.project');
      const project = await findVisibleProject(em, projectId, 'input.project', input.project);
      requireFundingManager(ctx.viewer, project);
      const next: GrantDecision = { source: input.source, granted: input.granted ?? '0.00', decisionDate: input.decisionDate ?? null };
      assertNoUserErrors(validateFundingLineFields(input, next).errors);
      const overrideReason = await checkCeilings(em, project.programme.id, next, null, null, input.overrideCeiling);
      return em.create(FundingLine, {
        project: ref(project),
        source: input.source,
        planned: input.planned ?? '0.00',
        granted: next.granted,
        paid: input.paid ?? '0.00',
        decisionDate: input.decisionDate ?? undefined,
        decisionReference: input.decisionReference ?? undefined,
        ceilingOverrideReason: overrideReason ?? undefined,
      });
    });
    return { fundingLine: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => UpdateFundingLinePayload, {
    nullable: true,
    description:
      "Change a funding line or decision. The project's programme's coordinators only. " +
      'Raising a decision over a hard annual ceiling gives CEILING_EXCEEDED unless confirmed with overrideCeiling; lowering one is always allowed.',
  })
  async updateFundingLine(@Arg('input', () => UpdateFundingLineInput, { description: 'The changes.' }) input: UpdateFundingLineInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'updateFundingLine' }, async ({ em }) => {
      const { line, project } = await findFundingLine(em, ctx.viewer, input.id);
      requireFundingManager(ctx.viewer, project);
      checkVersion(line.version, input.expectedVersion);
      const previous: GrantDecision = { source: line.source, granted: line.granted, decisionDate: line.decisionDate ?? null };
      const next: GrantDecision = {
        source: input.source ?? line.source,
        granted: input.granted ?? line.granted,
        decisionDate: input.decisionDate === undefined ? previous.decisionDate : input.decisionDate,
      };
      const checks = validateFundingLineFields(input, next);
      for (const field of ['source', 'planned', 'granted', 'paid'] as const) {
        if (input[field] === null) checks.add(UserErrorCode.REQUIRED, `input.${field}`, `input.${field} cannot be cleared${field === 'source' ? '' : '; send "0.00"'}`);
      }
      assertNoUserErrors(checks.errors);
      const decisionChanged = next.source !== previous.source || toCents(next.granted) !== toCents(previous.granted) || next.decisionDate !== previous.decisionDate;
      if (decisionChanged || input.overrideCeiling) {
        const overrideReason = await checkCeilings(em, project.programme.id, next, previous, line.id, input.overrideCeiling);
        if (overrideReason !== null) line.ceilingOverrideReason = overrideReason;
      }
      line.source = next.source;
      line.granted = next.granted;
      line.decisionDate = next.decisionDate ?? undefined;
      if (input.planned != null) line.planned = input.planned;
      if (input.paid != null) line.paid = input.paid;
      if (input.decisionReference !== undefined) line.decisionReference = input.decisionReference ?? undefined;
      return line;
    });
    return { fundingLine: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => DeleteFundingLinePayload, { nullable: true, description: "Remove a funding line or decision. The project's programme's coordinators only." })
  async deleteFundingLine(@Arg('input', () => DeleteFundingLineInput, { description: 'Which funding line.' }) input: DeleteFundingLineInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'deleteFundingLine' }, async ({ em }) => {
      const { line, project } = await findFundingLine(em, ctx.viewer, input.id);
      requireFundingManager(ctx.viewer, project);
      checkVersion(line.version, input.expectedVersion);
      const deletedFundingLineId = toGlobalId('FundingLine', line.id);
      em.remove(line);
      return { project, deletedFundingLineId };
    });
    return { project: outcome.result?.project ?? null, deletedFundingLineId: outcome.result?.deletedFundingLineId ?? null, userErrors: outcome.userErrors };
  }
}
