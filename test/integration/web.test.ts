import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../../src/shared/package-root';
import { startTestApp, type TestApp } from '../support/test-app';

/** What Chromium sends when a person opens a URL. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const PORTAL = 'https://portal.example.fi';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('empty', { cors: { origins: [PORTAL], credentials: false } });
});
afterAll(() => app.close());

describe('pages for people with a browser', () => {
  it('has a landing page linking the explorer, the schema, the README and the health checks', async () => {
    const response = await fetch(`${app.url}/`, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await response.text();
    for (const href of ['/explorer', '/schema.graphql', '/README.md', '/healthz', '/readyz']) expect(html).toContain(`href="${href}"`);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves the schema as committed and the README', async () => {
    const schema = await fetch(`${app.url}/schema.graphql`);
    expect(schema.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await schema.text()).toBe(await readFile(path.join(packageRoot, 'schema.graphql'), 'utf8'));
    const readme = await fetch(`${app.url}/README.md`);
    expect(readme.status).toBe(200);
    expect(await readme.text()).toMatch(/^# Silta/);
    // The README's links into the manual work from the server too; nothing else on disk is reachable.
    const docs = await fetch(`${app.url}/docs/configuration.md`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toBe(await readFile(path.join(packageRoot, 'docs/configuration.md'), 'utf8'));
    for (const probe of ['/docs/missing.md', '/docs/..%2Fpackage.json', '/docs/%2E%2E%2FREADME.md', '/docs/security.txt']) {
      expect((await fetch(`${app.url}${probe}`)).status).toBe(404);
    }
  });

  it('serves the explorer on /explorer and to browsers on GET /graphql, with nothing from elsewhere', async () => {
    for (const url of [`${app.url}/explorer`, `${app.url}/graphql`]) {
      const response = await fetch(url, { headers: { accept: BROWSER_ACCEPT } });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('<title>Silta GraphQL explorer</title>');
      expect(html).toContain('"/explorer/static/ruru.js"');
      expect(html).not.toMatch(/:\/\//);
    }
  });

  it('leaves GET /graphql to GraphQL clients when they do not ask for HTML', async () => {
    const query = encodeURIComponent('{ __typename }');
    const json = await fetch(`${app.url}/graphql?query=${query}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(await json.json()).toMatchObject({ data: { __typename: 'Query' } });
    // A browser-style GET with a query is an operation, and CSRF prevention still refuses it.
    const csrf = await fetch(`${app.url}/graphql?query=${query}`, { headers: { accept: BROWSER_ACCEPT } });
    expect(csrf.status).toBe(400);
    expect(await csrf.text()).toMatch(/CSRF/);
  });

  it("serves the explorer's assets itself, compressed or not, and nothing else", async () => {
    const compressed = await fetch(`${app.url}/explorer/static/ruru.js`, { headers: { 'accept-encoding': 'br' } });
    expect(compressed.status).toBe(200);
    expect(compressed.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // fetch() decompresses brotli itself; the header says it travelled compressed.
    expect(compressed.headers.get('content-encoding')).toBe('br');
    const script = await compressed.text();
    expect(script.length).toBeGreaterThan(100_000);

    const plain = await fetch(`${app.url}/explorer/static/ruru.css`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await plain.text()).length).toBeGreaterThan(1000);

    const etag = compressed.headers.get('etag')!;
    expect((await fetch(`${app.url}/explorer/static/ruru.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    for (const missing of ['ruru.js.map', 'nope.js', '../package.json', '__proto__']) {
      expect((await fetch(`${app.url}/explorer/static/${missing}`)).status).toBe(404);
    }
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    fetch(`${app.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });

  it('answers a preflight from an allowed origin', async () => {
    const response = await preflight(PORTAL);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type,authorization,apollo-require-preflight,x-apollo-operation-name,x-request-id');
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('lets the allowed origin read the request ID and Retry-After', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { origin: PORTAL, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id,retry-after');
  });

  it('gives any other origin no Access-Control-Allow-Origin', async () => {
    for (const origin of ['https://evil.example', 'https://portal.example.fi.evil.example', 'http://portal.example.fi']) {
      expect((await preflight(origin)).headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('is off unless CORS_ORIGINS is set, and hides the schema when introspection is off', async () => {
    const closed = await startTestApp('empty', { introspection: false });
    try {
      expect((await preflight(PORTAL)).headers.get('access-control-allow-origin')).toBe(PORTAL);
      const response = await fetch(`${closed.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: PORTAL, 'access-control-request-method': 'POST' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect((await fetch(`${closed.url}/schema.graphql`)).status).toBe(404);
      expect(await (await fetch(`${closed.url}/`)).text()).toMatch(/not published/);
    } finally {
      await closed.close();
    }
  });
});
