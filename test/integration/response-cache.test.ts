import fc from 'fast-check';
import { loadConfig, type Config } from '../../src/config';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { UNVERSIONED_TABLES } from '../../src/shared/response-cache/versioned-tables';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * The response cache (issue 10): public anonymous queries answered from memory while the committed
 * data's version is unchanged, never stale after a write on this instance, another instance or in
 * plain SQL; nothing of a signed-in caller's is stored or served; hits are charged like misses.
 */
const PROJECT = 'query Project($code: String!) { project(code: $code) { title status } }';
const ORGANISATIONS = '{ organisations(first: 100, orderBy: { field: NAME, direction: ASC }) { totalCount nodes { id name } } }';
const cacheOf = (response: { headers?: Headers }) => response.headers!.get('x-silta-cache');

describe('response cache', () => {
  let app: TestApp;
  let other: TestApp;
  let uncached: TestApp;
  let admin: string;
  let code: string;
  let projectId: string;

  beforeAll(async () => {
    app = await startTestApp('empty', { cors: { origins: ['https://portal.example.fi'], credentials: false } });
    other = await startTestApp('empty', {}, { sameDatabaseAs: app });
    uncached = await startTestApp('empty', { responseCache: { enabled: false, maxBytes: 1024 * 1024 } }, { sameDatabaseAs: app });
    const scenario = new Scenario(app.orm);
    const programme = scenario.programme();
    const lead = scenario.organisation({ name: 'Välimuistin Yhdistys ry' });
    const project = scenario.project({ programme, lead, title: 'Alkuperäinen' });
    await scenario.save();
    code = project.code;
    projectId = idOf(project);
    admin = await app.signIn({ admin: true });
  });
  afterAll(async () => {
    await uncached.close();
    await other.close();
    await app.close();
  });

  async function setTitle(on: TestApp, title: string): Promise<void> {
    const response = await on.gql(
      'mutation ($input: UpdateProjectInput!) { updateProject(input: $input) { project { title } userErrors { code } } }',
      { input: { id: projectId, title } },
      { token: admin },
    );
    expect(dataOf(response).updateProject).toEqual({ project: { title }, userErrors: [] });
  }

  it('answers a repeated query from memory, with the headers of a computed answer', async () => {
    const origin = { headers: { origin: 'https://portal.example.fi' } };
    const miss = await app.gql(ORGANISATIONS, undefined, origin);
    let hit: Awaited<ReturnType<TestApp['gql']>> | undefined;
    const readsBefore = app.responseCache!.versions.reads;
    const statements = await app.countStatements(async () => {
      hit = await app.gql(ORGANISATIONS, undefined, origin);
    });
    const versionReads = app.responseCache!.versions.reads - readsBefore;
    expect([cacheOf(miss), cacheOf(hit!)]).toEqual(['miss', 'hit']);
    expect(hit!.status).toBe(200);
    expect(hit!.data).toEqual(dataOf(miss));
    // The version read (on the cache's own connection), nothing else.
    expect([statements, versionReads]).toEqual([0, 1]);
    for (const header of ['content-type', 'access-control-allow-origin', 'vary']) expect(hit!.headers!.get(header)).toBe(miss.headers!.get(header));
    const names = (headers: Headers) => {
      const all: string[] = [];
      headers.forEach((_value, name) => all.push(name));
      return all.filter((name) => !['date', 'content-length', 'keep-alive', 'connection'].includes(name)).sort();
    };
    expect(names(hit!.headers!)).toEqual(names(miss.headers!));
    expect(hit!.headers!.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(hit!.headers!.get('x-request-id')).not.toBe(miss.headers!.get('x-request-id'));
    expect(hit!.extensions!.cost).toMatchObject({ requested: (miss.extensions!.cost as { requested: number }).requested, actual: (miss.extensions!.cost as { actual: number }).actual });
  });

  it('keeps one entry per set of variables', async () => {
    const scenario = new Scenario(app.orm);
    const second = scenario.project({ programme: scenario.programme(), title: 'Toinen' });
    await scenario.save();
    const a1 = await app.gql(PROJECT, { code });
    const b1 = await app.gql(PROJECT, { code: second.code });
    const a2 = await app.gql(PROJECT, { code });
    const b2 = await app.gql(PROJECT, { code: second.code });
    expect([a1, b1, a2, b2].map(cacheOf)).toEqual(['miss', 'miss', 'hit', 'hit']);
    expect(dataOf(a2)).toEqual(dataOf(a1));
    expect(dataOf(b2)).toEqual({ project: { title: 'Toinen', status: 'ONGOING' } });
  });

  it('sees a change made through the API on this instance at once', async () => {
    await app.gql(PROJECT, { code });
    expect(cacheOf(await app.gql(PROJECT, { code }))).toBe('hit');
    await setTitle(app, 'Muutettu täällä');
    const after = await app.gql(PROJECT, { code });
    expect(cacheOf(after)).toBe('miss');
    expect(dataOf(after).project.title).toBe('Muutettu täällä');
  });

  it('sees a change made through another instance at once', async () => {
    await app.gql(PROJECT, { code });
    expect(cacheOf(await app.gql(PROJECT, { code }))).toBe('hit');
    await setTitle(other, 'Muutettu toisaalla');
    expect(dataOf(await app.gql(PROJECT, { code })).project.title).toBe('Muutettu toisaalla');
  });

  it('sees a change written in plain SQL by the owner at once', async () => {
    await app.gql(ORGANISATIONS);
    expect(cacheOf(await app.gql(ORGANISATIONS))).toBe('hit');
    await app.sql(`update organisation set name = 'SQL:llä muutettu ry' where name = 'Välimuistin Yhdistys ry'`);
    const after = await app.gql(ORGANISATIONS);
    expect(cacheOf(after)).toBe('miss');
    expect(dataOf(after).organisations.nodes.map((o: { name: string }) => o.name)).toContain('SQL:llä muutettu ry');
    // Reference data too, and a TRUNCATE: every table that public answers read has the trigger.
    await app.gql(ORGANISATIONS);
    await app.sql(`update municipality set name_fi = name_fi where code = '297'`);
    expect(cacheOf(await app.gql(ORGANISATIONS))).toBe('miss');
  });

  it('puts the version trigger on every table but the listed machinery', async () => {
    const rows = await app.sql<{ table: string; versioned: boolean }>(
      `select c.relname as table, exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'bump_data_version') as versioned
         from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
    );
    const unversioned = rows.filter((row) => !row.versioned).map((row) => row.table);
    expect(unversioned).toEqual([...UNVERSIONED_TABLES].sort());
  });

  it('never serves or stores an answer for a caller with a token', async () => {
    const query = '{ organisations(first: 5) { nodes { name } } }';
    const signedIn = await app.gql(query, undefined, { token: admin });
    expect(cacheOf(signedIn)).toBeNull();
    // The signed-in answer was not stored: the first anonymous one is computed.
    expect(cacheOf(await app.gql(query))).toBe('miss');
    expect(cacheOf(await app.gql(query))).toBe('hit');
    const again = await app.gql(query, undefined, { token: admin });
    expect(cacheOf(again)).toBeNull();
    // Any Authorization header, even one that is not a token, goes to Apollo.
    const malformed = await app.gql(query, undefined, { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(cacheOf(malformed)).toBeNull();
  });

  it('never gives a signed-in partner’s view of a draft to anyone anonymous', async () => {
    const scenario = new Scenario(app.orm);
    const lead = scenario.organisation();
    const draft = scenario.project({ programme: scenario.programme(), lead, status: ProjectStatus.DRAFT, title: 'Luonnos' });
    await scenario.save();
    const partner = await app.signIn({ memberOf: [lead.id] });
    expect(dataOf(await app.gql(PROJECT, { code: draft.code }, { token: partner })).project).toEqual({ title: 'Luonnos', status: 'DRAFT' });
    const first = await app.gql(PROJECT, { code: draft.code });
    const second = await app.gql(PROJECT, { code: draft.code });
    expect([cacheOf(first), cacheOf(second)]).toEqual(['miss', 'hit']);
    expect([dataOf(first).project, dataOf(second).project]).toEqual([null, null]);
  });

  it('does not keep answers with errors, nor mutations', async () => {
    const failing = '{ node(id: "not-a-global-id") { id } }';
    const first = await app.gql(failing);
    expect(first.errors?.length).toBeGreaterThan(0);
    expect(cacheOf(await app.gql(failing))).toBe('miss');
    const mutation = 'mutation { createTheme(input: { code: "CACHE_TEST", labelFi: "x", labelEn: "x" }) { userErrors { code } } }';
    await app.gql(mutation);
    const again = await app.gql(mutation);
    expect(cacheOf(again)).toBe('miss');
    expect(again.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('does not keep answers from the activity log, whose horizon moves without a write', async () => {
    const query = '{ activity(first: 5) { totalCount nodes { id } } }';
    expect(cacheOf(await app.gql(query))).toBe('miss');
    expect(cacheOf(await app.gql(query))).toBe('miss');
    // The log is read below the oldest transaction still running on the server (other test files
    // write in parallel), so the newest event may take a moment to show.
    let nodes: { id: string }[] = [];
    for (let tries = 0; nodes.length === 0 && tries < 50; tries++) {
      if (tries) await new Promise((resolve) => setTimeout(resolve, 100));
      nodes = dataOf(await app.gql('{ activity(last: 1) { nodes { id } } }')).activity.nodes;
    }
    const node = `{ node(id: "${nodes[0].id}") { id } }`;
    await app.gql(node);
    expect(cacheOf(await app.gql(node))).toBe('miss');
  });

  it('is off with RESPONSE_CACHE=off', async () => {
    await uncached.gql(ORGANISATIONS);
    const again = await uncached.gql(ORGANISATIONS);
    expect(cacheOf(again)).toBeNull();
    // Answered from the database every time (one statement, compiled, instead of none from the cache).
    expect(await uncached.countStatements(() => uncached.gql(ORGANISATIONS))).toBeGreaterThanOrEqual(1);
  });

  it('never answers with data older than the last completed write (random interleavings)', async () => {
    const scenario = new Scenario(app.orm);
    const programme = scenario.programme();
    const projects = [0, 1, 2].map((i) => scenario.project({ programme, title: `Satunnainen ${i}`, code: `CACHE-PROP-${i}` }));
    await scenario.save();
    const query = `{ projects(first: 100, filter: { programme: "${idOf(programme)}" }) { totalCount nodes { code title status } } }`;
    const write = fc.record({
      kind: fc.constant('write' as const),
      via: fc.constantFrom('api', 'other', 'sql'),
      project: fc.integer({ min: 0, max: 2 }),
      title: fc.string({ minLength: 1, maxLength: 12 }).map((s) => `Satunnainen ${s.replace(/\s/g, '_')}`),
    });
    const read = fc.record({ kind: fc.constant('read' as const), on: fc.constantFrom('app', 'other'), parallel: fc.integer({ min: 1, max: 4 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(write, read), { minLength: 1, maxLength: 12 }), async (steps) => {
        for (const step of steps) {
          if (step.kind === 'write') {
            const id = idOf(projects[step.project]);
            if (step.via === 'sql') {
              await app.sql('update project set title = ? where code = ?', [step.title, projects[step.project].code]);
            } else {
              const on = step.via === 'api' ? app : other;
              const response = await on.gql('mutation ($input: UpdateProjectInput!) { updateProject(input: $input) { userErrors { code } } }', { input: { id, title: step.title } }, { token: admin });
              expect(dataOf(response).updateProject.userErrors).toEqual([]);
            }
          } else {
            const on = step.on === 'app' ? app : other;
            const answers = await Promise.all(Array.from({ length: step.parallel }, () => on.gql(query)));
            const truth = dataOf(await uncached.gql(query));
            for (const answer of answers) expect(dataOf(answer)).toEqual(truth);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('never answers with data older than a write completed before the read began, with reads racing the writes', async () => {
    const scenario = new Scenario(app.orm);
    const programme = scenario.programme();
    const projects = [0, 1, 2].map((i) => scenario.project({ programme, title: `Kilpa 0`, code: `CACHE-RACE-${i}` }));
    await scenario.save();
    const query = `{ projects(first: 100, filter: { programme: "${idOf(programme)}" }) { nodes { code title } } }`;
    // Titles count up, so an answer shows how new each project's data is.
    let counter = 0;
    const completed = [0, 0, 0];
    const step = fc.record({
      project: fc.integer({ min: 0, max: 2 }),
      via: fc.constantFrom('api', 'other', 'sql'),
      reads: fc.array(fc.record({ on: fc.constantFrom('app', 'other'), delayMs: fc.integer({ min: 0, max: 15 }) }), { maxLength: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        for (const { project, via, reads } of steps) {
          const n = ++counter;
          const title = `Kilpa ${n}`;
          const writing = (async () => {
            if (via === 'sql') await app.sql('update project set title = ? where code = ?', [title, projects[project].code]);
            else {
              const response = await (via === 'api' ? app : other).gql(
                'mutation ($input: UpdateProjectInput!) { updateProject(input: $input) { userErrors { code } } }',
                { input: { id: idOf(projects[project]), title } },
                { token: admin },
              );
              expect(dataOf(response).updateProject.userErrors).toEqual([]);
            }
            completed[project] = Math.max(completed[project], n);
          })();
          const reading = reads.map(async ({ on, delayMs }) => {
            await new Promise((resolve) => setTimeout(resolve, delayMs));
            const floor = [...completed];
            const answer = dataOf(await (on === 'app' ? app : other).gql(query));
            const seen = new Map<string, number>(answer.projects.nodes.map((node: { code: string; title: string }) => [node.code, Number(node.title.split(' ')[1])]));
            projects.forEach((p, i) => expect(seen.get(p.code)).toBeGreaterThanOrEqual(floor[i]));
          });
          await Promise.all([writing, ...reading]);
        }
        const answer = dataOf(await app.gql(query));
        expect(answer).toEqual(dataOf(await uncached.gql(query)));
      }),
      { numRuns: 15 },
    );
  });
});

describe('response cache and the cost budget', () => {
  let app: TestApp;
  beforeAll(async () => {
    const limits = { ...loadConfig({}).limits, maxCost: 250, budget: 250, leakPerSecond: 1, store: { kind: 'memory' } } satisfies Config['limits'];
    app = await startTestApp('empty', { trustProxyHops: 1, limits });
  });
  afterAll(async () => {
    await app.close();
  });

  it('charges a hit what the computed answer cost, and refuses a client over budget', async () => {
    const headers = { 'x-forwarded-for': '2001:db8::cace' };
    // 101 points: the connection and 100 municipalities.
    const query = '{ municipalities(first: 100) { nodes { code } } }';
    const miss = await app.gql(query, undefined, { headers });
    const hit = await app.gql(query, undefined, { headers });
    expect([cacheOf(miss), cacheOf(hit)]).toEqual(['miss', 'hit']);
    expect((miss.extensions!.cost as { remaining: number }).remaining).toBe(149);
    expect((hit.extensions!.cost as { remaining: number }).remaining).toBeLessThanOrEqual(49);
    const refused = await app.gql(query, undefined, { headers });
    expect(refused.status).toBe(429);
    expect(refused.errors![0].extensions!.code).toBe('RATE_LIMITED');
    // Another client's budget is its own, and it gets the stored answer.
    const another = await app.gql(query, undefined, { headers: { 'x-forwarded-for': '2001:db8::beef' } });
    expect([another.status, cacheOf(another)]).toEqual([200, 'hit']);
  });
});
