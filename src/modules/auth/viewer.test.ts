import { GlobalRole, Role, TokenScope } from './auth.enums';
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
    expect(canSeeContactDetails(ANONYMOUS)).toBe(false);
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
    expect(canSeeContactDetails(signedIn({}))).toBe(false);
  });

  it('refuses writes with a read-only token', () => {
    expect(canWrite(signedIn({ scope: TokenScope.READ_ONLY }))).toBe(false);
  });
});
