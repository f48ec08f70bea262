import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('empty');
});
afterAll(() => app.close());

describe('HTTP endpoints', () => {
  it('reports liveness on /healthz', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('reports readiness on /readyz when the database is reachable and migrated', async () => {
    const response = await fetch(`${app.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('gives every response its own request ID and echoes a valid client ID separately', async () => {
    const given = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'portal-123' } });
    expect(given.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(given.headers.get('x-client-request-id')).toBe('portal-123');
  });

  it('answers GraphQL over POST with the GraphQL response media type', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ themes { code } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/graphql-response+json');
    const body = (await response.json()) as { data: { themes: { code: string }[] } };
    expect(body.data.themes.map((theme) => theme.code)).toContain('YOUTH_PARTICIPATION');
  });

  it('answers queries over GET (with a CSRF-safe header) and refuses mutations over GET', async () => {
    const query = encodeURIComponent('{ municipality(code: "297") { nameFi nameSv } }');
    const response = await fetch(`${app.url}/graphql?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { municipality: { nameFi: 'Kuopio', nameSv: 'Kuopio' } } });
  });

  it('refuses a GET without a preflight header (CSRF protection)', async () => {
    const query = encodeURIComponent('{ themes { code } }');
    const response = await fetch(`${app.url}/graphql?query=${query}`);
    expect(response.status).toBe(400);
  });

  it('gives 400 with a coded error for a syntax error', async () => {
    const response = await app.gql('{ themes { code ');
    expect(response.status).toBe(400);
    expect(response.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('gives a clean 400 for a body that is not JSON, with no stack trace', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toMatch(/at \w+ \(|node_modules|stack/i);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses an oversized body with 413', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ themes { code } }', padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
  });
});
