import { GlobalRole, Role, TokenScope } from './auth.enums';
import { canReadAuditLog } from './permissions';
import {
  ANONYMOUS,
  canSeeContactDetails,
  canSeeOrganisationNotes,
  canSeeProjectNotes,
  canWrite,
  isCoordinator,
  rolesOf,
  seesAllProjects,
  type Viewer,
} from './viewer';

const signedIn = (overrides: Partial<Viewer>): Viewer => ({ ...ANONYMOUS, accountId: 1, accountName: 'A', scope: TokenScope.READ_WRITE, ...overrides });

describe('viewer roles', () => {
  it('gives anonymous viewers only PUBLIC and nothing sensitive', () => {
    expect(rolesOf(ANONYMOUS)).toEqual([Role.PUBLIC]);
    expect(canSeeContactDetails(ANONYMOUS, null)).toBe(false);
    expect(canSeeContactDetails(ANONYMOUS, 3)).toBe(false);
    expect(canWrite(ANONYMOUS)).toBe(false);
  });

  it('derives PARTNER and COORDINATOR from memberships', () => {
    const viewer = signedIn({ organisationIds: [3], coordinatedProgrammeIds: [7] });
    expect(rolesOf(viewer)).toEqual([Role.PUBLIC, Role.PARTNER, Role.COORDINATOR]);
    expect(isCoordinator(viewer, 7)).toBe(true);
    expect(isCoordinator(viewer, 8)).toBe(false);
    expect(canSeeProjectNotes(viewer, 7)).toBe(true);
    expect(canSeeProjectNotes(viewer, 8)).toBe(false);
  });

  it('lets analysts read everything and admins do everything', () => {
    const analyst = signedIn({ globalRoles: new Set([GlobalRole.ANALYST]) });
    expect(seesAllProjects(analyst)).toBe(true);
    expect(canSeeOrganisationNotes(analyst)).toBe(true);
    const admin = signedIn({ globalRoles: new Set([GlobalRole.ADMIN]) });
    expect(isCoordinator(admin, 99)).toBe(true);
    expect(rolesOf(admin)).toContain(Role.ADMIN);
  });

  it('keeps a signed-in account without memberships away from contact details', () => {
    expect(canSeeContactDetails(signedIn({}), null)).toBe(false);
    expect(canSeeContactDetails(signedIn({}), 3)).toBe(false);
  });

  it("shows an unverified member its own organisation's contact details only; a verified member every organisation's", () => {
    const unverified = signedIn({ organisationIds: [3] });
    expect(canSeeContactDetails(unverified, 3)).toBe(true);
    expect(canSeeContactDetails(unverified, 4)).toBe(false);
    expect(canSeeContactDetails(unverified, null)).toBe(false);
    const verified = signedIn({ organisationIds: [3], verifiedOrganisationIds: [3] });
    expect(canSeeContactDetails(verified, 4)).toBe(true);
    expect(canSeeContactDetails(verified, null)).toBe(true);
  });

  it('shows contact details to coordinators, analysts and admins without memberships', () => {
    for (const viewer of [signedIn({ coordinatedProgrammeIds: [7] }), signedIn({ globalRoles: new Set([GlobalRole.ANALYST]) }), signedIn({ globalRoles: new Set([GlobalRole.ADMIN]) })]) {
      expect(canSeeContactDetails(viewer, 4)).toBe(true);
    }
  });

  it('opens the audit log (with contact people’s old e-mails and phones) only to viewers who may see contact details', () => {
    const viewers = [
      ANONYMOUS,
      signedIn({}),
      signedIn({ organisationIds: [3] }),
      signedIn({ organisationIds: [3], verifiedOrganisationIds: [3] }),
      signedIn({ coordinatedProgrammeIds: [7] }),
      signedIn({ globalRoles: new Set([GlobalRole.ANALYST]) }),
      signedIn({ globalRoles: new Set([GlobalRole.ADMIN]) }),
    ];
    for (const viewer of viewers) if (canReadAuditLog(viewer)) expect(canSeeContactDetails(viewer, null)).toBe(true);
  });

  it('refuses writes with a read-only token', () => {
    expect(canWrite(signedIn({ scope: TokenScope.READ_ONLY }))).toBe(false);
  });
});
