import { ProjectStatus } from '../../src/modules/project/project.enums';
import { uniqueConstraintProperties, uniqueViolationField } from '../../src/shared/mutations/unique-fields';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * Unique keys: a clash is ALREADY_EXISTS on the field to change, and the message says nothing about
 * the record that holds the value, which may be a draft the caller cannot see (docs/security.md).
 */
let app: TestApp;
let ids: { programme: string; lead: string; hidden: { code: string; title: string; organisation: string } };
let writer: string;

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const programme = s.programme({ code: 'UNQ-PRG' });
  const lead = s.organisation({ name: 'Kirjoittaja ry' });
  const secret = s.organisation({ name: 'Salainen Suunnittelija ry' });
  const draft = s.project({ programme, code: 'SALAINEN-1', title: 'Salainen luonnos', status: ProjectStatus.DRAFT, lead: secret });
  await s.save();
  await app.sql(`update project set eura_code = 'S20001', hyrra_number = '77001' where id = ?`, [draft.id]);
  ids = { programme: idOf(programme), lead: idOf(lead), hidden: { code: 'SALAINEN-1', title: 'Salainen luonnos', organisation: 'Salainen Suunnittelija ry' } };
  writer = await app.signIn({ name: 'Kirjoittaja', memberOf: [lead.id] });
});
afterAll(() => app.close());

const CREATE_PROJECT = `mutation($input: CreateProjectInput!) {
  createProject(input: $input) { project { id } userErrors { field code message } }
}`;

let serial = 0;

describe('unique keys', () => {
  it.each([
    ['code', { code: 'salainen-1' }],
    ['euraCode', { euraCode: 'S20001' }],
    ['hyrraNumber', { hyrraNumber: '77001' }],
  ])('a value held by a hidden draft (%s) is ALREADY_EXISTS on its field, with nothing about the holder', async (field, clash) => {
    const input = { programme: ids.programme, leadOrganisation: ids.lead, code: `UNQ-${++serial}`, title: 'Oma hanke', ...clash };
    // The draft itself is hidden from the writer.
    const listed = dataOf(await app.gql('query($p: ID!) { projects(filter: { programme: $p }) { totalCount } }', { p: ids.programme }, { token: writer }));
    expect(listed.projects.totalCount).toBe(0);
    const result = dataOf(await app.gql(CREATE_PROJECT, { input }, { token: writer })).createProject;
    expect(result.project).toBeNull();
    expect(result.userErrors).toEqual([{ field: `input.${field}`, code: 'ALREADY_EXISTS', message: expect.any(String) }]);
    const message: string = result.userErrors[0].message;
    for (const detail of [ids.hidden.code, ids.hidden.title, ids.hidden.organisation, 'S20001', '77001', 'DRAFT']) {
      expect(message.toLowerCase()).not.toContain(detail.toLowerCase());
    }
  });

  it('a clash found only by the database constraint is ALREADY_EXISTS on the field the mutation names, and writes nothing', async () => {
    const create = `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id } userErrors { field code message } } }`;
    const first = dataOf(await app.gql(create, { input: { name: 'Ensimmäinen ry', type: 'ASSOCIATION', externalIds: [{ system: 'EURA', value: 'E-1' }] } }, { token: writer }));
    expect(first.createOrganisation.userErrors).toEqual([]);
    const [{ count: before }] = await app.sql<{ count: string }>('select count(*) from organisation');
    const second = dataOf(await app.gql(create, { input: { name: 'Toinen ry', type: 'ASSOCIATION', externalIds: [{ system: 'EURA', value: 'E-1' }] } }, { token: writer }));
    expect(second.createOrganisation).toEqual({
      organisation: null,
      userErrors: [{ field: 'input.externalIds', code: 'ALREADY_EXISTS', message: 'Another record already has this value' }],
    });
    const [{ count: after }] = await app.sql<{ count: string }>('select count(*) from organisation');
    expect(after).toBe(before);
  });

  it('concurrent claims on the same programme code: one wins, the others get ALREADY_EXISTS on input.code', async () => {
    const admin = await app.signIn({ admin: true });
    const create = `mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { programme { id } userErrors { field code message } } }`;
    const input = { code: 'UNQ-RACE', name: 'Kilpa', scheme: 'KAKE', periodStart: '2021-01-01', periodEnd: '2027-12-31' };
    const results = await Promise.all([1, 2, 3, 4].map(() => app.gql(create, { input }, { token: admin })));
    const payloads = results.map((response) => dataOf(response).createProgramme);
    expect(payloads.filter((payload) => payload.programme !== null)).toHaveLength(1);
    for (const payload of payloads.filter((candidate) => candidate.programme === null)) {
      expect(payload.userErrors).toEqual([expect.objectContaining({ field: 'input.code', code: 'ALREADY_EXISTS' })]);
    }
  });

  it('maps constraint names to input fields: one-column keys by name, keys over several columns to what the mutation names', () => {
    const em = app.orm.em;
    expect(uniqueViolationField(em, 'project_code_unique')).toBe('input.code');
    expect(uniqueViolationField(em, 'project_eura_code_unique')).toBe('input.euraCode');
    expect(uniqueViolationField(em, 'project_hyrra_number_unique')).toBe('input.hyrraNumber');
    expect(uniqueViolationField(em, 'organisation_business_id_unique')).toBe('input.businessId');
    expect(uniqueViolationField(em, 'membership_account_id_organisation_id_unique', 'input.account')).toBe('input.account');
    expect(uniqueViolationField(em, 'no_such_constraint')).toBeNull();
  });

  it('knows every unique constraint in the database', async () => {
    const constraints = await app.sql<{ name: string }>(`select conname as name from pg_constraint where contype = 'u' and connamespace = 'public'::regnamespace`);
    expect(constraints.length).toBeGreaterThan(10);
    expect(constraints.map((row) => row.name).filter((name) => !uniqueConstraintProperties(app.orm.em, name))).toEqual([]);
  });
});
