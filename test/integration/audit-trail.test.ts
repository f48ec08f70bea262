import { FundingSource } from '../../src/modules/funding/funding.enums';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * Every change is audited, removals included: each mutation that can remove rows is run here and
 * every removed row must have a DELETE row in the audit trail with its values as they were. The
 * schema walk at the end makes a new mutation fail this file until it is classified below.
 */
let app: TestApp;
let admin: string;
beforeAll(async () => {
  app = await startTestApp('empty');
  admin = await app.signIn({ name: 'Ylläpitäjä', admin: true });
});
afterAll(() => app.close());

type Row = Record<string, unknown>;

interface Removed {
  entityType: string;
  /** Selects the rows the mutation is expected to remove (run before and after it). */
  select: string;
  params: unknown[];
  /** The audit row's `before` values expected for a removed row. */
  before: (row: Row) => Row;
  /** The audited key of a row: its id, or the parts of a composite key joined as MikroORM does. */
  key?: (row: Row) => string;
}

interface RemovalCase {
  inputType: string;
  input: Row;
  removed: Removed[];
}

let serial = 0;

async function sqlOne(query: string, params: unknown[] = []): Promise<Row> {
  const [row] = await app.sql<Row>(query, params);
  return row;
}

/** Fresh records for one case, so that cases do not share rows. */
async function fixture() {
  const n = ++serial;
  const s = new Scenario(app.orm);
  const programme = s.programme({ code: `AUD-${n}`, territory: [['70100', 'URBAN' as never]] });
  const organisation = s.organisation({ name: `Auditoitava ${n} ry` });
  const partner = s.organisation({ name: `Kumppani ${n} ry` });
  const project = s.project({
    programme,
    code: `AUD-P-${n}`,
    lead: organisation,
    partners: [partner],
    themes: ['CULTURE', 'COMMUNITY'],
    targetGroups: ['YOUNG_PEOPLE'],
    locations: ['70100', '70110'],
    funding: [{ source: FundingSource.ESR, planned: '1000.00', granted: '800.00' }],
  });
  await s.save();
  const account = await sqlOne(`insert into account (name) values (?) returning id`, [`Tili ${n}`]);
  await app.sql('insert into membership (account_id, organisation_id) values (?, ?)', [account.id, organisation.id]);
  await app.sql('insert into programme_coordinator (account_id, programme_id) values (?, ?)', [account.id, programme.id]);
  await app.sql(
    `insert into contact_person (organisation_id, name, title, email, phone) values (?, 'Anna Vanha', 'puheenjohtaja', 'anna@example.fi', '+358 40 111 1111'), (?, 'Bertil Vanha', null, 'bertil@example.fi', null)`,
    [organisation.id, organisation.id],
  );
  const ceiling = await sqlOne(`insert into programme_ceiling (programme_id, sources, annual_amount) values (?, '{ESR}', 300000) returning id`, [programme.id]);
  const participation = await sqlOne(`select id from participation where project_id = ? and organisation_id = ?`, [project.id, partner.id]);
  const line = await sqlOne(`select id from funding_line where project_id = ?`, [project.id]);
  const post = await sqlOne(`insert into post (organisation_id, kind, visibility, title, body) values (?, 'NEWS', 'PUBLIC', 'Uutinen', 'Teksti') returning id`, [organisation.id]);
  await app.sql(`insert into post_theme (post_id, theme_id) select ?, id from theme where code in ('CULTURE', 'COMMUNITY')`, [post.id]);
  await app.sql(`insert into post_area (post_id, postal_code) values (?, '70100'), (?, '70110')`, [post.id, post.id]);
  const webhook = await sqlOne(
    `insert into webhook (account_id, url, filter, signing_secret) values ((select id from account where name = 'Ylläpitäjä'), ?, '{}', 'whsec_test') returning id`,
    [`https://hooks.example.fi/${n}`],
  );
  return { programme, organisation, partner, project, account, ceiling, participation, line, post, webhook };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

/** Mutation name → how to make it remove rows. */
const CASES: Record<string, (f: Fixture) => RemovalCase> = {
  importProjects: (f) => ({
    inputType: 'ImportProjectsInput',
    input: {
      fileName: 'audit.json',
      content: JSON.stringify({
        format: 'silta/1',
        projects: [{ code: f.project.code, programmeCode: f.programme.code, title: f.project.title, status: f.project.status, themeCodes: ['CULTURE'], postalCodes: ['70110'] }],
      }),
    },
    removed: [
      {
        entityType: 'ProjectTheme',
        select: `select * from project_theme where project_id = ? and theme_id = (select id from theme where code = 'COMMUNITY')`,
        params: [f.project.id],
        before: (row) => ({ project: row.project_id, theme: row.theme_id }),
        key: (row) => `${row.project_id}~~~${row.theme_id}`,
      },
      {
        entityType: 'ProjectLocation',
        select: `select * from project_location where project_id = ? and postal_code = '70100'`,
        params: [f.project.id],
        before: (row) => ({ project: row.project_id, postalArea: row.postal_code }),
        key: (row) => `${row.project_id}~~~${row.postal_code}`,
      },
    ],
  }),
  updatePost: (f) => ({
    inputType: 'UpdatePostInput',
    input: { id: toGlobalId('Post', f.post.id as number), themes: ['CULTURE'], areas: ['70110'] },
    removed: [
      {
        entityType: 'PostTheme',
        select: `select * from post_theme where post_id = ? and theme_id = (select id from theme where code = 'COMMUNITY')`,
        params: [f.post.id],
        before: (row) => ({ post: row.post_id, theme: row.theme_id }),
        key: (row) => `${row.post_id}~~~${row.theme_id}`,
      },
      {
        entityType: 'PostArea',
        select: `select * from post_area where post_id = ? and postal_code = '70100'`,
        params: [f.post.id],
        before: (row) => ({ post: row.post_id, postalArea: row.postal_code }),
        key: (row) => `${row.post_id}~~~${row.postal_code}`,
      },
    ],
  }),
  updateOrganisation: (f) => ({
    inputType: 'UpdateOrganisationInput',
    input: { id: idOf(f.organisation), contactPeople: [{ name: 'Cecilia Uusi', email: 'cecilia@example.fi' }] },
    removed: [
      {
        entityType: 'ContactPerson',
        select: `select * from contact_person where organisation_id = ? and name like '% Vanha'`,
        params: [f.organisation.id],
        before: (row) => ({ name: row.name, title: row.title, email: row.email, phone: row.phone, organisation: row.organisation_id }),
      },
    ],
  }),
  removeOrganisationMember: (f) => ({
    inputType: 'RemoveOrganisationMemberInput',
    input: { organisation: idOf(f.organisation), account: toGlobalId('Account', f.account.id as number) },
    removed: [
      {
        entityType: 'Membership',
        select: 'select * from membership where account_id = ? and organisation_id = ?',
        params: [f.account.id, f.organisation.id],
        before: (row) => ({ account: row.account_id, organisation: row.organisation_id }),
      },
    ],
  }),
  removeProjectParticipant: (f) => ({
    inputType: 'RemoveProjectParticipantInput',
    input: { participation: toGlobalId('Participation', f.participation.id as number) },
    removed: [
      {
        entityType: 'Participation',
        select: 'select * from participation where id = ?',
        params: [f.participation.id],
        before: (row) => ({ project: row.project_id, organisation: row.organisation_id, role: row.role }),
      },
    ],
  }),
  updateProject: (f) => ({
    inputType: 'UpdateProjectInput',
    input: { id: idOf(f.project), themes: ['CULTURE'], targetGroups: [], locations: ['70110'] },
    removed: [
      {
        entityType: 'ProjectTheme',
        select: `select * from project_theme where project_id = ? and theme_id = (select id from theme where code = 'COMMUNITY')`,
        params: [f.project.id],
        before: (row) => ({ project: row.project_id, theme: row.theme_id }),
        key: (row) => `${row.project_id}~~~${row.theme_id}`,
      },
      {
        entityType: 'ProjectTargetGroup',
        select: 'select * from project_target_group where project_id = ?',
        params: [f.project.id],
        before: (row) => ({ project: row.project_id, targetGroup: row.target_group_id }),
        key: (row) => `${row.project_id}~~~${row.target_group_id}`,
      },
      {
        entityType: 'ProjectLocation',
        select: `select * from project_location where project_id = ? and postal_code = '70100'`,
        params: [f.project.id],
        before: (row) => ({ project: row.project_id, postalArea: row.postal_code }),
        key: (row) => `${row.project_id}~~~${row.postal_code}`,
      },
    ],
  }),
  removeProgrammeArea: (f) => ({
    inputType: 'RemoveProgrammeAreaInput',
    input: { programme: idOf(f.programme), postalCode: '70100' },
    removed: [
      {
        entityType: 'ProgrammeArea',
        select: `select * from programme_area where programme_id = ? and postal_code = '70100'`,
        params: [f.programme.id],
        before: (row) => ({ programme: row.programme_id, postalArea: row.postal_code, areaType: row.area_type }),
      },
    ],
  }),
  removeProgrammeCeiling: (f) => ({
    inputType: 'RemoveProgrammeCeilingInput',
    input: { id: toGlobalId('ProgrammeCeiling', f.ceiling.id as number) },
    removed: [
      {
        entityType: 'ProgrammeCeiling',
        select: 'select * from programme_ceiling where id = ?',
        params: [f.ceiling.id],
        // Arrays are in the trail in their database form ("{ESR}"), as in CREATE rows.
        before: (row) => ({ programme: row.programme_id, sources: '{ESR}', annualAmount: row.annual_amount }),
      },
    ],
  }),
  removeProgrammeCoordinator: (f) => ({
    inputType: 'RemoveProgrammeCoordinatorInput',
    input: { programme: idOf(f.programme), account: toGlobalId('Account', f.account.id as number) },
    removed: [
      {
        entityType: 'ProgrammeCoordinator',
        select: 'select * from programme_coordinator where account_id = ? and programme_id = ?',
        params: [f.account.id, f.programme.id],
        before: (row) => ({ account: row.account_id, programme: row.programme_id }),
      },
    ],
  }),
  deleteFundingLine: (f) => ({
    inputType: 'DeleteFundingLineInput',
    input: { id: toGlobalId('FundingLine', f.line.id as number) },
    removed: [
      {
        entityType: 'FundingLine',
        select: 'select * from funding_line where id = ?',
        params: [f.line.id],
        before: (row) => ({ project: row.project_id, source: row.source, granted: row.granted }),
      },
    ],
  }),
};

CASES.deleteWebhook = (f) => ({
  inputType: 'DeleteWebhookInput',
  input: { id: toGlobalId('Webhook', f.webhook.id as number) },
  removed: [
    {
      entityType: 'Webhook',
      select: 'select * from webhook where id = ?',
      params: [f.webhook.id],
      before: (row) => ({ account: row.account_id, url: row.url, status: row.status }),
    },
  ],
});

/** Mutations that only create or change rows; each new mutation must be put here or in CASES. */
const NEVER_REMOVE = [
  'addOrganisationMember',
  'addProgrammeCoordinator',
  'addProgrammeDecision',
  'addProjectParticipant',
  'archiveOrganisation',
  'createApiToken',
  'createFundingLine',
  'createOrganisation',
  'createProgramme',
  'createPost',
  'createProject',
  'createTargetGroup',
  'createTheme',
  'registerWebhook',
  'reviewOverlap',
  'revokeApiToken',
  'setProgrammeArea',
  'setProgrammeCeiling',
  'transitionProject',
  'updateFundingLine',
  'updateProgramme',
  'updateTargetGroup',
  'updateTheme',
  'updateWebhook',
  'verifyOrganisationMember',
  'withdrawPost',
];

describe('audit trail of removals', () => {
  it.each(Object.keys(CASES))('%s: one DELETE row per removed row, with its values before', async (mutation) => {
    const f = await fixture();
    const spec = CASES[mutation](f);
    const before = await Promise.all(spec.removed.map((removed) => app.sql<Row>(removed.select, removed.params)));
    for (const rows of before) expect(rows.length).toBeGreaterThan(0);
    const [{ last }] = await app.sql<{ last: string }>('select coalesce(max(id), 0) as last from audit_event');

    const response = await app.gql(`mutation($input: ${spec.inputType}!) { ${mutation}(input: $input) { userErrors { code message } } }`, { input: spec.input }, { token: admin });
    expect(dataOf(response)[mutation].userErrors).toEqual([]);

    for (const [index, removed] of spec.removed.entries()) {
      expect(await app.sql(removed.select, removed.params)).toEqual([]);
      const audit = await app.sql<{ entity_id: string; changes: Record<string, { before: unknown; after: unknown }> }>(
        `select entity_id, changes from audit_event where id > ? and operation = ? and entity_type = ? and action = 'DELETE' order by id`,
        [last, mutation, removed.entityType],
      );
      const keyOf = removed.key ?? ((row: Row) => String(row.id));
      expect(audit.map((row) => row.entity_id).sort()).toEqual(before[index].map(keyOf).sort());
      for (const row of before[index]) {
        const event = audit.find((candidate) => candidate.entity_id === keyOf(row))!;
        const values = Object.fromEntries(Object.entries(event.changes).map(([field, change]) => [field, change.before]));
        expect(Object.values(event.changes).every((change) => change.after === null)).toBe(true);
        // Null values did not change, so they are not listed.
        const expected = Object.entries(removed.before(row)).filter(([, value]) => value !== null);
        expect(values).toMatchObject(JSON.parse(JSON.stringify(Object.fromEntries(expected))));
      }
    }
  });

  it('every mutation in the schema is either tested for removals above or known never to remove rows', async () => {
    const { __schema } = dataOf(await app.gql<{ __schema: { mutationType: { fields: { name: string }[] } } }>('{ __schema { mutationType { fields { name } } } }'));
    const unclassified = __schema.mutationType.fields.map((field) => field.name).filter((name) => !CASES[name] && !NEVER_REMOVE.includes(name));
    expect(unclassified).toEqual([]);
  });
});
