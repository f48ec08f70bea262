import { GlobalRole, Role, TokenScope } from './auth.enums';

/** Who is asking, resolved once per request from the Authorization header. Pure data: no ORM here. */
export interface Viewer {
  accountId: number | null;
  accountName: string | null;
  /** The API token used, when signed in with one (null for OIDC sign-in and anonymous). */
  tokenId: number | null;
  /** READ_ONLY tokens may not run mutations; anonymous viewers never may. */
  scope: TokenScope | null;
  globalRoles: ReadonlySet<GlobalRole>;
  /** Organisations the account is a member of (PARTNER), verified or not. */
  organisationIds: readonly number[];
  /** The subset of `organisationIds` whose membership a coordinator, admin or operator has verified. */
  verifiedOrganisationIds: readonly number[];
  /** Programmes the account coordinates (COORDINATOR). */
  coordinatedProgrammeIds: readonly number[];
}

export const ANONYMOUS: Viewer = Object.freeze({
  accountId: null,
  accountName: null,
  tokenId: null,
  scope: null,
  globalRoles: new Set<GlobalRole>(),
  organisationIds: [],
  verifiedOrganisationIds: [],
  coordinatedProgrammeIds: [],
});

export function isSignedIn(viewer: Viewer): boolean {
  return viewer.accountId !== null;
}

export function isAdmin(viewer: Viewer): boolean {
  return viewer.globalRoles.has(GlobalRole.ADMIN);
}

export function isAnalyst(viewer: Viewer): boolean {
  return viewer.globalRoles.has(GlobalRole.ANALYST) || isAdmin(viewer);
}

export function isCoordinator(viewer: Viewer, programmeId?: number): boolean {
  if (isAdmin(viewer)) return true;
  return programmeId === undefined ? viewer.coordinatedProgrammeIds.length > 0 : viewer.coordinatedProgrammeIds.includes(programmeId);
}

export function isMemberOf(viewer: Viewer, organisationId: number): boolean {
  return viewer.organisationIds.includes(organisationId);
}

/** Every role the viewer holds, PUBLIC included. */
export function rolesOf(viewer: Viewer): Role[] {
  const roles = [Role.PUBLIC];
  if (viewer.organisationIds.length > 0) roles.push(Role.PARTNER);
  if (viewer.coordinatedProgrammeIds.length > 0) roles.push(Role.COORDINATOR);
  if (viewer.globalRoles.has(GlobalRole.ANALYST)) roles.push(Role.ANALYST);
  if (viewer.globalRoles.has(GlobalRole.ADMIN)) roles.push(Role.ADMIN);
  return roles;
}

/**
 * Contact details (e-mail, phone) of an organisation's contact people: its own members (verified or
 * not), any account with at least one verified membership, and coordinators, analysts and admins.
 * With `null` for the organisation: whether the viewer sees them across organisations, i.e. for an
 * organisation it is not a member of. The one rule for every road to contact details.
 */
export function canSeeContactDetails(viewer: Viewer, organisationId: number | null): boolean {
  if (organisationId !== null && isMemberOf(viewer, organisationId)) return true;
  return viewer.verifiedOrganisationIds.length > 0 || isCoordinator(viewer) || isAnalyst(viewer);
}

/** Internal notes on organisations: coordinators and analysts. */
export function canSeeOrganisationNotes(viewer: Viewer): boolean {
  return isAnalyst(viewer) || isCoordinator(viewer);
}

/** Internal notes on a project: its programme's coordinators and analysts. */
export function canSeeProjectNotes(viewer: Viewer, programmeId: number): boolean {
  return isAnalyst(viewer) || isCoordinator(viewer, programmeId);
}

/** Analysts and admins see draft and rejected projects everywhere; others only their own and their programmes'. */
export function seesAllProjects(viewer: Viewer): boolean {
  return isAnalyst(viewer);
}

/** Mutations need a signed-in account and a token that allows writing. */
export function canWrite(viewer: Viewer): boolean {
  return isSignedIn(viewer) && viewer.scope !== TokenScope.READ_ONLY;
}
