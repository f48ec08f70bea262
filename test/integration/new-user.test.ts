import { FundingSource } from '../../src/modules/funding/funding.enums';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { idOf, Scenario } from '../support/scenario';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The "tried as a new user would" list, end to end: each mistake gets its clear, coded
 * error and the database is exactly as before (every table's row count).
 */
let app: TestApp;
let token: string;
let coordinator: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const programme = s.programme({ code: 'NU-KAKE' });
  const organisation = s.organisation({ name: 'Uusi käyttäjä ry' });
  const project = s.project({ programme, code: 'NU-1', status: ProjectStatus.ONGOING, lead: organisation });
  await s.save();
  Object.assign(ids, { programme: idOf(programme), organisation: idOf(organisation), project: idOf(project) });
  token = await app.signIn({ memberOf: [organisation.id] });
  coordinator = await app.signIn({ coordinatorOf: [programme.id] });
});
afterAll(() => app.close());

async function snapshot(): Promise<Record<string, number>> {
  const tables = await app.sql<{ name: string }>(
    // rate_bucket is the cost budget's own state (every request is charged, refused or not), not data.
    `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'mikro_orm%' and table_name <> 'rate_bucket'`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await app.sql<{ count: string }>(`select count(*) from "${name}"`);
    counts[name] = Number(row.count);
  }
  return counts;
}

async function expectUnchanged(attempt: () => Promise<{ code: string | undefined; status: number }>, code: string, status?: number): Promise<void> {
  const before = await snapshot();
  const result = await attempt();
  expect(result.code).toBe(code);
  if (status !== undefined) expect(result.status).toBe(status);
  expect(await snapshot()).toEqual(before);
}

async function mutation(query: string, variables: Record<string, unknown>, field: string) {
  const response = await app.gql(query, variables, { token });
  const userErrors = (response.data?.[field] as { userErrors?: { code: string }[] } | undefined)?.userErrors;
  return { code: response.errors?.[0]?.extensions?.code ?? userErrors?.[0]?.code, status: response.status };
}

describe('a new user’s mistakes are refused clearly and change nothing', () => {
  it('an organisation with a bad Y-tunnus', async () => {
    await expectUnchanged(
      () =>
        mutation(
          `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { userErrors { code } } }`,
          { i: { name: 'Testi ry', type: 'ASSOCIATION', businessId: '1234567-8' } },
          'createOrganisation',
        ),
      'INVALID_BUSINESS_ID',
    );
  });

  it('a project ending before it starts', async () => {
    await expectUnchanged(
      () =>
        mutation(
          `mutation($i: CreateProjectInput!) { createProject(input: $i) { userErrors { code } } }`,
          { i: { programme: ids.programme, leadOrganisation: ids.organisation, code: 'NU-2', title: 'Takaperin', plannedStart: '2020-01-01', plannedEnd: '2019-01-01' } },
          'createProject',
        ),
      'END_BEFORE_START',
    );
  });

  it('a funding line with a negative amount', async () => {
    await expectUnchanged(async () => {
      const response = await app.gql(
        `mutation($i: CreateFundingLineInput!) { createFundingLine(input: $i) { userErrors { code } } }`,
        { i: { project: ids.project, source: FundingSource.ESR, granted: '-100.00', decisionDate: '2019-01-01' } },
        { token: coordinator },
      );
      return { code: response.errors?.[0]?.extensions?.code, status: response.status };
    }, 'BAD_USER_INPUT');
  });

  it('a stale version', async () => {
    await expectUnchanged(
      () =>
        mutation(
          `mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { userErrors { code } } }`,
          { i: { id: ids.organisation, expectedVersion: 99, description: 'Vanhentunut' } },
          'updateOrganisation',
        ),
      'VERSION_CONFLICT',
    );
  });

  it('a replayed idempotency key', async () => {
    const create = `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { id } userErrors { code } } }`;
    const input = { name: 'Kertaalleen ry', type: 'ASSOCIATION', idempotencyKey: 'uusi-kayttaja-1' };
    const first = await app.gql(create, { i: input }, { token });
    expect(first.data?.createOrganisation.userErrors).toEqual([]);
    await expectUnchanged(async () => {
      const again = await app.gql(create, { i: input }, { token });
      expect(again.data?.createOrganisation.organisation.id).toBe(first.data?.createOrganisation.organisation.id);
      return { code: again.data?.createOrganisation.userErrors[0]?.code ?? 'REPLAYED', status: again.status };
    }, 'REPLAYED');
    await expectUnchanged(
      () => mutation(create, { i: { ...input, name: 'Toinen ry' } }, 'createOrganisation'),
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('a 2 MB body', async () => {
    await expectUnchanged(async () => {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: 'mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { userErrors { code } } }',
          variables: { i: { name: 'Iso ry', type: 'ASSOCIATION', description: 'x'.repeat(2 * 1024 * 1024) } },
        }),
      });
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      return { code: body.errors[0].extensions.code, status: response.status };
    }, 'PAYLOAD_TOO_LARGE', 413);
  });

  it('a 50-level query', async () => {
    let selection = 'id';
    for (let i = 0; i < 48; i++) selection = `parent { ${selection} }`;
    const deep = `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { participations { nodes { project { ${selection} } } } } userErrors { code } } }`;
    await expectUnchanged(async () => {
      const response = await app.gql(deep, { i: { name: 'Syvä ry', type: 'ASSOCIATION' } }, { token });
      return { code: response.errors?.[0]?.extensions?.code, status: response.status };
    }, 'QUERY_TOO_DEEP', 400);
  });

  it('an alias bomb', async () => {
    // 100 aliases (the limit is 30) beside one real mutation: the whole document is refused before anything runs.
    const aliases = [
      'real: createOrganisation(input: { name: "Pommi ry", type: ASSOCIATION }) { userErrors { code } }',
      ...Array.from({ length: 100 }, (_, i) => `a${i}: revokeApiToken(input: { id: "x" }) { userErrors { code } }`),
    ].join('\n');
    await expectUnchanged(async () => {
      const response = await app.gql(`mutation { ${aliases} }`, {}, { token });
      return { code: response.errors?.[0]?.extensions?.code, status: response.status };
    }, 'TOO_MANY_ALIASES', 400);
  });
});
