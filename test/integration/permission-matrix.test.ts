import { FundingSource } from '../../src/modules/funding/funding.enums';
import { Scheme } from '../../src/modules/programme/programme.enums';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { MATRIX_ROLES, PERMISSION_MATRIX, type MatrixRole, type Outcome } from '../../src/modules/auth/permission-matrix';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { idOf, Scenario } from '../support/scenario';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app';

/**
 * Every cell of the permission matrix, over HTTP: each cell gets fresh records and a fresh account
 * in the role, runs the operation, and compares what happened with the matrix.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('empty');
});
afterAll(() => app.close());

let serial = 0;

interface Fixture {
  programme: { id: number; gid: string; code: string };
  otherProgramme: { id: number };
  organisation: { id: number; gid: string };
  otherOrganisation: { id: number; gid: string };
  project: { id: number; gid: string; code: string };
  participation: { gid: string };
  fundingLine: { gid: string };
  ceiling: { gid: string };
  area: { postalCode: string };
  theme: { code: string; gid: string };
  targetGroup: { code: string; gid: string };
  extraAccount: { id: number; gid: string };
  /** A submitted project of the other programme, and the finding pairing it with `project`. */
  overlap: { id: number; gid: string };
}

async function fixture(): Promise<Fixture> {
  const n = ++serial;
  const s = new Scenario(app.orm);
  const programme = s.programme({ code: `MX-${n}`, territory: [['70100', 'URBAN' as never]] });
  const otherProgramme = s.programme({ code: `MX-OTHER-${n}` });
  const organisation = s.organisation({ name: `Matriisi ${n} ry` });
  const otherOrganisation = s.organisation({ name: `Muu matriisi ${n} ry` });
  const partner = s.organisation({ name: `Kumppani ${n} ry` });
  const project = s.project({
    programme,
    code: `MX-P-${n}`,
    // Submitted: visible to everyone, so that the cells test permissions rather than visibility.
    status: ProjectStatus.SUBMITTED,
    lead: organisation,
    partners: [partner],
    funding: [{ source: FundingSource.ESR, planned: '1000.00' }],
  });
  // The other side of the finding: a programme and an organisation of its own, so that OTHER_COORDINATOR and OTHER_PARTNER stay outside the pair.
  const pairProgramme = s.programme({ code: `MX-PAIR-${n}`, scheme: Scheme.LEADER });
  const otherProject = s.project({ programme: pairProgramme, code: `MX-Q-${n}`, status: ProjectStatus.SUBMITTED, lead: s.organisation({ name: `Pari ${n} ry` }) });
  await s.save();
  const [a, b] = [project.id, otherProject.id].sort((x, y) => x - y);
  const [overlap] = await app.sql<{ id: number }>(
    `insert into overlap (project_a_id, project_b_id, kind, score, crosses_divide, signals) values (?, ?, 'DOUBLE_FUNDING_RISK', 0.9, true, '[]') returning id`,
    [a, b],
  );
  const [participation] = await app.sql<{ id: number }>('select id from participation where project_id = ? and organisation_id = ?', [project.id, partner.id]);
  const [line] = await app.sql<{ id: number }>('select id from funding_line where project_id = ?', [project.id]);
  const [ceiling] = await app.sql<{ id: number }>(
    `insert into programme_ceiling (programme_id, sources, annual_amount) values (?, '{ESR,STATE}', 300000) returning id`,
    [programme.id],
  );
  const [theme] = await app.sql<{ id: number }>(`insert into theme (code, label_fi, label_en) values (?, 'Teema', 'Theme') returning id`, [`MX_THEME_${n}`]);
  const [group] = await app.sql<{ id: number }>(`insert into target_group (code, label_fi, label_en) values (?, 'Ryhmä', 'Group') returning id`, [`MX_GROUP_${n}`]);
  const [account] = await app.sql<{ id: number }>(`insert into account (name) values (?) returning id`, [`Jäsen ${n}`]);
  // The extra account is a member already, so that removing it works; adding uses a fresh one below.
  await app.sql('insert into membership (account_id, organisation_id) values (?, ?)', [account.id, organisation.id]);
  await app.sql('insert into programme_coordinator (account_id, programme_id) values (?, ?)', [account.id, programme.id]);
  return {
    programme: { id: programme.id, gid: idOf(programme), code: programme.code },
    otherProgramme: { id: otherProgramme.id },
    organisation: { id: organisation.id, gid: idOf(organisation) },
    otherOrganisation: { id: otherOrganisation.id, gid: idOf(otherOrganisation) },
    project: { id: project.id, gid: idOf(project), code: project.code },
    participation: { gid: toGlobalId('Participation', participation.id) },
    fundingLine: { gid: toGlobalId('FundingLine', line.id) },
    ceiling: { gid: toGlobalId('ProgrammeCeiling', ceiling.id) },
    area: { postalCode: '70100' },
    theme: { code: `MX_THEME_${n}`, gid: toGlobalId('Theme', theme.id) },
    targetGroup: { code: `MX_GROUP_${n}`, gid: toGlobalId('TargetGroup', group.id) },
    extraAccount: { id: account.id, gid: toGlobalId('Account', account.id) },
    overlap: { id: overlap.id, gid: toGlobalId('Overlap', overlap.id) },
  };
}

async function tokenFor(role: MatrixRole, f: Fixture, unverified: boolean): Promise<string | undefined> {
  const member = (organisationId: number) => (unverified ? { unverifiedMemberOf: [organisationId] } : { memberOf: [organisationId] });
  switch (role) {
    case 'ANONYMOUS':
      return undefined;
    case 'READ_ONLY':
      return app.signIn({ ...member(f.organisation.id), readOnly: true });
    case 'PARTNER':
      return app.signIn(member(f.organisation.id));
    case 'OTHER_PARTNER':
      return app.signIn(member(f.otherOrganisation.id));
    case 'COORDINATOR':
      return app.signIn({ coordinatorOf: [f.programme.id] });
    case 'OTHER_COORDINATOR':
      return app.signIn({ coordinatorOf: [f.otherProgramme.id] });
    case 'ANALYST':
      return app.signIn({ analyst: true });
    case 'ADMIN':
      return app.signIn({ admin: true });
  }
}

type Run = (f: Fixture, token: string | undefined) => Promise<Outcome>;

/** A mutation's outcome: a top-level code, or allowed when the payload came back (userErrors are the input's business). */
function mutationOutcome(response: GraphQLResponse, field: string): Outcome {
  const code = response.errors?.[0]?.extensions?.code;
  if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') return code;
  if (response.errors?.length) throw new Error(`${field}: ${JSON.stringify(response.errors)}`);
  const payload = response.data?.[field] as { userErrors: { code: string; message: string }[] };
  // A record the caller may not see is reported as missing, so that IDs cannot be probed.
  if (payload.userErrors.length === 1 && payload.userErrors[0].code === 'NOT_FOUND') return 'hidden';
  if (payload.userErrors.length > 0) throw new Error(`${field} refused its input: ${JSON.stringify(payload.userErrors)}`);
  return 'allowed';
}

function mutate(name: string, inputType: string, input: (f: Fixture) => Record<string, unknown>): Run {
  return async (f, token) =>
    mutationOutcome(await app.gql(`mutation($input: ${inputType}!) { ${name}(input: $input) { userErrors { code message } } }`, { input: input(f) }, { token }), name);
}

/** Whether the viewer sees the e-mail and phone of a contact person of the organisation concerned. */
async function contactDetailsOutcome(f: Fixture, token: string | undefined): Promise<Outcome> {
  await app.sql(`insert into contact_person (organisation_id, name, email, phone) values (?, 'Yhteys', 'yhteys@example.fi', '+358 40 123 4567')`, [f.organisation.id]);
  const response = await app.gql(`query($id: ID!) { node(id: $id) { ... on Organisation { contactPeople { email phone } } } }`, { id: f.organisation.gid }, { token });
  const [person] = response.data?.node.contactPeople as { email: string | null; phone: string | null }[];
  // Both or neither.
  expect(person.email === null).toBe(person.phone === null);
  return person.email === 'yhteys@example.fi' ? 'allowed' : 'hidden';
}

const RUNS: Record<string, Run> = {
  createOrganisation: mutate('createOrganisation', 'CreateOrganisationInput', () => ({ name: `Uusi ${++serial} ry`, type: 'ASSOCIATION' })),
  updateOrganisation: mutate('updateOrganisation', 'UpdateOrganisationInput', (f) => ({ id: f.organisation.gid, description: 'Muutettu' })),
  archiveOrganisation: mutate('archiveOrganisation', 'ArchiveOrganisationInput', (f) => ({ id: f.organisation.gid })),
  addOrganisationMember: async (f, token) => {
    const [account] = await app.sql<{ id: number }>(`insert into account (name) values ('Uusi jäsen') returning id`);
    return mutate('addOrganisationMember', 'AddOrganisationMemberInput', () => ({ organisation: f.organisation.gid, account: toGlobalId('Account', account.id) }))(f, token);
  },
  removeOrganisationMember: mutate('removeOrganisationMember', 'RemoveOrganisationMemberInput', (f) => ({ organisation: f.organisation.gid, account: f.extraAccount.gid })),
  verifyOrganisationMember: mutate('verifyOrganisationMember', 'VerifyOrganisationMemberInput', (f) => ({ organisation: f.organisation.gid, account: f.extraAccount.gid })),

  createProject: mutate('createProject', 'CreateProjectInput', (f) => ({
    programme: f.programme.gid,
    leadOrganisation: f.organisation.gid,
    code: `MX-NEW-${++serial}`,
    title: 'Uusi hanke',
  })),
  updateProject: mutate('updateProject', 'UpdateProjectInput', (f) => ({ id: f.project.gid, summary: 'Päivitetty' })),
  addProjectParticipant: mutate('addProjectParticipant', 'AddProjectParticipantInput', (f) => ({
    project: f.project.gid,
    organisation: f.otherOrganisation.gid,
    role: 'PARTNER',
  })),
  removeProjectParticipant: mutate('removeProjectParticipant', 'RemoveProjectParticipantInput', (f) => ({ participation: f.participation.gid })),
  'transitionProject (submit a draft)': async (f, token) => {
    await app.sql(`update project set status = 'DRAFT' where id = ?`, [f.project.id]);
    return mutate('transitionProject', 'TransitionProjectInput', () => ({ id: f.project.gid, to: 'SUBMITTED' }))(f, token);
  },
  'transitionProject (approve or reject)': mutate('transitionProject', 'TransitionProjectInput', (f) => ({ id: f.project.gid, to: 'APPROVED' })),
  createFundingLine: mutate('createFundingLine', 'CreateFundingLineInput', (f) => ({
    project: f.project.gid,
    source: 'MUNICIPAL',
    planned: '500.00',
    granted: '400.00',
    decisionDate: '2019-03-01',
  })),
  updateFundingLine: mutate('updateFundingLine', 'UpdateFundingLineInput', (f) => ({ id: f.fundingLine.gid, planned: '1200.00' })),
  deleteFundingLine: mutate('deleteFundingLine', 'DeleteFundingLineInput', (f) => ({ id: f.fundingLine.gid })),
  createProgramme: mutate('createProgramme', 'CreateProgrammeInput', () => ({
    code: `MX-PRG-${++serial}`,
    name: 'Uusi ohjelma',
    scheme: 'KAKE',
    periodStart: '2021-01-01',
    periodEnd: '2027-12-31',
  })),
  updateProgramme: mutate('updateProgramme', 'UpdateProgrammeInput', (f) => ({ id: f.programme.gid, description: 'Päivitetty' })),
  setProgrammeArea: mutate('setProgrammeArea', 'SetProgrammeAreaInput', (f) => ({ programme: f.programme.gid, postalCode: '70110', areaType: 'URBAN' })),
  removeProgrammeArea: mutate('removeProgrammeArea', 'RemoveProgrammeAreaInput', (f) => ({ programme: f.programme.gid, postalCode: f.area.postalCode })),
  setProgrammeCeiling: mutate('setProgrammeCeiling', 'SetProgrammeCeilingInput', (f) => ({
    programme: f.programme.gid,
    sources: ['MUNICIPAL'],
    annualAmount: '100000.00',
    approximate: true,
  })),
  removeProgrammeCeiling: mutate('removeProgrammeCeiling', 'RemoveProgrammeCeilingInput', (f) => ({ id: f.ceiling.gid })),
  addProgrammeDecision: mutate('addProgrammeDecision', 'AddProgrammeDecisionInput', (f) => ({
    programme: f.programme.gid,
    body: 'Kaupunginhallitus',
    date: '2017-10-02',
    outcome: 'APPROVED',
    reference: 'Kaupunginhallitus 2.10.2017 § 120',
  })),
  addProgrammeCoordinator: async (f, token) => {
    const [account] = await app.sql<{ id: number }>(`insert into account (name) values ('Uusi koordinaattori') returning id`);
    return mutate('addProgrammeCoordinator', 'AddProgrammeCoordinatorInput', () => ({ programme: f.programme.gid, account: toGlobalId('Account', account.id) }))(f, token);
  },
  removeProgrammeCoordinator: mutate('removeProgrammeCoordinator', 'RemoveProgrammeCoordinatorInput', (f) => ({ programme: f.programme.gid, account: f.extraAccount.gid })),
  createTheme: mutate('createTheme', 'CreateThemeInput', () => ({ code: `MX_NEW_THEME_${++serial}`, labelFi: 'Uusi', labelEn: 'New' })),
  updateTheme: mutate('updateTheme', 'UpdateThemeInput', (f) => ({ id: f.theme.gid, labelEn: 'Renamed' })),
  createTargetGroup: mutate('createTargetGroup', 'CreateTargetGroupInput', () => ({ code: `MX_NEW_GROUP_${++serial}`, labelFi: 'Uusi', labelEn: 'New' })),
  updateTargetGroup: mutate('updateTargetGroup', 'UpdateTargetGroupInput', (f) => ({ id: f.targetGroup.gid, labelEn: 'Renamed' })),

  reviewOverlap: mutate('reviewOverlap', 'ReviewOverlapInput', (f) => ({ overlap: f.overlap.gid, status: 'CONFIRMED', note: 'Tarkistettu' })),
  'overlaps (a risk finding)': (f, token) => overlapOutcome(f, token),
  'overlaps (a SYNERGY finding)': async (f, token) => {
    await app.sql(`update overlap set kind = 'SYNERGY' where id = ?`, [f.overlap.id]);
    return overlapOutcome(f, token);
  },
  'Overlap.review': async (f, token) => {
    // A SYNERGY verdict: the finding is visible to the partner too, so only the review is in question.
    const admin = await app.signIn({ admin: true });
    const reviewed = await app.gql(`mutation($input: ReviewOverlapInput!) { reviewOverlap(input: $input) { userErrors { code } } }`, {
      input: { overlap: f.overlap.gid, status: 'SYNERGY', note: 'Muistio' },
    }, { token: admin });
    expect(reviewed.data?.reviewOverlap.userErrors).toEqual([]);
    const response = await app.gql(`query($id: ID!) { node(id: $id) { ... on Overlap { review { note } } } }`, { id: f.overlap.gid }, { token });
    return response.data?.node?.review?.note === 'Muistio' ? 'allowed' : 'hidden';
  },
  'ContactPerson.email, ContactPerson.phone': async (f, token) => contactDetailsOutcome(f, token),
  'ContactPerson.email, ContactPerson.phone (memberships unverified)': async (f, token) => contactDetailsOutcome(f, token),
  'Organisation.internalNotes': async (f, token) => {
    await app.sql(`update organisation set internal_notes = 'Muistio' where id = ?`, [f.organisation.id]);
    const response = await app.gql(`query($id: ID!) { node(id: $id) { ... on Organisation { internalNotes } } }`, { id: f.organisation.gid }, { token });
    return response.data?.node.internalNotes === 'Muistio' ? 'allowed' : 'hidden';
  },
  'Project.internalNotes': async (f, token) => {
    // A visible (ongoing) project, so that only the field is in question.
    await app.sql(`update project set internal_notes = 'Muistio', status = 'ONGOING' where id = ?`, [f.project.id]);
    const response = await app.gql(`query($id: ID!) { node(id: $id) { ... on Project { internalNotes } } }`, { id: f.project.gid }, { token });
    return response.data?.node.internalNotes === 'Muistio' ? 'allowed' : 'hidden';
  },
  'draft and rejected projects (every road)': async (f, token) => {
    await app.sql(`update project set status = 'DRAFT' where id = ?`, [f.project.id]);
    const response = await app.gql(
      `query($id: ID!, $p: ID!) { node(id: $id) { id } projects(filter: { programme: $p }) { totalCount } }`,
      { id: f.project.gid, p: f.programme.gid },
      { token },
    );
    const seen = response.data?.node !== null;
    expect(response.data?.projects.totalCount).toBe(seen ? 1 : 0);
    return seen ? 'allowed' : 'hidden';
  },
  auditLog: async (f, token) => {
    await changeOrganisation(f);
    // Empty for those who may not read it, never an error that would take the query's other fields down.
    const response = await app.gql('{ auditLog(first: 1) { totalCount edges { node { id } } } }', {}, { token });
    expect(response.errors).toBeUndefined();
    return response.data?.auditLog.totalCount > 0 && response.data?.auditLog.edges.length === 1 ? 'allowed' : 'hidden';
  },
  'Organisation.history': async (f, token) => {
    await changeOrganisation(f);
    const response = await app.gql(`query($id: ID!) { node(id: $id) { ... on Organisation { history { totalCount } } } }`, { id: f.organisation.gid }, { token });
    return response.data?.node.history.totalCount > 0 ? 'allowed' : 'hidden';
  },
};

/** Whether the viewer sees the fixture's finding: in `overlaps`, its project's `overlaps`, `node(id:)` and the summary alike. */
async function overlapOutcome(f: Fixture, token: string | undefined): Promise<Outcome> {
  const response = await app.gql(
    `query($id: ID!, $p: ID!, $programmes: [ID!]) { node(id: $id) { id } overlaps(filter: { programmes: $programmes }) { totalCount }
      overlapSummary(filter: { programmes: $programmes }) { total } project: node(id: $p) { ... on Project { overlaps { totalCount } } } }`,
    { id: f.overlap.gid, p: f.project.gid, programmes: [f.programme.gid] },
    { token },
  );
  expect(response.errors).toBeUndefined();
  const seen = response.data?.node !== null;
  const count = seen ? 1 : 0;
  expect(response.data?.overlaps.totalCount).toBe(count);
  expect(response.data?.overlapSummary.reduce((sum: number, row: { total: number }) => sum + row.total, 0)).toBe(count);
  expect(response.data?.project.overlaps.totalCount).toBe(count);
  return seen ? 'allowed' : 'hidden';
}

/** An audit event about the fixture's organisation, made by an admin. */
async function changeOrganisation(f: Fixture): Promise<void> {
  await app.gql(`mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { userErrors { code } } }`, {
    input: { id: f.organisation.gid, description: 'Historiaa' },
  }, { token: await app.signIn({ admin: true }) });
}

RUNS["node(id:) of an organisation's AuditEvent"] = async (f, token) => {
  await changeOrganisation(f);
  const admin = await app.signIn({ admin: true });
  const log = await app.gql(`query($e: ID!) { auditLog(first: 1, filter: { entity: $e }) { nodes { id } } }`, { e: f.organisation.gid }, { token: admin });
  const eventId = log.data?.auditLog.nodes[0].id as string;
  const response = await app.gql(`query($id: ID!) { node(id: $id) { id ... on AuditEvent { entity } } }`, { id: eventId }, { token });
  expect(response.errors).toBeUndefined();
  if (response.data?.node === null) return 'hidden';
  expect(response.data?.node).toEqual({ id: eventId, entity: f.organisation.gid });
  return 'allowed';
};

const cells = PERMISSION_MATRIX.filter((row) => RUNS[row.operation]).flatMap((row) =>
  MATRIX_ROLES.map((role) => ({ operation: row.operation, role, expected: row.outcomes[role] })),
);

describe('permission matrix', () => {
  it('has a test for every row of the matrix', () => {
    expect(PERMISSION_MATRIX.filter((row) => !RUNS[row.operation]).map((row) => row.operation)).toEqual([]);
  });

  it.each(cells)('$operation as $role: $expected', async ({ operation, role, expected }) => {
    const f = await fixture();
    expect(await RUNS[operation](f, await tokenFor(role, f, operation.includes('unverified')))).toBe(expected);
  });
});
