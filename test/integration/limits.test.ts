import { loadConfig, type Config, type LimitsConfig } from '../../src/config';
import { startTestApp, type TestApp } from '../support/test-app';

/** Default config with some abuse limits changed. */
function withLimits(limits: Partial<LimitsConfig>, rest: Partial<Config> = {}): Partial<Config> {
  return { ...rest, limits: { ...loadConfig({}).limits, ...limits } };
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[]; extensions?: Record<string, any> };
}

/** A POST to /graphql with full control of body and headers; returns status, headers and the parsed body. */
async function post(app: TestApp, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : {} };
}

function codeOf(response: { body: RawResponse['body'] } | RawResponse['body']): unknown {
  const body = 'body' in response ? response.body : response;
  return body.errors?.[0]?.extensions?.code;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('with the default limits', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('demo');
  });
  afterAll(() => app.close());

  it('refuses a 50-level deep query before running it', async () => {
    const query = `{ project(code: "KAKE-KUO-2018-01") { ${'parent { '.repeat(50)}code${' }'.repeat(50)} } }`;
    const response = await post(app, { query });
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('QUERY_TOO_DEEP');
    expect(response.body.errors![0].message).toBe('Query depth limit of 12 exceeded, found 52.');
  });

  it('refuses an alias bomb', async () => {
    const query = `{ ${Array.from({ length: 500 }, (_, i) => `t${i}: themes { code }`).join(' ')} }`;
    const response = await post(app, { query });
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('TOO_MANY_ALIASES');
    expect(response.body.errors![0].message).toMatch(/Aliases limit of 30 exceeded, found 500/);
  });

  it('refuses too many directives', async () => {
    const query = `{ themes { ${'code @skip(if: false) @include(if: true) '.repeat(15)} } }`;
    const response = await post(app, { query });
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('TOO_MANY_DIRECTIVES');
  });

  it('refuses a document of too many tokens without parsing all of it', async () => {
    const response = await post(app, { query: `{ ${'__typename '.repeat(6000)} }` });
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('TOO_MANY_TOKENS');
    expect(response.body.errors![0].message).toBe('The document has more than 5000 tokens; parsing stopped there.');
  });

  it('refuses a query whose estimated cost is over the per-request limit, and charges only a refusal’s one point', async () => {
    const query = `{ projects(first: 100) { nodes { participations(first: 100) { nodes { project {
      participations(first: 100) { nodes { organisation { name } } } } } } } } }`;
    const response = await post(app, { query });
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('QUERY_TOO_COMPLEX');
    const error = response.body.errors![0];
    expect(error.message).toMatch(/more than the 50000 allowed per request/);
    expect(error.extensions).toMatchObject({ maxCost: 50000 });
    expect(error.extensions!.requestedCost).toBeGreaterThan(1_000_000);
    expect(response.body.extensions!.cost).toMatchObject({ requested: expect.any(Number), actual: 1 });
  });

  it('reports the cost on every response: requested, actual, remaining and resetAt', async () => {
    const response = await app.gql('{ projects(first: 3, filter: { scheme: LEADER }) { totalCount nodes { code programme { code } } } }');
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    const cost = response.extensions!.cost as Record<string, unknown>;
    // 1 for the connection, then per project 1 + 1 for its programme.
    expect(cost).toEqual({ requested: 1 + 3 * 2, actual: 1 + 3 * 2, remaining: expect.any(Number), resetAt: expect.any(String) });
    expect(new Date(cost.resetAt as string).getTime()).toBeGreaterThanOrEqual(Date.now() - 1000);

    // A connection that comes back short costs what it returned, not what it could have.
    const short = await app.gql('{ project(code: "KAKE-KUO-2018-03") { participations(first: 100) { nodes { role } } } }');
    const shortCost = short.extensions!.cost as { requested: number; actual: number };
    expect(shortCost.requested).toBe(1 + 1 + 100);
    expect(shortCost.actual).toBeLessThan(10);

    // Refused before running: still reported, and a point spent, so floods of refusals are limited too.
    const invalid = await app.gql('{ nosuchfield }');
    expect(invalid.status).toBe(400);
    expect(invalid.extensions!.cost).toMatchObject({ requested: 0, actual: 1 });
  });

  it('refuses a 2 MB body with 413 and a clean JSON error', async () => {
    const response = await post(app, { query: '{ themes { code } }', padding: 'x'.repeat(2 * 1024 * 1024) });
    expect(response.status).toBe(413);
    expect(response.text).not.toMatch(/at \w+ \(|node_modules|stack/i);
    expect(response.body.errors).toEqual([
      { message: 'The request body is larger than 1048576 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } },
    ]);
  });

  it('refuses a batch (a JSON array of operations) with a clear 400', async () => {
    const response = await post(app, [{ query: '{ themes { code } }' }, { query: '{ targetGroups { code } }' }]);
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('BAD_REQUEST');
    expect(response.body.errors![0].message).toMatch(/batching disabled/i);
  });

  describe('CSRF protection', () => {
    it('refuses a GET without a preflight-forcing header', async () => {
      const response = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ themes { code } }')}`);
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/CSRF/);
    });

    it('refuses a POST with a simple content type (text/plain)', async () => {
      const response = await post(app, JSON.stringify({ query: '{ themes { code } }' }), { 'content-type': 'text/plain' });
      expect(response.status).toBe(400);
      expect(response.text).toMatch(/CSRF|content-type/i);
    });

    it('answers a JSON POST', async () => {
      const response = await post(app, { query: '{ themes { code } }' });
      expect(response.status).toBe(200);
      expect(response.body.data.themes.length).toBeGreaterThan(0);
    });
  });

  it('allows introspection and suggests field names by default', async () => {
    const introspection = await app.gql('{ __schema { queryType { name } } }');
    expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const misspelled = await app.gql('{ projcts { totalCount } }');
    expect(misspelled.errors![0].message).toMatch(/Did you mean "projects"/);
    const variable = await app.gql('query($s: Scheme) { projects(filter: { scheme: $s }) { totalCount } }', { s: 'KAK' });
    expect(variable.errors![0].message).toMatch(/Did you mean the enum value "KAKE"/);
  });
});

describe('with introspection off and a 4 KiB body limit', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('empty', withLimits({ maxBodyBytes: 4096 }, { introspection: false }));
  });
  afterAll(() => app.close());

  it('refuses introspection', async () => {
    const response = await app.gql('{ __schema { types { name } } }');
    expect(response.status).toBe(400);
    expect(response.errors![0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors![0].message).toMatch(/introspection is not allowed/);
    expect((await app.gql('{ __type(name: "Project") { name } }')).status).toBe(400);
  });

  it('gives no "Did you mean" suggestions', async () => {
    const field = await app.gql('{ projcts { totalCount } }');
    expect(field.errors![0].message).toBe('Cannot query field "projcts" on type "Query".');
    const value = await app.gql('{ projects(filter: { scheme: KAK }) { totalCount } }');
    expect(value.errors![0].message).not.toMatch(/Did you mean/);
    const variable = await app.gql('query($s: Scheme) { projects(filter: { scheme: $s }) { totalCount } }', { s: 'KAK' });
    expect(variable.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(variable.errors![0].message).not.toMatch(/Did you mean/);
  });

  it('still answers __typename', async () => {
    expect((await app.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('applies the configured body limit', async () => {
    expect((await post(app, { query: '{ themes { code } }', padding: 'x'.repeat(3000) })).status).toBe(200);
    const tooLarge = await post(app, { query: '{ themes { code } }', padding: 'x'.repeat(5000) });
    expect(tooLarge.status).toBe(413);
    expect(codeOf(tooLarge)).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('the leaky bucket', () => {
  let app: TestApp;
  // 101 points each (the connection and 100 municipalities), both estimated and actual.
  const HUNDRED = '{ municipalities(first: 100) { nodes { code } } }';

  beforeAll(async () => {
    app = await startTestApp('empty', withLimits({ maxCost: 250, budget: 250, leakPerSecond: 50 }, { trustProxyHops: 1 }));
  });
  afterAll(() => app.close());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('refuses a client over budget with 429, RATE_LIMITED and Retry-After, then lets it in once the bucket has leaked', async () => {
    const first = await post(app, { query: HUNDRED }, from('203.0.113.1'));
    const second = await post(app, { query: HUNDRED }, from('203.0.113.1'));
    expect([first.status, second.status]).toEqual([200, 200]);
    const [a, b] = [first.body.extensions!.cost, second.body.extensions!.cost];
    expect(a).toMatchObject({ requested: 101, actual: 101 });
    expect(a.remaining).toBeGreaterThanOrEqual(148);
    expect(b.remaining).toBeLessThan(a.remaining);

    const refused = await post(app, { query: HUNDRED }, from('203.0.113.1'));
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    expect(refused.body.data).toBeUndefined();
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(refused.body.errors![0].extensions!.retryAfter).toBe(retryAfter);
    expect(refused.body.extensions!.cost).toMatchObject({ requested: 101, actual: 0 });

    await sleep(retryAfter * 1000);
    const again = await post(app, { query: HUNDRED }, from('203.0.113.1'));
    expect(again.status).toBe(200);
    expect(again.body.data.municipalities.nodes).toHaveLength(100);
  });

  it('keeps a bucket per client IP and per signed-in account', async () => {
    await post(app, { query: HUNDRED }, from('203.0.113.2'));
    await post(app, { query: HUNDRED }, from('203.0.113.2'));
    expect((await post(app, { query: HUNDRED }, from('203.0.113.2'))).status).toBe(429);
    expect((await post(app, { query: HUNDRED }, from('203.0.113.3'))).status).toBe(200);
    const token = await app.signIn();
    const signedIn = await post(app, { query: HUNDRED }, { ...from('203.0.113.2'), authorization: `Bearer ${token}` });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.extensions!.cost.remaining).toBeGreaterThanOrEqual(148);
  });

  it('checks the per-request limit against the configured maximum', async () => {
    const response = await post(app, { query: '{ a: municipalities(first: 100) { nodes { code } } b: municipalities(first: 100) { nodes { code } } c: municipalities(first: 100) { nodes { code } } }' }, from('203.0.113.4'));
    expect(response.status).toBe(400);
    expect(codeOf(response)).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('refusals against the budget', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('empty', withLimits({ budget: 30, leakPerSecond: 0.01 }));
  });
  afterAll(() => app.close());

  it('charges a point for every refusal, whatever refused it, and answers 429 once none are left', async () => {
    const refusals = [
      { query: '{ nosuchfield }' },
      { query: '{ themes { code ' },
      { query: 'query($q: String!) { search(query: $q) { score } }', variables: { q: 'a\u0000b' } },
      { query: 'query($n: Int) { search(query: "x", first: $n) { score } }', variables: { n: null } },
    ];
    const remaining: number[] = [];
    for (const body of refusals) {
      const response = await post(app, body);
      expect(response.status).toBe(400);
      remaining.push(response.body.extensions!.cost.remaining);
    }
    expect(remaining).toEqual([29, 28, 27, 26]);
    for (let i = 0; i < 26; i++) expect((await post(app, { query: '{ nosuchfield }' })).status).toBe(400);
    const refused = await post(app, { query: '{ nosuchfield }' });
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('the request timeout', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('demo', withLimits({ requestTimeoutMs: 1 }));
  });
  afterAll(() => app.close());

  const SLOW = `{ projects(first: 100) { nodes { code participations(first: 100) { nodes { role organisation { name participations(first: 20) { totalCount } } } } } } }`;

  it('answers a request that takes too long with 503 TIMEOUT, and keeps serving', async () => {
    const response = await post(app, { query: SLOW });
    expect(response.status).toBe(503);
    expect(response.text).not.toMatch(/at \w+ \(|node_modules|stack/i);
    expect(response.body.errors).toEqual([
      { message: 'The request did not finish within 1 ms. Ask for less, or try again later.', extensions: { code: 'TIMEOUT' } },
    ]);
    expect(response.body.extensions?.cost).toEqual({ requested: expect.any(Number), actual: expect.any(Number), remaining: expect.any(Number), resetAt: expect.any(String) });

    // The abandoned execution finishes in the background; its late response must not break anything.
    await sleep(1000);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    const again = await post(app, { query: SLOW });
    expect(again.status).toBe(503);
    expect(codeOf(again)).toBe('TIMEOUT');
  });
});
