/// <reference lib="dom" />
// The callbacks given to page.evaluate() run in the browser.
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchChromium, servePage, type PageServer } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

/** The portal's page: one function that calls Silta the way a portal's code would. */
const PORTAL_PAGE = `<!DOCTYPE html>
<html lang="fi"><head><meta charset="utf-8"><title>Portaali</title></head>
<body><h1>Portaali</h1>
<script>
  window.callSilta = async (url, { query, token, contentType = 'application/json' }) => {
    const headers = { 'content-type': contentType };
    if (token) headers.authorization = 'Bearer ' + token;
    try {
      const response = await fetch(url + '/graphql', { method: 'POST', headers, body: JSON.stringify({ query }) });
      return { status: response.status, requestId: response.headers.get('x-request-id'), body: await response.text() };
    } catch (error) {
      return { error: String(error) };
    }
  };
</script>
</body></html>`;

interface CallResult {
  status?: number;
  requestId?: string | null;
  body?: string;
  error?: string;
}

const CREATE_TOKEN = 'mutation { createApiToken(input: { name: "portaali" }) { secret apiToken { name } userErrors { code } } }';

let browser: Browser;
let app: TestApp;
let portal: PageServer;
let stranger: PageServer;

describeInBrowser('a portal on another origin, in Chromium', () => {
  beforeAll(async () => {
    portal = await servePage(PORTAL_PAGE);
    stranger = await servePage(PORTAL_PAGE);
    app = await startTestApp('demo', { cors: { origins: [portal.origin], credentials: false } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await portal?.close();
    await stranger?.close();
  });

  async function callFrom(origin: string, request: { query: string; token?: string; contentType?: string }): Promise<CallResult> {
    const page: Page = await browser.newPage();
    try {
      await page.goto(origin);
      return await page.evaluate(
        ([url, given]) => (window as unknown as { callSilta: (u: string, r: typeof given) => Promise<CallResult> }).callSilta(url, given),
        [app.url, request] as const,
      );
    } finally {
      await page.close();
    }
  }

  const tokenCount = async (): Promise<number> => Number((await app.sql<{ n: string }>(`select count(*) as n from api_token where name = 'portaali'`))[0].n);

  it('queries, and reads the exposed request ID', async () => {
    const result = await callFrom(portal.origin, { query: '{ programmes(first: 2) { totalCount nodes { code } } }' });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body!).data.programmes.totalCount).toBeGreaterThan(0);
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs a mutation with a bearer token', async () => {
    const token = await app.signIn({ name: 'Portaalin integraatio' });
    const result = await callFrom(portal.origin, { query: CREATE_TOKEN, token });
    expect(result.status).toBe(200);
    const payload = JSON.parse(result.body!).data.createApiToken;
    expect(payload).toMatchObject({ apiToken: { name: 'portaali' }, userErrors: [] });
    expect(payload.secret).toMatch(/^silta_/);
  });

  it('still refuses a request that skips the preflight (CSRF prevention), even from the allowed origin', async () => {
    const token = await app.signIn({});
    const before = await tokenCount();
    // text/plain is a "simple" request: the browser sends it without asking first.
    const result = await callFrom(portal.origin, { query: CREATE_TOKEN, token, contentType: 'text/plain' });
    expect(result.status).toBe(400);
    expect(result.body).toMatch(/CSRF/);
    expect(await tokenCount()).toBe(before);
  });

  it('gives a page on an origin not in CORS_ORIGINS nothing, and runs none of its mutations', async () => {
    const token = await app.signIn({});
    const before = await tokenCount();
    const query = await callFrom(stranger.origin, { query: '{ programmes(first: 1) { totalCount } }' });
    expect(query.error).toMatch(/Failed to fetch/);
    // The preflight gets no Access-Control-Allow-Origin, so the browser never sends the mutation.
    const mutation = await callFrom(stranger.origin, { query: CREATE_TOKEN, token });
    expect(mutation.error).toMatch(/Failed to fetch/);
    // A simple request is sent without a preflight, but CSRF prevention refuses it before it runs.
    const simple = await callFrom(stranger.origin, { query: CREATE_TOKEN, token, contentType: 'text/plain' });
    expect(simple.error).toMatch(/Failed to fetch/);
    expect(await tokenCount()).toBe(before);
  });
});
