import { ProjectStatus } from '../../src/modules/project/project.enums';
import { todayInFinland } from '../../src/modules/project/project.validation';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let programmeId: string;
let leadOrgId: string;
let partnerOrgId: string;
let archivedOrgId: string;
let strangerOrgId: string;
/** Member of the lead organisation. */
let lead: string;
/** Member of an organisation that takes part in nothing. */
let outsider: string;
/** Coordinator of the programme. */
let coordinator: string;
let analyst: string;
let ids: { programme: number; otherProgramme: number; lead: number; partner: number; archived: number; stranger: number };

let serial = 0;
const nextCode = (prefix = 'TST'): string => `${prefix}-${process.pid}-${++serial}`;
/** The database key inside a global ID, as the audit trail stores it. */
const keyOf = (globalId: string): string => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const programme = s.programme({ name: 'Kake Testi 2018–2020' });
  const otherProgramme = s.programme({ name: 'Leader Testi' });
  const leadOrg = s.organisation({ name: 'Hankkeen vetäjä ry' });
  const partnerOrg = s.organisation({ name: 'Kumppani ry' });
  const archivedOrg = s.organisation({ name: 'Lopettanut ry' });
  const strangerOrg = s.organisation({ name: 'Ulkopuolinen ry' });
  await s.save();
  await app.sql('update organisation set archived_at = now() where id = ?', [archivedOrg.id]);
  [programmeId, leadOrgId, partnerOrgId, archivedOrgId, strangerOrgId] = [programme, leadOrg, partnerOrg, archivedOrg, strangerOrg].map(idOf);
  ids = { programme: programme.id, otherProgramme: otherProgramme.id, lead: leadOrg.id, partner: partnerOrg.id, archived: archivedOrg.id, stranger: strangerOrg.id };
  lead = await app.signIn({ name: 'Liisa Vetäjä', memberOf: [leadOrg.id] });
  outsider = await app.signIn({ name: 'Ulla Ulkopuolinen', memberOf: [strangerOrg.id] });
  coordinator = await app.signIn({ name: 'Kaisa Koordinaattori', coordinatorOf: [programme.id] });
  analyst = await app.signIn({ name: 'Antti Analyytikko', analyst: true });
});
afterAll(() => app.close());

const TABLES = ['project', 'participation', 'project_theme', 'project_target_group', 'project_location', 'audit_event', 'idempotency_record'];

async function counts(): Promise<Record<string, number>> {
  const [row] = await app.sql<Record<string, string>>(`select ${TABLES.map((table) => `(select count(*) from ${table}) as ${table}`).join(', ')}`);
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}

/** Runs a refused call and checks that nothing at all was written. */
async function expectNothingWritten<T>(call: () => Promise<T>): Promise<T> {
  const before = await counts();
  const result = await call();
  expect(await counts()).toEqual(before);
  return result;
}

const PROJECT_FIELDS = `id code title status version summary plannedStart plannedEnd actualStart actualEnd internalNotes
  leadOrganisation { id } programme { id } parent { id }
  themes { code } targetGroups { code } locations { postalCode }
  participations(first: 10) { nodes { id role version budgetShare organisation { id } } }`;

const CREATE = `mutation($input: CreateProjectInput!) {
  createProject(input: $input) { project { ${PROJECT_FIELDS} } userErrors { field code message } }
}`;
const UPDATE = `mutation($input: UpdateProjectInput!) {
  updateProject(input: $input) { project { ${PROJECT_FIELDS} } userErrors { field code message } }
}`;
const TRANSITION = `mutation($input: TransitionProjectInput!) {
  transitionProject(input: $input) { project { id status version actualStart actualEnd } userErrors { field code message } }
}`;
const ADD = `mutation($input: AddProjectParticipantInput!) {
  addProjectParticipant(input: $input) { participation { id role version budgetShare organisation { id } project { id } } userErrors { field code message } }
}`;
const REMOVE = `mutation($input: RemoveProjectParticipantInput!) {
  removeProjectParticipant(input: $input) { project { id participations(first: 10) { nodes { role organisation { id } } } } userErrors { field code message } }
}`;

function minimal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { programme: programmeId, leadOrganisation: leadOrgId, code: nextCode(), title: 'Testihanke', ...overrides };
}

async function create(overrides: Record<string, unknown> = {}, token = lead): Promise<any> {
  const result = dataOf(await app.gql(CREATE, { input: minimal(overrides) }, { token })).createProject;
  expect(result.userErrors).toEqual([]);
  return result.project;
}

async function transition(project: { id: string }, to: ProjectStatus, token: string, extra: Record<string, unknown> = {}): Promise<any> {
  return dataOf(await app.gql(TRANSITION, { input: { id: project.id, to, ...extra } }, { token })).transitionProject;
}

async function auditRows(operation: string, entityType?: string): Promise<{ entity_type: string; entity_id: string; action: string; organisation_id: number | null; account_name: string; changes: Record<string, { before: unknown; after: unknown }> }[]> {
  return app.sql(
    `select entity_type, entity_id, action, organisation_id, account_name, changes from audit_event where operation = ? ${entityType ? 'and entity_type = ?' : ''} order by id`,
    entityType ? [operation, entityType] : [operation],
  );
}

describe('createProject', () => {
  it('needs a signed-in writer who is a member of the lead organisation (or coordinates the programme)', async () => {
    await expectNothingWritten(async () => {
      const anonymous = await app.gql(CREATE, { input: minimal() });
      expect(anonymous.status).toBe(401);
      expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      const notMember = await app.gql(CREATE, { input: minimal() }, { token: outsider });
      expect(notMember.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(notMember.data?.createProject ?? null).toBeNull();
      const otherCoordinator = await app.signIn({ coordinatorOf: [ids.otherProgramme] });
      expect((await app.gql(CREATE, { input: minimal() }, { token: otherCoordinator })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const reader = await app.signIn({ memberOf: [ids.lead], readOnly: true });
      expect((await app.gql(CREATE, { input: minimal() }, { token: reader })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });
  });

  it('creates a DRAFT as the lead organisation, with a LEAD participation, its sets and audit rows', async () => {
    const before = await counts();
    const code = nextCode('KAKE-KUO');
    const project = await create({
      code,
      title: 'Nuorten olohuone Hiltulanlahdella 🛋️',
      summary: 'Kohtaamispaikka nuorille.',
      plannedStart: '2019-01-01',
      plannedEnd: '2019-12-31',
      themes: ['YOUTH_PARTICIPATION', 'COMMUNITY', 'COMMUNITY'],
      targetGroups: ['YOUNG_PEOPLE'],
      locations: ['70870', '70780'],
    });
    expect(project).toMatchObject({
      code,
      title: 'Nuorten olohuone Hiltulanlahdella 🛋️',
      status: 'DRAFT',
      version: 1,
      plannedStart: '2019-01-01',
      plannedEnd: '2019-12-31',
      actualStart: null,
      internalNotes: null,
      leadOrganisation: { id: leadOrgId },
      programme: { id: programmeId },
      parent: null,
    });
    expect(project.themes.map((theme: { code: string }) => theme.code).sort()).toEqual(['COMMUNITY', 'YOUTH_PARTICIPATION']);
    expect(project.targetGroups).toEqual([{ code: 'YOUNG_PEOPLE' }]);
    expect(project.locations.map((area: { postalCode: string }) => area.postalCode)).toEqual(['70780', '70870']);
    expect(project.participations.nodes).toEqual([expect.objectContaining({ role: 'LEAD', organisation: { id: leadOrgId } })]);
    const after = await counts();
    expect(after.project - before.project).toBe(1);
    expect(after.participation - before.participation).toBe(1);
    expect(after.project_theme - before.project_theme).toBe(2);
    expect(after.project_location - before.project_location).toBe(2);
    expect(after.audit_event - before.audit_event).toBe(7);

    const projectKey = keyOf(project.id);
    const audit = (await auditRows('createProject')).filter((row) => row.entity_type !== 'Project' || row.entity_id === projectKey);
    const projectRow = audit.find((row) => row.entity_type === 'Project')!;
    expect(projectRow).toMatchObject({ action: 'CREATE', organisation_id: ids.lead, account_name: 'Liisa Vetäjä' });
    expect(projectRow.changes.title).toEqual({ before: null, after: 'Nuorten olohuone Hiltulanlahdella 🛋️' });
    expect(projectRow.changes.status).toEqual({ before: null, after: 'DRAFT' });
    expect(new Set(audit.slice(-7).map((row) => row.entity_type))).toEqual(new Set(['Project', 'Participation', 'ProjectTheme', 'ProjectTargetGroup', 'ProjectLocation']));

    // The draft is visible to its own organisation.
    const seen = dataOf(await app.gql('query($id: ID!) { node(id: $id) { ... on Project { code status } } }', { id: project.id }, { token: lead })).node;
    expect(seen).toEqual({ code, status: 'DRAFT' });
  });

  it("lets the programme's coordinator create a project for a lead organisation", async () => {
    const project = await create({}, coordinator);
    expect(project.leadOrganisation).toEqual({ id: leadOrgId });
  });

  it.each([
    ['the end before the start', { plannedStart: '2020-01-01', plannedEnd: '2019-12-31' }, 'END_BEFORE_START', 'input.plannedEnd'],
    ['a title over 300 characters', { title: 'ä'.repeat(301) }, 'TOO_LONG', 'input.title'],
    ['a blank title', { title: '   ' }, 'REQUIRED', 'input.title'],
    ['a summary over 10 000 characters', { summary: 'x'.repeat(10_001) }, 'TOO_LONG', 'input.summary'],
    ['an unknown theme', { themes: ['CULTURE', 'NO_SUCH_THEME'] }, 'INVALID_VALUE', 'input.themes[1]'],
    ['an unknown target group', { targetGroups: ['NOBODY'] }, 'INVALID_VALUE', 'input.targetGroups[0]'],
    ['an unknown postal code', { locations: ['70100', '00001'] }, 'UNKNOWN_POSTAL_CODE', 'input.locations[1]'],
    ['a malformed postal code', { locations: ['701'] }, 'INVALID_VALUE', 'input.locations[0]'],
    ['a missing umbrella project', { parent: toGlobalId('Project', 999_999) }, 'NOT_FOUND', 'input.parent'],
    ['a missing lead organisation', { leadOrganisation: toGlobalId('Organisation', 999_999) }, 'NOT_FOUND', 'input.leadOrganisation'],
    ['a missing programme', { programme: toGlobalId('Programme', 999_999) }, 'NOT_FOUND', 'input.programme'],
  ])('refuses %s and writes nothing', async (_label, overrides, code, field) => {
    const result = await expectNothingWritten(async () => dataOf(await app.gql(CREATE, { input: minimal(overrides) }, { token: lead })).createProject);
    expect(result.project).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
  });

  it('refuses an archived lead organisation', async () => {
    const member = await app.signIn({ memberOf: [ids.archived] });
    const result = await expectNothingWritten(async () =>
      dataOf(await app.gql(CREATE, { input: minimal({ leadOrganisation: archivedOrgId }) }, { token: member })).createProject,
    );
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'ARCHIVED', field: 'input.leadOrganisation' })]);
  });

  it('refuses a duplicate code, ignoring case and Unicode normalisation, and duplicate EURA codes', async () => {
    const code = `KÄKE-ÖLJY-${process.pid}`;
    await create({ code, euraCode: `S${process.pid}` });
    for (const variant of [code, code.toLowerCase(), code.normalize('NFD'), ` ${code.normalize('NFD').toLowerCase()} `]) {
      const result = await expectNothingWritten(async () => dataOf(await app.gql(CREATE, { input: minimal({ code: variant }) }, { token: lead })).createProject);
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'ALREADY_EXISTS', field: 'input.code' })]);
    }
    const eura = await expectNothingWritten(async () =>
      dataOf(await app.gql(CREATE, { input: minimal({ euraCode: `s${process.pid}` }) }, { token: lead })).createProject,
    );
    expect(eura.userErrors).toEqual([expect.objectContaining({ code: 'ALREADY_EXISTS', field: 'input.euraCode' })]);
  });

  it('stores the code NFC-normalised and trimmed, so that project(code:) finds it', async () => {
    const project = await create({ code: ` PA\u0308IVA\u0308-${process.pid} ` });
    expect(project.code).toBe(`PÄIVÄ-${process.pid}`);
    const found = dataOf(await app.gql('query($c: String!) { project(code: $c) { id } }', { c: `PÄIVÄ-${process.pid}` }, { token: lead })).project;
    expect(found).toEqual({ id: project.id });
  });

  it('replays an idempotency key (same project, no new rows) and refuses the key with another input', async () => {
    const input = minimal({ idempotencyKey: `portal-${process.pid}` });
    const first = dataOf(await app.gql(CREATE, { input }, { token: lead })).createProject;
    expect(first.userErrors).toEqual([]);
    const again = await expectNothingWritten(async () => dataOf(await app.gql(CREATE, { input }, { token: lead })).createProject);
    expect(again).toEqual(first);
    const other = await expectNothingWritten(async () =>
      dataOf(await app.gql(CREATE, { input: { ...input, title: 'Eri hanke' } }, { token: lead })).createProject,
    );
    expect(other).toEqual({ project: null, userErrors: [expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'input.idempotencyKey' })] });
  });
});

describe('updateProject', () => {
  it('changes fields with the current version, records before/after, and refuses a stale version', async () => {
    const project = await create({ title: 'Vanha nimi', summary: 'Tiivistelmä', themes: ['CULTURE'], locations: ['70100'] });
    const updated = dataOf(
      await app.gql(UPDATE, { input: { id: project.id, expectedVersion: 1, title: 'Uusi nimi', summary: null, themes: ['ENVIRONMENT', 'CULTURE'], locations: [] } }, { token: lead }),
    ).updateProject;
    expect(updated.userErrors).toEqual([]);
    expect(updated.project).toMatchObject({ title: 'Uusi nimi', summary: null, version: 2, locations: [] });
    expect(updated.project.themes.map((theme: { code: string }) => theme.code)).toEqual(['CULTURE', 'ENVIRONMENT']);
    const [stored] = await app.sql<{ summary: string | null }>('select summary from project where code = ?', [project.code]);
    expect(stored.summary).toBeNull();

    const key = keyOf(project.id);
    const history = (await auditRows('updateProject')).filter((row) => row.entity_type !== 'Project' || row.entity_id === key);
    const projectRow = history.filter((row) => row.entity_type === 'Project').pop()!;
    expect(projectRow.action).toBe('UPDATE');
    expect(projectRow.changes.title).toEqual({ before: 'Vanha nimi', after: 'Uusi nimi' });
    expect(projectRow.changes.summary).toEqual({ before: 'Tiivistelmä', after: null });
    const pivots = history.slice(-3).map((row) => `${row.entity_type} ${row.action}`).sort();
    expect(pivots).toEqual(['Project UPDATE', 'ProjectLocation DELETE', 'ProjectTheme CREATE']);

    const stale = await expectNothingWritten(async () =>
      dataOf(await app.gql(UPDATE, { input: { id: project.id, expectedVersion: 1, title: 'Myöhässä' } }, { token: lead })).updateProject,
    );
    expect(stale).toEqual({ project: null, userErrors: [expect.objectContaining({ code: 'VERSION_CONFLICT', field: 'input.expectedVersion' })] });
  });

  it('moves the version on when only a set changes, so stale forms notice', async () => {
    const project = await create();
    const updated = dataOf(await app.gql(UPDATE, { input: { id: project.id, expectedVersion: 1, targetGroups: ['YOUNG_PEOPLE'] } }, { token: lead })).updateProject;
    expect(updated.project.version).toBe(2);
  });

  it('checks periods against the stored dates and refuses invalid references, writing nothing', async () => {
    const project = await create({ plannedStart: '2019-01-01', plannedEnd: '2019-06-30' });
    for (const [input, code, field] of [
      [{ plannedStart: '2019-07-01' }, 'END_BEFORE_START', 'input.plannedStart'],
      [{ actualStart: '2019-02-01', actualEnd: '2019-01-31' }, 'END_BEFORE_START', 'input.actualEnd'],
      [{ title: null }, 'REQUIRED', 'input.title'],
      [{ themes: ['NOPE'] }, 'INVALID_VALUE', 'input.themes[0]'],
      [{ locations: ['00001'] }, 'UNKNOWN_POSTAL_CODE', 'input.locations[0]'],
      [{ parent: project.id }, 'INVALID_VALUE', 'input.parent'],
    ] as const) {
      const result = await expectNothingWritten(async () => dataOf(await app.gql(UPDATE, { input: { id: project.id, ...input } }, { token: lead })).updateProject);
      expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
    }
  });

  it('links a pilot to its umbrella project and refuses a cycle', async () => {
    const umbrella = await create({ title: 'Kattohanke' });
    const pilot = await create({ title: 'Pilotti', parent: umbrella.id });
    expect(pilot.parent).toEqual({ id: umbrella.id });
    const cycle = await expectNothingWritten(async () => dataOf(await app.gql(UPDATE, { input: { id: umbrella.id, parent: pilot.id } }, { token: lead })).updateProject);
    expect(cycle.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_VALUE', field: 'input.parent' })]);
    const detached = dataOf(await app.gql(UPDATE, { input: { id: pilot.id, parent: null } }, { token: lead })).updateProject;
    expect(detached.project.parent).toBeNull();
  });

  it("refuses internal notes from partners; coordinators write them and only coordinators and analysts read them", async () => {
    const project = await create();
    const refused = await expectNothingWritten(() => app.gql(UPDATE, { input: { id: project.id, internalNotes: 'Kumppanin muistio' } }, { token: lead }));
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const written = dataOf(await app.gql(UPDATE, { input: { id: project.id, internalNotes: 'Tarkista omarahoitus' } }, { token: coordinator })).updateProject;
    expect(written.userErrors).toEqual([]);
    expect(written.project.internalNotes).toBe('Tarkista omarahoitus');
    const notes = async (token: string): Promise<unknown> =>
      dataOf(await app.gql('query($id: ID!) { node(id: $id) { ... on Project { internalNotes } } }', { id: project.id }, { token })).node?.internalNotes;
    expect(await notes(coordinator)).toBe('Tarkista omarahoitus');
    expect(await notes(analyst)).toBe('Tarkista omarahoitus');
    expect(await notes(lead)).toBeNull();
    const otherCoordinator = await app.signIn({ coordinatorOf: [ids.otherProgramme] });
    // A draft of another programme is hidden from its coordinator altogether.
    expect(dataOf(await app.gql('query($id: ID!) { node(id: $id) { id } }', { id: project.id }, { token: otherCoordinator })).node).toBeNull();
  });

  it("hides another organisation's draft: NOT_FOUND on update (like a missing ID), and absent from every read path", async () => {
    const s = new Scenario(app.orm);
    const strangerProgramme = s.programme();
    const secretLead = s.organisation({ name: 'Salainen ry' });
    const secret = s.project({ programme: strangerProgramme, title: 'Salainen kirjastohanke Jynkässä', status: ProjectStatus.DRAFT, lead: secretLead });
    await s.save();
    const secretId = idOf(secret);

    const update = (id: string) => app.gql(UPDATE, { input: { id, title: 'Kaapattu' } }, { token: outsider });
    const hidden = await expectNothingWritten(async () => dataOf(await update(secretId)).updateProject);
    const missing = dataOf(await update(toGlobalId('Project', 999_999))).updateProject;
    expect(hidden).toEqual({ project: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: 'input.id' })] });
    expect(missing.userErrors.map((error: { code: string; field: string }) => [error.code, error.field])).toEqual([['NOT_FOUND', 'input.id']]);
    for (const call of [
      () => app.gql(TRANSITION, { input: { id: secretId, to: 'SUBMITTED' } }, { token: outsider }),
      () => app.gql(ADD, { input: { project: secretId, organisation: strangerOrgId, role: 'PARTNER' } }, { token: outsider }),
    ]) {
      const response = await expectNothingWritten(call);
      expect(response.errors).toBeUndefined();
      expect(Object.values(response.data!)[0]).toMatchObject({ userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })] });
    }

    const reads = await app.gql(
      `query($id: ID!, $p: ID!) {
        node(id: $id) { id }
        nodes(ids: [$id]) { id }
        projects(filter: { programme: $p }) { totalCount nodes { id } }
        all: projects { totalCount }
        search(query: "salainen kirjastohanke") { edges { node { ... on Project { id } } } }
      }`,
      { id: secretId, p: idOf(strangerProgramme) },
      { token: outsider },
    );
    const data = dataOf(reads);
    expect(data.node).toBeNull();
    expect(data.nodes).toEqual([null]);
    expect(data.projects).toEqual({ totalCount: 0, nodes: [] });
    expect(data.search.edges.filter((hit: { node: { id?: string } }) => hit.node.id === secretId)).toEqual([]);
    // The outsider's organisation takes part in nothing, so it sees exactly the projects past the draft stage.
    const [{ open }] = await app.sql<{ open: string }>(`select count(*) as open from project where status not in ('DRAFT', 'REJECTED')`);
    expect(data.all.totalCount).toBe(Number(open));
    // The analyst sees it everywhere.
    expect(dataOf(await app.gql('query($id: ID!) { node(id: $id) { id } }', { id: secretId }, { token: analyst })).node).toEqual({ id: secretId });
  });

  it('refuses a visible project to someone who may not edit it: FORBIDDEN', async () => {
    const project = await create();
    await transition(project, ProjectStatus.SUBMITTED, lead);
    await transition(project, ProjectStatus.APPROVED, coordinator);
    const response = await expectNothingWritten(() => app.gql(UPDATE, { input: { id: project.id, title: 'Kaapattu' } }, { token: outsider }));
    expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // A partner organisation sees the draft it takes part in, but only the lead edits it.
    const partner = await app.signIn({ memberOf: [ids.partner] });
    const draft = await create();
    dataOf(await app.gql(ADD, { input: { project: draft.id, organisation: partnerOrgId, role: 'PARTNER' } }, { token: lead }));
    const refused = await expectNothingWritten(() => app.gql(UPDATE, { input: { id: draft.id, title: 'Kumppanin nimi' } }, { token: partner }));
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('transitionProject', () => {
  it('runs the life cycle DRAFT → SUBMITTED → APPROVED → ONGOING → COMPLETED with actual dates', async () => {
    const project = await create({ plannedStart: '2019-01-01', plannedEnd: '2019-12-31' });
    const submitted = await transition(project, ProjectStatus.SUBMITTED, lead, { expectedVersion: 1 });
    expect(submitted).toEqual({ project: expect.objectContaining({ status: 'SUBMITTED', version: 2 }), userErrors: [] });

    const selfApproval = await expectNothingWritten(() => app.gql(TRANSITION, { input: { id: project.id, to: 'APPROVED' } }, { token: lead }));
    expect(selfApproval.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(selfApproval.errors?.[0].message).toMatch(/SUBMITTED to APPROVED/);
    expect((await transition(project, ProjectStatus.APPROVED, coordinator)).project.status).toBe('APPROVED');

    const started = await transition(project, ProjectStatus.ONGOING, lead, { actualStart: '2019-03-01' });
    expect(started.project).toMatchObject({ status: 'ONGOING', actualStart: '2019-03-01', actualEnd: null });

    const early = await expectNothingWritten(() => transition(project, ProjectStatus.COMPLETED, lead, { actualEnd: '2019-02-28' }));
    expect(early.userErrors).toEqual([expect.objectContaining({ code: 'END_BEFORE_START', field: 'input.actualEnd' })]);

    const completed = await transition(project, ProjectStatus.COMPLETED, lead);
    expect(completed.project).toMatchObject({ status: 'COMPLETED', actualStart: '2019-03-01', actualEnd: todayInFinland() });

    const key = keyOf(project.id);
    const history = (await auditRows('transitionProject', 'Project')).filter((row) => row.entity_id === key);
    expect(history.map((row) => row.changes.status)).toEqual([
      { before: 'DRAFT', after: 'SUBMITTED' },
      { before: 'SUBMITTED', after: 'APPROVED' },
      { before: 'APPROVED', after: 'ONGOING' },
      { before: 'ONGOING', after: 'COMPLETED' },
    ]);
    expect(history[2].changes.actualStart).toEqual({ before: null, after: '2019-03-01' });
    expect(history[1].account_name).toBe('Kaisa Koordinaattori');

    // Completed projects are closed: the lead may no longer edit them, the coordinator still corrects them.
    const closed = await expectNothingWritten(() => app.gql(UPDATE, { input: { id: project.id, achievements: 'Tulokset' } }, { token: lead }));
    expect(closed.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const corrected = dataOf(await app.gql(UPDATE, { input: { id: project.id, achievements: 'Tulokset' } }, { token: coordinator })).updateProject;
    expect(corrected.userErrors).toEqual([]);
  });

  it('refuses moves outside the state machine with INVALID_TRANSITION naming both statuses', async () => {
    const draft = await create();
    const skip = await expectNothingWritten(() => transition(draft, ProjectStatus.ONGOING, lead));
    expect(skip.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION', field: 'input.to' })]);
    expect(skip.userErrors[0].message).toMatch(/from DRAFT to ONGOING/);

    const s = new Scenario(app.orm);
    const done = s.project({ programme: s.programme(), status: ProjectStatus.COMPLETED, lead: s.organisation(), actualStart: '2018-01-01', actualEnd: '2018-12-31' });
    await s.save();
    const admin = await app.signIn({ admin: true });
    const reopen = await expectNothingWritten(() => transition({ id: idOf(done) }, ProjectStatus.CANCELLED, admin));
    expect(reopen.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION', field: 'input.to' })]);
    expect(reopen.userErrors[0].message).toMatch(/from COMPLETED to CANCELLED/);
  });

  it('refuses dates the move does not set, stale versions and outsiders', async () => {
    const draft = await create();
    const dated = await expectNothingWritten(() => transition(draft, ProjectStatus.SUBMITTED, lead, { actualStart: '2019-01-01' }));
    expect(dated.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_VALUE', field: 'input.actualStart' })]);
    const stale = await expectNothingWritten(() => transition(draft, ProjectStatus.SUBMITTED, lead, { expectedVersion: 7 }));
    expect(stale.userErrors).toEqual([expect.objectContaining({ code: 'VERSION_CONFLICT' })]);
    await transition(draft, ProjectStatus.SUBMITTED, lead);
    await transition(draft, ProjectStatus.APPROVED, coordinator);
    const outsiderMove = await expectNothingWritten(() => app.gql(TRANSITION, { input: { id: draft.id, to: 'CANCELLED' } }, { token: outsider }));
    expect(outsiderMove.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await transition(draft, ProjectStatus.CANCELLED, lead)).project).toMatchObject({ status: 'CANCELLED', actualEnd: null });
  });
});

describe('project participants', () => {
  it('adds and removes participants, refuses duplicates and archived organisations, and keeps the last LEAD', async () => {
    const project = await create();
    const added = dataOf(await app.gql(ADD, { input: { project: project.id, organisation: partnerOrgId, role: 'PARTNER', budgetShare: '1500.5' } }, { token: lead })).addProjectParticipant;
    expect(added.userErrors).toEqual([]);
    expect(added.participation).toMatchObject({ role: 'PARTNER', version: 1, budgetShare: '1500.50', organisation: { id: partnerOrgId }, project: { id: project.id } });

    const duplicate = await expectNothingWritten(async () =>
      dataOf(await app.gql(ADD, { input: { project: project.id, organisation: partnerOrgId, role: 'PARTNER' } }, { token: lead })).addProjectParticipant,
    );
    expect(duplicate.userErrors).toEqual([expect.objectContaining({ code: 'ALREADY_EXISTS', field: 'input.organisation' })]);
    const archived = await expectNothingWritten(async () =>
      dataOf(await app.gql(ADD, { input: { project: project.id, organisation: archivedOrgId, role: 'FUNDER' } }, { token: lead })).addProjectParticipant,
    );
    expect(archived.userErrors).toEqual([expect.objectContaining({ code: 'ARCHIVED', field: 'input.organisation' })]);

    const leadParticipation = project.participations.nodes[0];
    const lastLead = await expectNothingWritten(async () =>
      dataOf(await app.gql(REMOVE, { input: { participation: leadParticipation.id } }, { token: lead })).removeProjectParticipant,
    );
    expect(lastLead).toEqual({ project: null, userErrors: [expect.objectContaining({ code: 'IN_USE', field: 'input.participation' })] });

    const stale = await expectNothingWritten(async () =>
      dataOf(await app.gql(REMOVE, { input: { participation: added.participation.id, expectedVersion: 2 } }, { token: lead })).removeProjectParticipant,
    );
    expect(stale.userErrors).toEqual([expect.objectContaining({ code: 'VERSION_CONFLICT' })]);

    const removed = dataOf(await app.gql(REMOVE, { input: { participation: added.participation.id, expectedVersion: 1 } }, { token: lead })).removeProjectParticipant;
    expect(removed).toEqual({ project: { id: project.id, participations: { nodes: [{ role: 'LEAD', organisation: { id: leadOrgId } }] } }, userErrors: [] });

    // With a second LEAD, the first may go; the project stays editable by the new lead's members.
    const coLead = dataOf(await app.gql(ADD, { input: { project: project.id, organisation: partnerOrgId, role: 'LEAD' } }, { token: lead })).addProjectParticipant;
    expect(coLead.userErrors).toEqual([]);
    expect(dataOf(await app.gql(REMOVE, { input: { participation: leadParticipation.id } }, { token: lead })).removeProjectParticipant.userErrors).toEqual([]);
    const partner = await app.signIn({ memberOf: [ids.partner] });
    expect(dataOf(await app.gql(UPDATE, { input: { id: project.id, title: 'Uusi vetäjä' } }, { token: partner })).updateProject.userErrors).toEqual([]);

    const audit = await auditRows('removeProjectParticipant', 'Participation');
    expect(audit.slice(-2).map((row) => row.action)).toEqual(['DELETE', 'DELETE']);
    expect((await auditRows('addProjectParticipant', 'Participation')).pop()).toMatchObject({ action: 'CREATE', changes: expect.objectContaining({ role: { before: null, after: 'LEAD' } }) });
  });

  it('refuses outsiders, and hides participations of hidden projects', async () => {
    const project = await create();
    const refused = await expectNothingWritten(async () =>
      dataOf(await app.gql(REMOVE, { input: { participation: project.participations.nodes[0].id } }, { token: outsider })).removeProjectParticipant,
    );
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.participation' })]);
    await transition(project, ProjectStatus.SUBMITTED, lead);
    const visible = await expectNothingWritten(() =>
      app.gql(ADD, { input: { project: project.id, organisation: strangerOrgId, role: 'PARTNER' } }, { token: outsider }),
    );
    expect(visible.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
