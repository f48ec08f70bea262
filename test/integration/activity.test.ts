/**
 * The activity log and its subscription, over HTTP and WebSocket against a real database: replay
 * then live with no gap and no repeat, commit-order safety with concurrent writers, delivery across
 * two instances, and visibility decided per subscriber.
 */
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { ActivityRetentionJob } from '../../src/modules/activity/activity.retention';
import { REAUTHENTICATE_MS } from '../../src/web/subscriptions';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { createLogger } from '../../src/shared/logger';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

interface Event {
  cursor: string;
  type: string;
  occurredAt: string;
  entityId: string;
  projectIds: string[];
  payload: Record<string, unknown>;
}

const EVENT_FIELDS = 'id cursor type occurredAt entityId projectIds payload';

function wsClient(app: TestApp, token?: string): WsClient {
  return createClient({
    url: `${app.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
}

/** Collects events of a subscription until `until` says enough (or the timeout). */
async function collect(client: WsClient, query: string, variables: Record<string, unknown>, until: (events: Event[]) => boolean, timeoutMs = 15_000): Promise<Event[]> {
  const events: Event[] = [];
  const iterator = client.iterate<{ activity: Event }>({ query, variables });
  const timer = setTimeout(() => void iterator.return?.(), timeoutMs);
  try {
    for await (const result of iterator) {
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      events.push(result.data!.activity);
      if (until(events)) break;
    }
  } catch (error) {
    // graphql-ws rejects with the server's error list (or a CloseEvent), not an Error.
    if (error instanceof Error) throw error;
    throw new Error(JSON.stringify(error, (_key, value: unknown) => (value instanceof Object && 'code' in value && 'reason' in value ? { code: value.code, reason: value.reason } : value)));
  } finally {
    clearTimeout(timer);
    await iterator.return?.();
  }
  return events;
}

const SUBSCRIBE = `subscription($after: String, $filter: ActivityFilter) { activity(after: $after, filter: $filter) { ${EVENT_FIELDS} } }`;

async function page(app: TestApp, variables: Record<string, unknown>, token?: string) {
  return dataOf(await app.gql<{ activity: { edges: Array<{ node: Event }>; pageInfo: { endCursor: string; hasNextPage: boolean }; totalCount: number } }>(
    `query($first: Int, $after: String, $filter: ActivityFilter) { activity(first: $first, after: $after, filter: $filter) { edges { node { ${EVENT_FIELDS} } } pageInfo { endCursor hasNextPage } totalCount } }`,
    variables, { token })).activity;
}

async function allEvents(app: TestApp, token?: string, filter?: Record<string, unknown>): Promise<Event[]> {
  const events: Event[] = [];
  let after: string | null = null;
  for (;;) {
    const result = await page(app, { first: 100, after, filter }, token);
    events.push(...result.edges.map((edge) => edge.node));
    if (!result.pageInfo.hasNextPage) return events;
    after = result.pageInfo.endCursor;
  }
}

describe('activity log', () => {
  let app: TestApp;
  let admin: string;
  beforeAll(async () => {
    app = await startTestApp('demo');
    admin = await app.signIn({ admin: true });
  });
  afterAll(async () => app?.close());

  it('pages through the log, oldest first, and shows anonymous readers no event about a hidden project', async () => {
    const anonymous = await allEvents(app);
    const everything = await allEvents(app, admin);
    expect(anonymous.length).toBeGreaterThan(300);
    expect(everything.length).toBeGreaterThan(anonymous.length);
    const hidden = await app.sql<{ id: number }>(`select id from project where status in ('DRAFT', 'REJECTED')`);
    expect(hidden.length).toBeGreaterThan(0);
    const hiddenIds = new Set(hidden.map((row) => toGlobalId('Project', row.id)));
    expect(anonymous.filter((event) => event.projectIds.some((id) => hiddenIds.has(id)))).toEqual([]);
    expect(everything.filter((event) => event.projectIds.some((id) => hiddenIds.has(id))).length).toBeGreaterThan(0);
    // The cursors are distinct and the pages join up.
    expect(new Set(everything.map((event) => event.cursor)).size).toBe(everything.length);
    expect((await page(app, { first: 1 }, admin)).totalCount).toBe(everything.length);
  });

  it('filters by kind, scheme and postal code, and refuses bad filters and cursors with BAD_USER_INPUT', async () => {
    const funding = await allEvents(app, undefined, { kinds: ['FUNDING_DECIDED'], schemes: ['LEADER'] });
    expect(funding.length).toBeGreaterThan(0);
    expect(funding.every((event) => event.type === 'FUNDING_DECIDED')).toBe(true);
    const hiltulanlahti = await allEvents(app, undefined, { postalCodes: ['70870'] });
    expect(hiltulanlahti.length).toBeGreaterThan(0);
    for (const [variables, argument] of [
      [{ after: 'bm90LWEtY3Vyc29y' }, 'after'],
      [{ first: 0 }, 'first'],
      [{ filter: { postalCodes: ['7087'] } }, 'filter.postalCodes[0]'],
      [{ filter: { programmes: [toGlobalId('Project', 1)] } }, 'filter.programmes[0]'],
    ] as const) {
      const response = await app.gql(`query($first: Int, $after: String, $filter: ActivityFilter) { activity(first: $first, after: $after, filter: $filter) { totalCount } }`, variables);
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: argument });
    }
  });

  it('never lets a cursor pass an event that commits later with a smaller position (concurrent writers)', async () => {
    const owner = () => new Client({ connectionString: app.orm.config.get('clientUrl') as string });
    const [first, second] = [owner(), owner()];
    await first.connect();
    await second.connect();
    try {
      const [{ endCursor: start }] = [(await page(app, { first: 100, after: (await allEvents(app, admin)).at(-1)!.cursor }, admin)).pageInfo];
      // The first writer takes its transaction ID first, then the second writes and commits.
      await first.query('begin');
      await first.query(`update project set title = title || ' (A)' where code = 'KAKE-KUO-2018-05'`);
      await second.query(`update project set title = title || ' (B)' where code = 'LEADER-KAK-2018-04'`);
      // B is committed, but A is still running with a smaller transaction ID: B waits (for as long as A runs).
      for (let i = 0; i < 5; i++) {
        const meanwhile = await page(app, { first: 100, after: start }, admin);
        expect(meanwhile.edges.map((edge) => edge.node.payload.code)).toEqual([]);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await first.query('commit');
      // Both now come, in the first writer's order; how soon depends on every other writing
      // transaction on the server (other test files' databases share it), so it is waited for.
      const until = Date.now() + 20_000;
      let codes: unknown[] = [];
      while (codes.length < 2 && Date.now() < until) {
        codes = (await page(app, { first: 100, after: start }, admin)).edges.map((edge) => edge.node.payload.code);
        if (codes.length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(codes).toEqual(['KAKE-KUO-2018-05', 'LEADER-KAK-2018-04']);
    } finally {
      await first.end();
      await second.end();
    }
  });

  it('replays what a subscriber missed, then streams live events, with no gap and no repeat', async () => {
    const log = await allEvents(app, admin);
    const from = log[log.length - 6]; // five events to replay
    const client = wsClient(app, admin);
    try {
      const [{ id }] = await app.sql<{ id: number }>(`select id from project where code = 'LEADER-KAK-2018-01'`);
      const received = collect(client, SUBSCRIBE, { after: from.cursor }, (events) => events.some((event) => event.payload.title === 'Nuorten kohtaamispaikka Hiltulanlahti – live'));
      // While the replay runs, a change is committed.
      const [{ version }] = await app.sql<{ version: number }>('select version from project where id = ?', [id]);
      dataOf(await app.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { userErrors { code } } }`,
        { input: { id: toGlobalId('Project', id), expectedVersion: version, title: 'Nuorten kohtaamispaikka Hiltulanlahti – live' } }, { token: admin }));
      const events = await received;
      expect(events.slice(0, 5).map((event) => event.cursor)).toEqual(log.slice(-5).map((event) => event.cursor));
      expect(new Set(events.map((event) => event.cursor)).size).toBe(events.length);
      expect(events.at(-1)).toMatchObject({ type: 'PROJECT_UPDATED', payload: { code: 'LEADER-KAK-2018-01', fields: ['title'] } });
      // occurredAt serialises as an ISO instant (the driver hands PostgreSQL's own text form back).
      expect(events.at(-1)!.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(Date.parse(events.at(-1)!.occurredAt) - Date.now())).toBeLessThan(60_000);
    } finally {
      await client.dispose();
    }
  });

  it('delivers to each subscriber only what it may see, decided at delivery', async () => {
    const anonymous = wsClient(app);
    const analyst = wsClient(app, await app.signIn({ analyst: true }));
    try {
      const filter = { kinds: ['PROJECT_UPDATED'] };
      const seenByAnalyst = collect(analyst, SUBSCRIBE, { filter }, (events) => events.some((event) => event.payload.code === 'PUBLIC-MARK'));
      const seenByAnonymous = collect(anonymous, SUBSCRIBE, { filter }, (events) => events.some((event) => event.payload.code === 'PUBLIC-MARK'));
      await new Promise((resolve) => setTimeout(resolve, 300)); // both subscribed
      // A draft changes, then a public project: the anonymous subscriber gets only the second.
      await app.sql(`update project set summary = coalesce(summary, '') || '.' where id = (select id from project where status = 'DRAFT' order by id limit 1)`);
      await app.sql(`update project set code = 'PUBLIC-MARK' where code = 'KAKE-KUO-2018-10'`);
      const [analystEvents, anonymousEvents] = await Promise.all([seenByAnalyst, seenByAnonymous]);
      const draftCodes = new Set((await app.sql<{ code: string }>(`select code from project where status = 'DRAFT'`)).map((row) => row.code));
      expect(analystEvents.some((event) => draftCodes.has(String(event.payload.code)))).toBe(true);
      expect(anonymousEvents.some((event) => draftCodes.has(String(event.payload.code)))).toBe(false);
      expect(anonymousEvents.at(-1)?.payload.code).toBe('PUBLIC-MARK');
    } finally {
      await app.sql(`update project set code = 'KAKE-KUO-2018-10' where code = 'PUBLIC-MARK'`);
      await anonymous.dispose();
      await analyst.dispose();
    }
  });

  it('shares reads among subscribers of one viewer and position, and gives each what the query’s SQL filter gives', async () => {
    const log = await allEvents(app);
    const from = log[log.length - 41];
    const [{ code, postal }] = await app.sql<{ code: string; postal: string }>(
      `select p.code, e.postal_codes[1] as postal from activity_event e join project p on p.id = e.project_id
        where 'KAKE' = any(e.schemes) and cardinality(e.postal_codes) > 0 and p.status not in ('DRAFT', 'REJECTED') order by e.id desc limit 1`);
    const filters = [{}, { schemes: ['KAKE'] }, { kinds: ['PROJECT_UPDATED'] }, { postalCodes: [postal] }];
    const expected = new Map<object, Event[]>();
    for (const filter of filters) expected.set(filter, (await page(app, { first: 100, after: from.cursor, filter })).edges.map((edge) => edge.node));
    const client = wsClient(app);
    try {
      // Three anonymous subscribers per filter, all replaying from one cursor, then waiting at the end of the log.
      const subscribers = filters.flatMap((filter) => [filter, filter, filter]).map((filter) => {
        const events: Event[] = [];
        const live = new Promise<void>((resolve, reject) =>
          client.subscribe<{ activity: Event }>({ query: SUBSCRIBE, variables: { after: from.cursor, filter } }, {
            next: (result) => {
              events.push(result.data!.activity);
              if (events.length > expected.get(filter)!.length) resolve();
            },
            error: reject,
            complete: () => undefined,
          }));
        return { filter, events, live };
      });
      const deadline = Date.now() + 15_000;
      while (subscribers.some((s) => s.events.length < expected.get(s.filter)!.length) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      for (const { filter, events } of subscribers) expect(events.map((event) => event.cursor)).toEqual(expected.get(filter)!.map((event) => event.cursor));
      // One change wakes all twelve: they read as one viewer from one position, so they share the read.
      const statements = await app.countStatements(async () => {
        await app.sql(`update project set summary = coalesce(summary, '') || ' (jaettu luku)' where code = ?`, [code]);
        await Promise.all(subscribers.map((s) => s.live));
      });
      for (const { events } of subscribers) expect(events.at(-1)).toMatchObject({ type: 'PROJECT_UPDATED', payload: { code } });
      expect(statements).toBeLessThanOrEqual(3);
    } finally {
      await client.dispose();
    }
  });

  it(`ends a subscription within ${REAUTHENTICATE_MS / 1000} s of its token being revoked`, async () => {
    const token = await app.signIn({ name: 'Peruttava analyytikko', analyst: true });
    const client = wsClient(app, token);
    const outcome = collect(client, SUBSCRIBE, {}, () => false, 20_000).then(() => 'no error', (error: Error) => error.message);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await app.sql(`update api_token set revoked_at = now() where account_id in (select id from account where name = 'Peruttava analyytikko')`);
    const revokedAt = Date.now();
    // Changes keep waking the subscriber; a read re-checks the token once its last check is older than the bound.
    const ticker = setInterval(() => void app.sql(`update project set summary = coalesce(summary, '') || '.' where code = 'KAKE-KUO-2018-05'`), 500);
    try {
      expect(await outcome).toMatch(/UNAUTHENTICATED|revoked/);
      expect(Date.now() - revokedAt).toBeLessThan(REAUTHENTICATE_MS + 2000);
    } finally {
      clearInterval(ticker);
      await client.dispose();
    }
  });

  it('refuses a bad token at connection, and queries and mutations over WebSocket', async () => {
    const bad = wsClient(app, 'silta_not-a-real-token-at-all-0000000000000000000');
    await expect(collect(bad, SUBSCRIBE, {}, () => true, 3000)).rejects.toBeDefined();
    await bad.dispose();
    const client = wsClient(app);
    try {
      await expect(collect(client, '{ projects(first: 1) { totalCount } }', {}, () => true, 3000)).rejects.toThrow(/Only subscriptions run over WebSocket/);
      await expect(collect(client, SUBSCRIBE, { after: 'nope' }, () => true, 3000)).rejects.toThrow(/BAD_USER_INPUT/);
    } finally {
      await client.dispose();
    }
  });
});

describe('activity across two instances', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await startTestApp('demo');
    second = await startTestApp('demo', {}, { sameDatabaseAs: first });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('a change through one instance reaches a subscriber of the other', async () => {
    const admin = await first.signIn({ admin: true });
    const client = wsClient(second, admin);
    try {
      const received = collect(client, SUBSCRIBE, { filter: { kinds: ['PROJECT_STATUS_CHANGED', 'PROJECT_UPDATED'] } }, (events) => events.some((event) => event.payload.title === 'Ikäihmisten digituki – kahden palvelimen testi'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [{ id, version }] = await first.sql<{ id: number; version: number }>(`select id, version from project where code = 'KAKE-KUO-2018-07'`);
      dataOf(await first.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { userErrors { code } } }`,
        { input: { id: toGlobalId('Project', id), expectedVersion: version, title: 'Ikäihmisten digituki – kahden palvelimen testi' } }, { token: admin }));
      const events = await received;
      expect(events.at(-1)).toMatchObject({ type: 'PROJECT_UPDATED', payload: { code: 'KAKE-KUO-2018-07' } });
    } finally {
      await client.dispose();
    }
  });
});

describe('activity retention', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('demo');
  });
  afterAll(async () => app?.close());

  it('prunes old events and tells a client holding an older cursor to resync', async () => {
    const admin = await app.signIn({ admin: true });
    const log = await allEvents(app, admin);
    // The first ten events are made 400 days old; a 365-day retention deletes them.
    await app.sql(`update activity_event set occurred_at = now() - interval '400 days' where id in (select id from activity_event order by xid, id limit 10)`);
    const job = new ActivityRetentionJob(app.orm.config.get('clientUrl') as string, 365, createLogger('silent'));
    await job.run();
    await job.stop();
    expect((await allEvents(app, admin)).length).toBe(log.length - 10);
    const stale = await app.gql(`query($after: String) { activity(after: $after, first: 1) { totalCount } }`, { after: log[3].cursor }, { token: admin });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'after', reason: 'CURSOR_EXPIRED' });
    expect(stale.errors?.[0]?.message).toMatch(/resync/);
    // A cursor after the pruned part still works, and so does the subscription from it; an old one is refused there too.
    expect(dataOf(await app.gql(`query($after: String) { activity(after: $after, first: 1) { totalCount } }`, { after: log[10].cursor }, { token: admin }))).toBeDefined();
    const client = wsClient(app, admin);
    try {
      await expect(collect(client, SUBSCRIBE, { after: log[2].cursor }, () => true, 3000)).rejects.toThrow(/CURSOR_EXPIRED|resync/);
    } finally {
      await client.dispose();
    }
  });
});
