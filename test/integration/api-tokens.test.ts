import { dataOf, startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('empty');
});
afterAll(() => app.close());

const CREATE = `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret apiToken { id name prefix scope expiresAt } userErrors { field code } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { revokedAt } userErrors { code } } }`;

describe('API tokens', () => {
  it('are issued once, stored only as a hash, limited by scope, and can be revoked', async () => {
    const owner = await app.signIn({ name: 'Portaali' });
    const created = dataOf(await app.gql(CREATE, { input: { name: 'Lukija', scope: 'READ_ONLY', validDays: 30 } }, { token: owner })).createApiToken;
    expect(created.userErrors).toEqual([]);
    expect(created.secret).toMatch(/^silta_[A-Za-z0-9_-]{43}$/);
    expect(created.secret.startsWith(created.apiToken.prefix)).toBe(true);
    const stored = await app.sql<{ token_hash: string }>('select token_hash from api_token where prefix = ?', [created.apiToken.prefix]);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0].token_hash).not.toContain(created.secret);
    const audit = await app.sql<{ changes: Record<string, unknown> }>(`select changes from audit_event where operation = 'createApiToken'`);
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0].changes)).not.toContain(stored[0].token_hash);

    const reader = created.secret as string;
    expect(dataOf(await app.gql('{ viewer { signedIn viewerCanWrite } }', {}, { token: reader })).viewer).toEqual({ signedIn: true, viewerCanWrite: false });
    expect((await app.gql(CREATE, { input: { name: 'x' } }, { token: reader })).errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const stranger = await app.signIn({ name: 'Vieras' });
    expect(dataOf(await app.gql(REVOKE, { id: created.apiToken.id }, { token: stranger })).revokeApiToken.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    const revoked = dataOf(await app.gql(REVOKE, { id: created.apiToken.id }, { token: owner })).revokeApiToken;
    expect(revoked.apiToken.revokedAt).toBeTruthy();
    expect((await app.gql('{ viewer { signedIn } }', {}, { token: reader })).status).toBe(401);
  });

  it('refuses a bad lifetime', async () => {
    const owner = await app.signIn({});
    const result = dataOf(await app.gql(CREATE, { input: { name: 'Ikuinen', validDays: 10000 } }, { token: owner })).createApiToken;
    expect(result).toEqual({ secret: null, apiToken: null, userErrors: [{ field: 'input.validDays', code: 'INVALID_VALUE' }] });
  });
});
