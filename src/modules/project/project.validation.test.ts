import { GlobalRole, TokenScope } from '../auth/auth.enums';
import { canEditProjectInStatus } from '../auth/permissions';
import { ANONYMOUS, type Viewer } from '../auth/viewer';
import { ProjectStatus } from './project.enums';
import { distinctCodes, normaliseIdentifier, todayInFinland, transitionDates, validateProjectFields } from './project.validation';

const codes = (input: Parameters<typeof validateProjectFields>[0], current: Parameters<typeof validateProjectFields>[1] = null) =>
  validateProjectFields(input, current).errors.map((error) => `${error.code} ${error.field}`);

describe('validateProjectFields', () => {
  it('needs a code and a title on create, and accepts a minimal project', () => {
    expect(codes({})).toEqual(['REQUIRED input.code', 'REQUIRED input.title']);
    expect(codes({ code: 'KAKE-KUO-2019-12', title: 'Hanke' })).toEqual([]);
  });

  it('lets update leave code and title out, but not clear them', () => {
    expect(codes({}, { code: 'X', title: 'T' })).toEqual([]);
    expect(codes({ code: null, title: '  ' }, { code: 'X', title: 'T' })).toEqual(['REQUIRED input.code', 'REQUIRED input.title']);
  });

  it('limits lengths in characters, not bytes', () => {
    expect(codes({ code: 'K', title: 'ä'.repeat(300) })).toEqual([]);
    expect(codes({ code: 'K', title: 'ä'.repeat(301) })).toEqual(['TOO_LONG input.title']);
    expect(codes({ code: 'K'.repeat(61), title: 'T', summary: 'x'.repeat(10_001), euraCode: 'E'.repeat(41) })).toEqual([
      'TOO_LONG input.code',
      'TOO_LONG input.euraCode',
      'TOO_LONG input.summary',
    ]);
  });

  it('refuses invisible characters in identifiers', () => {
    expect(codes({ code: 'KAKE\u200B-1', title: 'T' })).toEqual(['INVALID_VALUE input.code']);
  });

  it('checks postal-code format and blank vocabulary codes by position', () => {
    expect(codes({ code: 'K', title: 'T', locations: ['70100', '7010'], themes: ['CULTURE', ' '] })).toEqual([
      'REQUIRED input.themes[1]',
      'INVALID_VALUE input.locations[1]',
    ]);
  });

  it('checks periods as they will be after the change', () => {
    expect(codes({ code: 'K', title: 'T', plannedStart: '2020-01-01', plannedEnd: '2019-12-31' })).toEqual(['END_BEFORE_START input.plannedEnd']);
    expect(codes({ code: 'K', title: 'T', plannedStart: '2020-01-01', plannedEnd: '2020-01-01' })).toEqual([]);
    const current = { plannedStart: '2019-01-01', plannedEnd: '2019-12-31', actualStart: '2019-02-01' };
    expect(codes({ plannedStart: '2020-01-01' }, current)).toEqual(['END_BEFORE_START input.plannedStart']);
    expect(codes({ actualEnd: '2019-01-15' }, current)).toEqual(['END_BEFORE_START input.actualEnd']);
    expect(codes({ plannedEnd: null, plannedStart: '2030-01-01' }, current)).toEqual([]);
  });
});

describe('identifiers and code sets', () => {
  it('normalises identifiers to NFC, trimmed, blank as null', () => {
    expect(normaliseIdentifier(' KA\u0308KE-1 ')).toBe('KÄKE-1');
    expect(normaliseIdentifier('  ')).toBeNull();
    expect(normaliseIdentifier(undefined)).toBeUndefined();
  });

  it('drops duplicate codes', () => {
    expect(distinctCodes(['A', ' A', 'B'])).toEqual(['A', 'B']);
    expect(distinctCodes(null)).toEqual([]);
  });
});

describe('transitionDates', () => {
  const today = '2019-09-30';

  it('sets the actual start on starting, the given date or today', () => {
    expect(transitionDates(ProjectStatus.APPROVED, ProjectStatus.ONGOING, {}, {}, today)).toEqual({ errors: [], set: { actualStart: today } });
    expect(transitionDates(ProjectStatus.APPROVED, ProjectStatus.ONGOING, {}, { actualStart: '2019-03-01' }, today).set).toEqual({ actualStart: '2019-03-01' });
  });

  it('sets the actual end on completing and on cancelling a running project', () => {
    expect(transitionDates(ProjectStatus.ONGOING, ProjectStatus.COMPLETED, { actualStart: '2019-01-01' }, {}, today).set).toEqual({ actualEnd: today });
    expect(transitionDates(ProjectStatus.ONGOING, ProjectStatus.CANCELLED, {}, { actualEnd: '2019-05-01' }, today).set).toEqual({ actualEnd: '2019-05-01' });
    expect(transitionDates(ProjectStatus.DRAFT, ProjectStatus.CANCELLED, {}, {}, today).set).toEqual({});
  });

  it('refuses an end before the start', () => {
    const result = transitionDates(ProjectStatus.ONGOING, ProjectStatus.COMPLETED, { actualStart: '2019-06-01' }, { actualEnd: '2019-05-31' }, today);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'END_BEFORE_START', field: 'input.actualEnd' })]);
    const later = transitionDates(ProjectStatus.APPROVED, ProjectStatus.ONGOING, { actualEnd: '2019-01-01' }, { actualStart: '2019-02-01' }, today);
    expect(later.errors).toEqual([expect.objectContaining({ code: 'END_BEFORE_START', field: 'input.actualStart' })]);
  });

  it('refuses dates that the move does not set', () => {
    const result = transitionDates(ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, {}, { actualStart: '2019-01-01', actualEnd: '2019-02-01' }, today);
    expect(result.errors.map((error) => `${error.code} ${error.field}`)).toEqual(['INVALID_VALUE input.actualStart', 'INVALID_VALUE input.actualEnd']);
  });
});

describe('todayInFinland', () => {
  it('uses Finnish time, not UTC', () => {
    // 22:30 UTC on 31 December is already 1 January in Helsinki (UTC+2).
    expect(todayInFinland(new Date('2019-12-31T22:30:00Z'))).toBe('2020-01-01');
    expect(todayInFinland(new Date('2019-06-30T20:59:00Z'))).toBe('2019-06-30');
  });
});

describe('canEditProjectInStatus', () => {
  const viewer = (patch: Partial<Viewer>): Viewer => ({ ...ANONYMOUS, accountId: 1, scope: TokenScope.READ_WRITE, ...patch });
  const project = { programmeId: 7, leadOrganisationIds: [3] };

  it('lets the lead edit open projects, and only coordinators and admins edit closed ones', () => {
    const lead = viewer({ organisationIds: [3] });
    const coordinator = viewer({ coordinatedProgrammeIds: [7] });
    const admin = viewer({ globalRoles: new Set([GlobalRole.ADMIN]) });
    const otherCoordinator = viewer({ coordinatedProgrammeIds: [8] });
    expect(canEditProjectInStatus(lead, project, ProjectStatus.ONGOING)).toBe(true);
    for (const status of [ProjectStatus.COMPLETED, ProjectStatus.CANCELLED, ProjectStatus.REJECTED]) {
      expect(canEditProjectInStatus(lead, project, status)).toBe(false);
      expect(canEditProjectInStatus(coordinator, project, status)).toBe(true);
      expect(canEditProjectInStatus(admin, project, status)).toBe(true);
      expect(canEditProjectInStatus(otherCoordinator, project, status)).toBe(false);
    }
    expect(canEditProjectInStatus(viewer({ organisationIds: [3], scope: TokenScope.READ_ONLY }), project, ProjectStatus.DRAFT)).toBe(false);
  });
});
