import { ProjectStatus } from '../project/project.enums';
import { canWrite, isAdmin, isAnalyst, isCoordinator, isMemberOf, type Viewer } from './viewer';

/**
 * Who may do what: pure functions of the viewer and the record, used by the services and by the
 * `viewerCan…` fields, and tested cell by cell against the permission matrix in docs/security.md.
 */

/** Any signed-in account with write access may register an organisation (and becomes its member). */
export function canCreateOrganisation(viewer: Viewer): boolean {
  return canWrite(viewer);
}

/** Members of the organisation, coordinators (who vet partners) and admins. */
export function canEditOrganisation(viewer: Viewer, organisationId: number): boolean {
  return canWrite(viewer) && (isMemberOf(viewer, organisationId) || isCoordinator(viewer) || isAdmin(viewer));
}

/** Adding or removing members: the organisation's own members and admins. */
export function canManageMembers(viewer: Viewer, organisationId: number): boolean {
  return canWrite(viewer) && (isMemberOf(viewer, organisationId) || isAdmin(viewer));
}

/**
 * Verifying a membership (that the account really acts for the organisation): coordinators, who vet
 * partners, and admins. Verified members see other organisations' contact details.
 */
export function canVerifyMembers(viewer: Viewer): boolean {
  return canWrite(viewer) && isCoordinator(viewer);
}

/** A partner creates projects as the lead organisation; coordinators in their programmes. */
export function canCreateProject(viewer: Viewer, leadOrganisationId: number, programmeId: number): boolean {
  return canWrite(viewer) && (isMemberOf(viewer, leadOrganisationId) || isCoordinator(viewer, programmeId));
}

export function canCreateProjects(viewer: Viewer): boolean {
  return canWrite(viewer) && (viewer.organisationIds.length > 0 || isCoordinator(viewer));
}

export interface ProjectAccess {
  programmeId: number;
  leadOrganisationIds: readonly number[];
}

/** The lead organisation's members, the programme's coordinators and admins edit a project. */
export function canEditProject(viewer: Viewer, project: ProjectAccess): boolean {
  return (
    canWrite(viewer) &&
    (project.leadOrganisationIds.some((id) => isMemberOf(viewer, id)) || isCoordinator(viewer, project.programmeId))
  );
}

/** The status state machine: which moves exist and who may make each. */
export const TRANSITIONS: Record<ProjectStatus, readonly ProjectStatus[]> = {
  [ProjectStatus.DRAFT]: [ProjectStatus.SUBMITTED, ProjectStatus.CANCELLED],
  [ProjectStatus.SUBMITTED]: [ProjectStatus.APPROVED, ProjectStatus.REJECTED, ProjectStatus.CANCELLED],
  [ProjectStatus.APPROVED]: [ProjectStatus.ONGOING, ProjectStatus.CANCELLED],
  [ProjectStatus.ONGOING]: [ProjectStatus.COMPLETED, ProjectStatus.CANCELLED],
  [ProjectStatus.REJECTED]: [],
  [ProjectStatus.COMPLETED]: [],
  [ProjectStatus.CANCELLED]: [],
};

export function isAllowedTransition(from: ProjectStatus, to: ProjectStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Deciding (approve, reject) belongs to the programme's coordinators; the lead submits, starts, completes and cancels. */
export function canTransition(viewer: Viewer, project: ProjectAccess, to: ProjectStatus): boolean {
  if (!canWrite(viewer)) return false;
  if (isCoordinator(viewer, project.programmeId)) return true;
  const lead = project.leadOrganisationIds.some((id) => isMemberOf(viewer, id));
  return lead && to !== ProjectStatus.APPROVED && to !== ProjectStatus.REJECTED;
}

/** Funding lines and decisions: the programme's coordinators only. */
export function canManageFunding(viewer: Viewer, programmeId: number): boolean {
  return canWrite(viewer) && isCoordinator(viewer, programmeId);
}

/** Programmes, territories, ceilings: their coordinators and admins; new programmes: admins. */
export function canManageProgramme(viewer: Viewer, programmeId: number | null): boolean {
  return canWrite(viewer) && (programmeId === null ? isAdmin(viewer) : isCoordinator(viewer, programmeId));
}

/** Vocabularies are shared by every programme: any coordinator, and admins. */
export function canManageVocabulary(viewer: Viewer): boolean {
  return canWrite(viewer) && isCoordinator(viewer);
}

export function canReadAuditLog(viewer: Viewer): boolean {
  return isAnalyst(viewer) || isCoordinator(viewer);
}

/**
 * A record's change history and each event in it (`history`, `node(id:)`): whoever reads the audit
 * log, and an organisation's own members for their organisation's changes.
 */
export function canReadHistory(viewer: Viewer, entityType: string, entityId: string | number): boolean {
  return canReadAuditLog(viewer) || (entityType === 'Organisation' && isMemberOf(viewer, Number(entityId)));
}

/**
 * Editing a project in its current status. Closed projects (rejected, completed, cancelled) are the
 * record of what happened: only the programme's coordinators and admins may still correct them.
 */
export function canEditProjectInStatus(viewer: Viewer, project: ProjectAccess, status: ProjectStatus): boolean {
  const closed = status === ProjectStatus.REJECTED || status === ProjectStatus.COMPLETED || status === ProjectStatus.CANCELLED;
  return canEditProject(viewer, project) && (!closed || isCoordinator(viewer, project.programmeId));
}

/** Appointing and removing programme coordinators: admins only. */
export function canManageCoordinators(viewer: Viewer): boolean {
  return canWrite(viewer) && isAdmin(viewer);
}

/** A programme's code is the key portals look it up by: only admins change it. */
export function canChangeProgrammeCode(viewer: Viewer): boolean {
  return canWrite(viewer) && isAdmin(viewer);
}

/**
 * Reviewing an overlap finding (and reading reviews, which row-level security enforces with the same
 * rule, `silta_overlap_reviewer`): analysts, admins and coordinators of either project's programme.
 */
export function canReadOverlapReviews(viewer: Viewer, programmeIds: readonly number[]): boolean {
  return isAnalyst(viewer) || programmeIds.some((id) => isCoordinator(viewer, id));
}

export function canReviewOverlap(viewer: Viewer, programmeIds: readonly number[]): boolean {
  return canWrite(viewer) && canReadOverlapReviews(viewer, programmeIds);
}

/** Whether the viewer could review any finding at all: analysts, admins and coordinators. */
export function mayReviewOverlaps(viewer: Viewer): boolean {
  return canWrite(viewer) && (isAnalyst(viewer) || isCoordinator(viewer));
}

/** What decides who may write a post: its kind, authoring organisation and programme. */
export interface PostAccess {
  /** True for a CALL (a programme's funding call). */
  isCall: boolean;
  organisationId: number;
  programmeId: number | null;
}

/**
 * Posts: verified members of the authoring organisation (an unverified membership could be a made-up
 * association, see docs/security.md); a CALL only the coordinators of its programme; admins always.
 */
export function canWritePost(viewer: Viewer, post: PostAccess): boolean {
  if (!canWrite(viewer)) return false;
  if (isAdmin(viewer)) return true;
  if (post.isCall) return post.programmeId !== null && viewer.coordinatedProgrammeIds.includes(post.programmeId);
  return viewer.verifiedOrganisationIds.includes(post.organisationId);
}
