import { loadConfig } from '../../src/config';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function auditRows(app: TestApp, operation: string): Promise<number> {
  const [row] = await app.sql<{ count: string }>('select count(*) from audit_event where operation = ?', [operation]);
  return Number(row.count);
}

describe('a mutation answered 503 TIMEOUT', () => {
  let app: TestApp;
  let token: string;
  let organisation: { id: number; gid: string };

  beforeAll(async () => {
    app = await startTestApp('empty', { limits: { ...loadConfig({}).limits, requestTimeoutMs: 500 } });
    const s = new Scenario(app.orm);
    const org = s.organisation({ name: 'Hidas yhdistys ry' });
    await s.save();
    organisation = { id: org.id, gid: idOf(org) };
    token = await app.signIn({ memberOf: [org.id] });
  });
  afterAll(() => app.close());

  it('writes nothing, even when its work finishes after the answer', async () => {
    // Another session holds the row, so the update waits past the timeout, then goes through.
    const blocker = app.orm.em.fork();
    await blocker.begin();
    await blocker.execute('select * from organisation where id = ? for update', [organisation.id]);
    const mutation = `mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { name } userErrors { code } } }`;
    const pending = app.gql(mutation, { input: { id: organisation.gid, name: 'Kiireinen yhdistys ry' } }, { token });
    const response = await pending;
    expect(response.status).toBe(503);
    expect(response.errors?.[0].extensions?.code).toBe('TIMEOUT');
    expect((response as { extensions?: { cost?: unknown } }).extensions?.cost).toBeDefined();
    await blocker.commit();
    // Let the abandoned execution run to its end (it could have committed here before).
    await sleep(1500);
    const [row] = await app.sql<{ name: string; version: number }>('select name, version from organisation where id = ?', [organisation.id]);
    expect(row.name).toBe('Hidas yhdistys ry');
    expect(await auditRows(app, 'updateOrganisation')).toBe(0);
    // And the same call without contention goes through.
    const retried = dataOf(await app.gql(mutation, { input: { id: organisation.gid, name: 'Kiireinen yhdistys ry' } }, { token }));
    expect(retried.updateOrganisation).toEqual({ organisation: { name: 'Kiireinen yhdistys ry' }, userErrors: [] });
  });
});

describe('one idempotency key from many callers at once', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp('empty');
    token = await app.signIn({ name: 'Kiirehtijä' });
  });
  afterAll(() => app.close());

  it('writes one organisation and gives every caller the first result', async () => {
    const mutation = `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id name } userErrors { code message } } }`;
    const input = { name: 'Samanaikainen ry', type: 'ASSOCIATION', idempotencyKey: 'portal-retry-42' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => app.gql(mutation, { input }, { token })));
    const results = responses.map((response) => dataOf(response).createOrganisation);
    expect(results.every((result) => result.userErrors.length === 0)).toBe(true);
    expect(new Set(results.map((result) => result.organisation.id)).size).toBe(1);
    const [row] = await app.sql<{ count: string }>(`select count(*) from organisation where name = 'Samanaikainen ry'`);
    expect(Number(row.count)).toBe(1);
    expect(await auditRows(app, 'createOrganisation')).toBeGreaterThan(0);
  });
});
