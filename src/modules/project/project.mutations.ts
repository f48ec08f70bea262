import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { forbidden } from '../../shared/errors';
import { MutationPayload } from '../../shared/mutations/payload';
import { checkVersion, runMutation } from '../mutation/mutation.runner';
import { assertNoUserErrors, refusal, UserErrorCode, UserErrorsException } from '../../shared/mutations/user-error';
import { type Checks, uniquenessKey } from '../../shared/mutations/validation';
import { decodeEntityId } from '../../shared/relay/global-id';
import {
  TRANSITIONS,
  canCreateProject,
  canEditProject,
  canEditProjectInStatus,
  canTransition,
  isAllowedTransition,
  type ProjectAccess,
} from '../auth/permissions';
import { isCoordinator, type Viewer } from '../auth/viewer';
import { PostalArea } from '../geography/postal-area.entity';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Participation } from './participation.entity';
import { ParticipationRole, ProjectStatus } from './project.enums';
import { Project, ProjectLocation, ProjectTargetGroup, ProjectTheme } from './project.entity';
import {
  AddProjectParticipantInput,
  CreateProjectInput,
  RemoveProjectParticipantInput,
  TransitionProjectInput,
  UpdateProjectInput,
} from './project.mutation-inputs';
import { distinctCodes, normaliseIdentifier, todayInFinland, transitionDates, validateProjectFields, type ProjectFields } from './project.validation';
import { TargetGroup, Theme } from './vocabulary.entity';

export const CreateProjectPayload = MutationPayload('CreateProject', 'project', Project, 'project');
export const UpdateProjectPayload = MutationPayload('UpdateProject', 'project', Project, 'project');
export const TransitionProjectPayload = MutationPayload('TransitionProject', 'project', Project, 'project');
export const AddProjectParticipantPayload = MutationPayload('AddProjectParticipant', 'participation', Participation, 'new participation');
export const RemoveProjectParticipantPayload = MutationPayload('RemoveProjectParticipant', 'project', Project, 'project');

const UNIQUE_IDENTIFIERS = [
  { key: 'code', column: 'code', label: 'code' },
  { key: 'euraCode', column: 'eura_code', label: 'EURA code' },
  { key: 'hyrraNumber', column: 'hyrra_number', label: 'Hyrrä number' },
] as const;

function notFound(field: string, what: string): UserErrorsException {
  return refusal(UserErrorCode.NOT_FOUND, field, `No ${what}`);
}

/**
 * The project if it exists and the viewer may see it. Row-level security makes draft and rejected
 * projects the viewer may not see behave exactly like missing ones, so that no mutation reveals that
 * they exist. `lock` takes the row lock that serialises changes to its participations.
 */
async function loadVisibleProject(em: EntityManager, id: number, lock = false): Promise<Project | null> {
  const rows = await em.execute<{ id: number }[]>(`select t.id from project t where t.id = ?${lock ? ' for update of t' : ''}`, [id]);
  return rows.length > 0 ? em.findOne(Project, { id }) : null;
}

async function findVisibleProject(em: EntityManager, id: string, field: string, lock = false): Promise<Project> {
  const key = decodeEntityId(id, ['Project'], field);
  const project = key === undefined ? null : await loadVisibleProject(em, key, lock);
  if (!project) throw notFound(field, `project ${id}`);
  return project;
}

async function accessOf(em: EntityManager, project: Project): Promise<ProjectAccess> {
  const leads = await em.find(Participation, { project: project.id, role: ParticipationRole.LEAD }, { orderBy: { id: 'asc' } });
  return { programmeId: project.programme.id, leadOrganisationIds: leads.map((lead) => lead.organisation.id) };
}

/** Editing (fields, participants): FORBIDDEN for outsiders, and for partners once the project is closed. */
function assertCanEdit(viewer: Viewer, access: ProjectAccess, status: ProjectStatus): void {
  if (!canEditProject(viewer, access)) throw forbidden("Only the lead organisation's members and the programme's coordinators may change this project");
  if (!canEditProjectInStatus(viewer, access, status)) {
    throw forbidden(`The project is ${status}; only the programme's coordinators may still change it`);
  }
}

interface References {
  themes?: Theme[];
  targetGroups?: TargetGroup[];
  locations?: string[];
  parent?: Project | null;
}

/** Whether `candidateParent` is `project` itself or one of its pilots (at any depth): a cycle. */
async function wouldCycle(em: EntityManager, candidateParent: number, project: number): Promise<boolean> {
  const rows = await em.execute<unknown[]>(
    `with recursive up(id, parent_id) as (
       select id, parent_id from project where id = ?
       union select p.id, p.parent_id from project p join up on p.id = up.parent_id)
     select 1 from up where id = ? limit 1`,
    [candidateParent, project],
  );
  return rows.length > 0;
}

/** Vocabulary terms by code; an unknown code is INVALID_VALUE at its position in the list. */
async function vocabulary<T extends Theme | TargetGroup>(
  em: EntityManager,
  entity: typeof Theme | typeof TargetGroup,
  given: readonly string[] | null,
  checks: Checks,
  field: string,
  label: string,
): Promise<T[]> {
  const codes = distinctCodes(given);
  const found = codes.length > 0 ? ((await em.find(entity, { code: { $in: codes } })) as T[]) : [];
  const byCode = new Map(found.map((term) => [term.code, term]));
  given?.forEach((code, index) => {
    if (code.trim() !== '' && !byCode.has(code.trim())) checks.add(UserErrorCode.INVALID_VALUE, `${field}[${index}]`, `Unknown ${label} "${code}"`);
  });
  return codes.flatMap((code) => byCode.get(code) ?? []);
}

/** Checks that need the database: vocabularies, postal codes, the umbrella project and unique identifiers. */
async function checkReferences(
  em: EntityManager,
  viewer: Viewer,
  input: ProjectFields & { parent?: string | null },
  checks: Checks,
  own: Project | null,
): Promise<References> {
  const references: References = {};
  if (input.themes !== undefined) references.themes = await vocabulary<Theme>(em, Theme, input.themes, checks, 'input.themes', 'theme');
  if (input.targetGroups !== undefined) {
    references.targetGroups = await vocabulary<TargetGroup>(em, TargetGroup, input.targetGroups, checks, 'input.targetGroups', 'target group');
  }
  if (input.locations !== undefined) {
    const codes = distinctCodes(input.locations);
    const known = new Set(codes.length > 0 ? (await em.find(PostalArea, { postalCode: { $in: codes } })).map((area) => area.postalCode) : []);
    input.locations?.forEach((code, index) => {
      if (/^\d{5}$/.test(code.trim()) && !known.has(code.trim())) {
        checks.add(UserErrorCode.UNKNOWN_POSTAL_CODE, `input.locations[${index}]`, `Unknown postal code "${code}"`);
      }
    });
    references.locations = codes;
  }
  if (input.parent === null) references.parent = null;
  if (input.parent != null) {
    const key = decodeEntityId(input.parent, ['Project'], 'input.parent');
    const parent = key === undefined ? null : await loadVisibleProject(em, key);
    if (!parent) checks.add(UserErrorCode.NOT_FOUND, 'input.parent', `No project ${input.parent}`);
    else if (own && (await wouldCycle(em, parent.id, own.id))) {
      checks.add(UserErrorCode.INVALID_VALUE, 'input.parent', 'A project cannot be under itself or under one of its own pilots');
    }
    references.parent = parent;
  }
  for (const { key, column, label } of UNIQUE_IDENTIFIERS) {
    const value = normaliseIdentifier(input[key]);
    if (!value) continue;
    const canonical = uniquenessKey(value);
    // Serialises concurrent claims on the same canonical value, which the plain unique constraint cannot see.
    await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`project.${column}:${canonical}`]);
    // Row-level security would hide a draft holding the value: the database function looks at every project.
    const [{ taken }] = await em.execute<{ taken: boolean }[]>('select silta_project_identifier_taken(?, ?, ?) as taken', [column, canonical, own?.id ?? 0]);
    // The holder may be a draft the caller cannot see: the message names neither it nor anything about it
    // (docs/security.md, "What an attacker can still learn").
    if (taken) checks.add(UserErrorCode.ALREADY_EXISTS, `input.${key}`, `Another project already has this ${label}`);
  }
  return references;
}

/** Makes a pivot set equal to `wanted`, removing and adding only the difference (so the audit trail shows it). */
function syncSet<R extends object, K>(em: EntityManager, existing: R[], keyOf: (row: R) => K, wanted: readonly K[], create: (key: K) => void): boolean {
  const wantedKeys = new Set(wanted);
  const existingKeys = new Set(existing.map(keyOf));
  let changed = false;
  for (const row of existing) {
    if (!wantedKeys.has(keyOf(row))) {
      em.remove(row);
      changed = true;
    }
  }
  for (const key of wantedKeys) {
    if (!existingKeys.has(key)) {
      create(key);
      changed = true;
    }
  }
  return changed;
}

async function replaceSets(em: EntityManager, project: Project, references: References): Promise<boolean> {
  let changed = false;
  if (references.themes) {
    const byId = new Map(references.themes.map((theme) => [theme.id, theme]));
    const existing = await em.find(ProjectTheme, { project: project.id });
    changed =
      syncSet(em, existing, (row) => row.theme.id, [...byId.keys()], (id) => em.create(ProjectTheme, { project, theme: byId.get(id)! })) || changed;
  }
  if (references.targetGroups) {
    const byId = new Map(references.targetGroups.map((group) => [group.id, group]));
    const existing = await em.find(ProjectTargetGroup, { project: project.id });
    changed =
      syncSet(em, existing, (row) => row.targetGroup.id, [...byId.keys()], (id) =>
        em.create(ProjectTargetGroup, { project, targetGroup: byId.get(id)! }),
      ) || changed;
  }
  if (references.locations) {
    const existing = await em.find(ProjectLocation, { project: project.id });
    changed =
      syncSet(em, existing, (row) => row.postalArea.unwrap().postalCode, references.locations, (code) =>
        em.create(ProjectLocation, { project, postalArea: em.getReference(PostalArea, code) }),
      ) || changed;
  }
  return changed;
}

@Resolver()
export class ProjectMutationResolver {
  @Mutation(() => CreateProjectPayload, {
    nullable: true,
    description:
      "Create a project as its lead organisation: members of `leadOrganisation`, or the programme's coordinators. It starts as a DRAFT with a LEAD participation for the lead organisation.",
  })
  async createProject(@Arg('input', () => CreateProjectInput, { description: 'The project.' }) input: CreateProjectInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'createProject', idempotencyKey: input.idempotencyKey, input, resultEntity: Project }, async ({ em, actingFor }) => {
      const leadId = decodeEntityId(input.leadOrganisation, ['Organisation'], 'input.leadOrganisation');
      const programmeId = decodeEntityId(input.programme, ['Programme'], 'input.programme');
      const lead = leadId === undefined ? null : await em.findOne(Organisation, { id: leadId });
      if (!lead) throw notFound('input.leadOrganisation', `organisation ${input.leadOrganisation}`);
      const programme = programmeId === undefined ? null : await em.findOne(Programme, { id: programmeId });
      if (!programme) throw notFound('input.programme', `programme ${input.programme}`);
      if (!canCreateProject(ctx.viewer, lead.id, programme.id)) {
        throw forbidden("Create projects as a member of the lead organisation (or as a coordinator of the programme)");
      }
      if (lead.archivedAt) throw refusal(UserErrorCode.ARCHIVED, 'input.leadOrganisation', `${lead.name} is archived`);
      const checks = validateProjectFields(input, null);
      assertNoUserErrors(checks.errors);
      const references = await checkReferences(em, ctx.viewer, input, checks, null);
      assertNoUserErrors(checks.errors);
      const project = em.create(Project, {
        programme,
        code: normaliseIdentifier(input.code)!,
        euraCode: normaliseIdentifier(input.euraCode) ?? undefined,
        hyrraNumber: normaliseIdentifier(input.hyrraNumber) ?? undefined,
        recordNumber: normaliseIdentifier(input.recordNumber) ?? undefined,
        title: input.title,
        summary: input.summary ?? undefined,
        purpose: input.purpose ?? undefined,
        achievements: input.achievements ?? undefined,
        status: ProjectStatus.DRAFT,
        plannedStart: input.plannedStart ?? undefined,
        plannedEnd: input.plannedEnd ?? undefined,
        parent: references.parent ?? undefined,
      });
      em.create(Participation, { project, organisation: lead, role: ParticipationRole.LEAD });
      for (const theme of references.themes ?? []) em.create(ProjectTheme, { project, theme });
      for (const targetGroup of references.targetGroups ?? []) em.create(ProjectTargetGroup, { project, targetGroup });
      for (const code of references.locations ?? []) em.create(ProjectLocation, { project, postalArea: em.getReference(PostalArea, code) });
      actingFor(lead.id);
      return project;
    });
    return { project: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => UpdateProjectPayload, {
    nullable: true,
    description:
      "Change a project. The lead organisation's members and the programme's coordinators (admins too); internal notes only coordinators and admins. Rejected, completed and cancelled projects only coordinators and admins.",
  })
  async updateProject(@Arg('input', () => UpdateProjectInput, { description: 'The changes.' }) input: UpdateProjectInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'updateProject' }, async ({ em, actingFor }) => {
      const project = await findVisibleProject(em, input.id, 'input.id');
      const access = await accessOf(em, project);
      assertCanEdit(ctx.viewer, access, project.status);
      if (input.internalNotes !== undefined && !isCoordinator(ctx.viewer, access.programmeId)) {
        throw forbidden("Only the programme's coordinators and admins may write internal notes");
      }
      checkVersion(project.version, input.expectedVersion);
      const checks = validateProjectFields(input, project);
      assertNoUserErrors(checks.errors);
      const references = await checkReferences(em, ctx.viewer, input, checks, project);
      assertNoUserErrors(checks.errors);
      if (input.code != null) project.code = normaliseIdentifier(input.code)!;
      if (input.euraCode !== undefined) project.euraCode = normaliseIdentifier(input.euraCode) ?? undefined;
      if (input.hyrraNumber !== undefined) project.hyrraNumber = normaliseIdentifier(input.hyrraNumber) ?? undefined;
      if (input.recordNumber !== undefined) project.recordNumber = normaliseIdentifier(input.recordNumber) ?? undefined;
      if (input.title != null) project.title = input.title;
      if (input.summary !== undefined) project.summary = input.summary ?? undefined;
      if (input.purpose !== undefined) project.purpose = input.purpose ?? undefined;
      if (input.achievements !== undefined) project.achievements = input.achievements ?? undefined;
      if (input.plannedStart !== undefined) project.plannedStart = input.plannedStart ?? undefined;
      if (input.plannedEnd !== undefined) project.plannedEnd = input.plannedEnd ?? undefined;
      if (input.actualStart !== undefined) project.actualStart = input.actualStart ?? undefined;
      if (input.actualEnd !== undefined) project.actualEnd = input.actualEnd ?? undefined;
      if (input.internalNotes !== undefined) project.internalNotes = input.internalNotes ?? undefined;
      if (references.parent !== undefined) project.parent = references.parent ? ref(references.parent) : undefined;
      // A changed set is a change to the project: touching it moves `version` on, so stale forms notice.
      if (await replaceSets(em, project, references)) project.updatedAt = new Date();
      actingFor(access.leadOrganisationIds[0] ?? null);
      return project;
    });
    return { project: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => TransitionProjectPayload, {
    nullable: true,
    description:
      "Move a project along its life cycle. The programme's coordinators approve and reject; the lead organisation's members (and coordinators) submit, start, complete and cancel. Starting sets the actual start and completing the actual end (the given date or today).",
  })
  async transitionProject(@Arg('input', () => TransitionProjectInput, { description: 'The project and its new status.' }) input: TransitionProjectInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'transitionProject' }, async ({ em, actingFor }) => {
      const project = await findVisibleProject(em, input.id, 'input.id');
      const access = await accessOf(em, project);
      if (!canEditProject(ctx.viewer, access)) throw forbidden("Only the lead organisation's members and the programme's coordinators may change this project's status");
      checkVersion(project.version, input.expectedVersion);
      const from = project.status;
      if (!isAllowedTransition(from, input.to)) {
        const allowed = TRANSITIONS[from];
        throw refusal(
          UserErrorCode.INVALID_TRANSITION,
          'input.to',
          `A project cannot move from ${from} to ${input.to}; from ${from} it can move to ${allowed.length > 0 ? allowed.join(', ') : 'nothing (it is closed)'}`,
        );
      }
      if (!canTransition(ctx.viewer, access, input.to)) {
        throw forbidden(`Only the programme's coordinators may move a project from ${from} to ${input.to}`);
      }
      const dates = transitionDates(from, input.to, project, input, todayInFinland());
      assertNoUserErrors(dates.errors);
      project.status = input.to;
      if (dates.set.actualStart != null) project.actualStart = dates.set.actualStart;
      if (dates.set.actualEnd != null) project.actualEnd = dates.set.actualEnd;
      actingFor(access.leadOrganisationIds[0] ?? null);
      return project;
    });
    return { project: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => AddProjectParticipantPayload, {
    nullable: true,
    description: "Add an organisation to a project in a role. Who may: as for `updateProject`.",
  })
  async addProjectParticipant(
    @Arg('input', () => AddProjectParticipantInput, { description: 'Project, organisation and role.' }) input: AddProjectParticipantInput,
    @Ctx() ctx: Context,
  ) {
    const outcome = await runMutation(ctx, { operation: 'addProjectParticipant', conflictField: 'input.organisation' }, async ({ em, actingFor }) => {
      const project = await findVisibleProject(em, input.project, 'input.project', true);
      const access = await accessOf(em, project);
      assertCanEdit(ctx.viewer, access, project.status);
      const organisationId = decodeEntityId(input.organisation, ['Organisation'], 'input.organisation');
      const organisation = organisationId === undefined ? null : await em.findOne(Organisation, { id: organisationId });
      if (!organisation) throw notFound('input.organisation', `organisation ${input.organisation}`);
      if (organisation.archivedAt) {
        throw refusal(UserErrorCode.ARCHIVED, 'input.organisation', `${organisation.name} is archived`);
      }
      if (await em.findOne(Participation, { project: project.id, organisation: organisation.id, role: input.role })) {
        throw refusal(UserErrorCode.ALREADY_EXISTS, 'input.organisation', `${organisation.name} already takes part in the project as ${input.role}`);
      }
      const participation = em.create(Participation, { project, organisation, role: input.role, budgetShare: input.budgetShare ?? undefined });
      actingFor(access.leadOrganisationIds[0] ?? null);
      return participation;
    });
    return { participation: outcome.result, userErrors: outcome.userErrors };
  }

  @Mutation(() => RemoveProjectParticipantPayload, {
    nullable: true,
    description: 'Remove a participation from a project; the last LEAD cannot be removed (IN_USE). Who may: as for `updateProject`.',
  })
  async removeProjectParticipant(
    @Arg('input', () => RemoveProjectParticipantInput, { description: 'The participation.' }) input: RemoveProjectParticipantInput,
    @Ctx() ctx: Context,
  ) {
    const outcome = await runMutation(ctx, { operation: 'removeProjectParticipant' }, async ({ em, actingFor }) => {
      const key = decodeEntityId(input.participation, ['Participation'], 'input.participation');
      const found = key === undefined ? null : await em.findOne(Participation, { id: key });
      // The project row lock serialises removals, so two of them cannot each leave the other as the last LEAD.
      const project = found ? await loadVisibleProject(em, found.project.id, true) : null;
      const participation = project ? await em.findOne(Participation, { id: found!.id }, { refresh: true }) : null;
      if (!project || !participation) throw notFound('input.participation', `participation ${input.participation}`);
      const access = await accessOf(em, project);
      assertCanEdit(ctx.viewer, access, project.status);
      checkVersion(participation.version, input.expectedVersion);
      if (participation.role === ParticipationRole.LEAD && access.leadOrganisationIds.length <= 1) {
        throw refusal(UserErrorCode.IN_USE, 'input.participation', 'A project needs a lead organisation: add another LEAD before removing this one');
      }
      em.remove(participation);
      actingFor(access.leadOrganisationIds[0] ?? null);
      return project;
    });
    return { project: outcome.result, userErrors: outcome.userErrors };
  }
}
