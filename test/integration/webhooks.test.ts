import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { Scheme } from '../../src/modules/programme/programme.enums';
import { verifySignature } from '../../src/modules/webhook/webhook.signing';
import { WebhookWorker } from '../../src/modules/webhook/webhook.worker';
import { createLogger } from '../../src/shared/logger';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * Webhooks end to end: a real receiver on 127.0.0.1 (allowed by configuration, as an operator
 * would), the delivery worker against a real database, events written by the activity log's
 * triggers. Signing, retry with backoff, disabling, exactly-once across two workers, visibility by
 * the account's current rights, and SSRF refusals.
 */
let app: TestApp;
let coordinator: string;
let partner: string;
let programmeId: number;
let programme: string;
let ownOrganisationId: number;
let otherOrganisationId: number;

const WEBHOOKS = { ...loadConfig({}).webhooks, allowCidrs: ['127.0.0.1/32'], retryBaseMs: 300, retryMaxMs: 2000, maxFailures: 3, pollMs: 100, connectTimeoutMs: 1000, responseTimeoutMs: 1000 };

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; position: string; payload: Record<string, unknown>; webhook: string; attempt: number };
  at: number;
}

interface Receiver {
  url: string;
  hits: Hit[];
  answer: (hit: Hit) => number | { status: number; headers?: Record<string, string> };
  close(): Promise<void>;
}

const receivers: Receiver[] = [];

async function receiver(answer: Receiver['answer'] = () => 200): Promise<Receiver> {
  const state: Receiver = { url: '', hits: [], answer, close: async () => undefined };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const hit = { headers: req.headers, body, json: JSON.parse(body), at: Date.now() };
      state.hits.push(hit);
      const answered = state.answer(hit);
      const { status, headers } = typeof answered === 'number' ? { status: answered, headers: {} } : answered;
      res.writeHead(status, headers).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  state.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  receivers.push(state);
  return state;
}

async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const REGISTER = `mutation($input: RegisterWebhookInput!) {
  registerWebhook(input: $input) { secret webhook { id url status description filter { kinds schemes programmes organisations projects postalCodes crossDivideOnly } } userErrors { field code message } }
}`;

const DELIVERIES = `query($id: ID!) {
  node(id: $id) { ... on Webhook { status disabledReason consecutiveFailures
    deliveries(first: 50) { totalCount nodes { id deliveryId eventId eventCursor eventType attempt status responseStatus error nextAttemptAt createdAt } } } }
}`;

async function register(token: string, input: Record<string, unknown>) {
  return dataOf(await app.gql(REGISTER, { input }, { token })).registerWebhook as {
    secret: string | null;
    webhook: { id: string; url: string; status: string; filter: Record<string, unknown> } | null;
    userErrors: { field: string; code: string; message: string }[];
  };
}

async function deliveries(token: string, id: string) {
  return dataOf(await app.gql(DELIVERIES, { id }, { token })).node as {
    status: string;
    disabledReason: string | null;
    consecutiveFailures: number;
    deliveries: { totalCount: number; nodes: { id: string; deliveryId: string; eventId: string; eventCursor: string; eventType: string; attempt: number; status: string; responseStatus: number | null; error: string | null; nextAttemptAt: string | null; createdAt: string }[] };
  };
}

let serial = 0;
/** A project in the hooks' programme, with its lead, committed in one transaction (as the owner: the log's triggers fire). */
async function project(spec: { status?: ProjectStatus; lead?: number; title?: string } = {}): Promise<{ code: string; id: number }> {
  const code = `HOOK-${++serial}`;
  const em = app.orm.em.fork();
  return em.transactional(async (tx) => {
    const [row] = await tx.execute<{ id: number }[]>(`insert into project (programme_id, code, title, status) values (?, ?, ?, ?) returning id`, [
      programmeId,
      code,
      spec.title ?? `Webhook-hanke ${serial}`,
      spec.status ?? ProjectStatus.ONGOING,
    ]);
    await tx.execute(`insert into participation (project_id, organisation_id, role) values (?, ?, 'LEAD')`, [row.id, spec.lead ?? ownOrganisationId]);
    return { code, id: row.id };
  });
}

beforeAll(async () => {
  app = await startTestApp('empty', { webhooks: WEBHOOKS }, { webhookWorker: true });
  const s = new Scenario(app.orm);
  const kake = s.programme({ code: 'HOOK-KAKE', scheme: Scheme.KAKE });
  const own = s.organisation({ name: 'Koukkujen Yhdistys ry' });
  const other = s.organisation({ name: 'Toinen Yhdistys ry' });
  await s.save();
  programmeId = kake.id;
  programme = idOf(kake);
  ownOrganisationId = own.id;
  otherOrganisationId = other.id;
  coordinator = await app.signIn({ name: 'Koordinaattori', coordinatorOf: [kake.id] });
  partner = await app.signIn({ name: 'Kumppani', memberOf: [own.id] });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await app.close();
});

describe('registering', () => {
  it('is for coordinators and verified members with a read-write token', async () => {
    const input = { url: 'https://hooks.example.fi/x' };
    expect((await app.gql(REGISTER, { input })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const unverified = await app.signIn({ unverifiedMemberOf: [ownOrganisationId] });
    expect((await app.gql(REGISTER, { input }, { token: unverified })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const readOnly = await app.signIn({ coordinatorOf: [programmeId], readOnly: true });
    expect((await app.gql(REGISTER, { input }, { token: readOnly })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it.each([
    ['loopback outside the allow-list', 'http://127.0.0.2:9/hook', /127\.0\.0\.2 is a loopback address/],
    ['IPv6 loopback', 'http://[::1]:9/hook', /::1 is a loopback address/],
    ['a private address', 'http://10.0.0.1/hook', /10\.0\.0\.1 is a private address/],
    ['a unique local address', 'http://[fd00::1]/hook', /fd00::1 is a uniqueLocal address/],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a linkLocal address/],
    ['carrier-grade NAT', 'http://100.64.1.1/', /carrierGradeNat/],
    ['a scheme other than http(s)', 'file:///etc/passwd', /Only http and https/],
    ['credentials in the URL', 'https://user:secret@hooks.example.fi/', /user name or password/],
  ])('refuses %s', async (_name, url, message) => {
    const result = await register(coordinator, { url });
    expect(result.webhook).toBeNull();
    expect(result.secret).toBeNull();
    expect(result.userErrors).toEqual([{ field: 'input.url', code: 'INVALID_URL', message: expect.stringMatching(message) }]);
  });

  it('checks the filter and reports every problem at once', async () => {
    const result = await register(coordinator, {
      url: (await receiver()).url,
      filter: { programmes: ['bm9wZQ'], postalCodes: ['701', '70100'], organisations: [programme] },
    });
    expect(result.userErrors.map((error) => error.field)).toEqual(['input.filter.programmes[0]', 'input.filter.organisations[0]', 'input.filter.postalCodes[0]']);
  });
});

describe('deliveries', () => {
  it('POSTs each matching event once, signed with the secret shown at registration', async () => {
    const target = await receiver();
    const registered = await register(coordinator, { url: target.url, description: 'Kake-tapahtumat', filter: { schemes: ['KAKE'], kinds: ['PROJECT_CREATED'], programmes: [programme] } });
    expect(registered.userErrors).toEqual([]);
    expect(registered.secret).toMatch(/^whsec_/);
    expect(registered.webhook).toMatchObject({ status: 'ACTIVE', description: 'Kake-tapahtumat', filter: { kinds: ['PROJECT_CREATED'], schemes: ['KAKE'], programmes: [programme], organisations: [], projects: [], postalCodes: [], crossDivideOnly: false } });

    const created = await project();
    const [hit] = await until('a delivery', () => target.hits.length > 0 && target.hits);
    expect(hit.json).toMatchObject({ type: 'PROJECT_CREATED', webhook: registered.webhook!.id, attempt: 1, payload: { code: created.code } });
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['x-silta-event']).toBe('PROJECT_CREATED');
    expect(hit.headers['x-silta-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    const timestamp = String(hit.headers['x-silta-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(verifySignature(registered.secret!, String(hit.headers['x-silta-signature']), timestamp, hit.body)).toBe(true);
    expect(verifySignature(registered.secret!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), String(hit.headers['x-silta-signature']), timestamp, hit.body)).toBe(false);

    const log = await until('the delivery log', async () => {
      const found = await deliveries(coordinator, registered.webhook!.id);
      return found.deliveries.nodes.length > 0 && found; // nodes, not totalCount: the count is a later statement (read committed)
    });
    expect(log.deliveries.nodes[0]).toMatchObject({ eventId: hit.json.id, eventCursor: hit.json.position, eventType: 'PROJECT_CREATED', attempt: 1, status: 'SUCCEEDED', responseStatus: 200, error: null, nextAttemptAt: null, deliveryId: hit.headers['x-silta-delivery'] });

    // Nothing more arrives for it (the cursor moved), and the hook is the owner's alone.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(target.hits.filter((h) => h.json.id === hit.json.id)).toHaveLength(1);
    expect(dataOf(await app.gql('{ webhooks { id } }', {}, { token: coordinator })).webhooks).toEqual([{ id: registered.webhook!.id }]);
    expect(dataOf(await app.gql('{ webhooks { id } }', {}, { token: partner })).webhooks).toEqual([]);
    expect(dataOf(await app.gql(DELIVERIES, { id: registered.webhook!.id }, { token: partner })).node).toBeNull();
    expect(dataOf(await app.gql('query($id: ID!) { node(id: $id) { id } }', { id: log.deliveries.nodes[0].id }, { token: partner })).node).toBeNull();
    // The secret is nowhere but in the hook's row: not in the audit trail.
    const audit = await app.sql<{ changes: Record<string, unknown> }>(`select changes from audit_event where entity_type = 'Webhook'`);
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(registered.secret!);
  });

  it('retries a failed delivery after a backoff, then moves on', async () => {
    let calls = 0;
    const target = await receiver(() => (++calls === 1 ? 500 : 200));
    const { webhook } = await register(coordinator, { url: target.url, filter: { kinds: ['PROJECT_CREATED'] } });
    const created = await project();
    await until('the retry', () => target.hits.length >= 2);
    const [first, second] = target.hits;
    expect(first.json.id).toBe(second.json.id);
    expect(first.json.payload.code).toBe(created.code);
    expect([first.json.attempt, second.json.attempt]).toEqual([1, 2]);
    expect(second.at - first.at).toBeGreaterThanOrEqual(WEBHOOKS.retryBaseMs - 50);
    const log = await until('both attempts in the log', async () => {
      const found = await deliveries(coordinator, webhook!.id);
      return found.deliveries.totalCount === 2 && found;
    });
    // Newest first.
    expect(log.deliveries.nodes.map((d) => [d.attempt, d.status, d.responseStatus])).toEqual([[2, 'SUCCEEDED', 200], [1, 'FAILED', 500]]);
    expect(log.deliveries.nodes[1].error).toBe('HTTP 500');
    expect(new Date(log.deliveries.nodes[1].nextAttemptAt!).getTime() - new Date(log.deliveries.nodes[1].createdAt).getTime()).toBeGreaterThanOrEqual(WEBHOOKS.retryBaseMs - 50);
    expect(log.consecutiveFailures).toBe(0);
  });

  it('disables a hook after repeated failures, and resumes where it stopped when enabled again', async () => {
    let healthy = false;
    const target = await receiver(() => (healthy ? 200 : 503));
    const { webhook } = await register(coordinator, { url: target.url, filter: { kinds: ['PROJECT_CREATED'] } });
    const created = await project();
    const disabled = await until('the hook to be disabled', async () => {
      const found = await deliveries(coordinator, webhook!.id);
      return found.status === 'DISABLED' && found;
    });
    expect(disabled.disabledReason).toMatch(/^Disabled after 3 failed deliveries in a row of event \d+; the last: HTTP 503$/);
    expect(disabled.deliveries.nodes.map((d) => [d.attempt, d.status])).toEqual([[3, 'FAILED'], [2, 'FAILED'], [1, 'FAILED']]);
    expect(disabled.deliveries.nodes[0].nextAttemptAt).toBeNull();
    // Exponential: the second wait is about twice the first.
    const [a, b, c] = target.hits.map((hit) => hit.at);
    expect(b - a).toBeGreaterThanOrEqual(WEBHOOKS.retryBaseMs - 50);
    expect(c - b).toBeGreaterThanOrEqual(2 * WEBHOOKS.retryBaseMs - 50);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(target.hits).toHaveLength(3);

    healthy = true;
    const UPDATE = 'mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { status disabledReason consecutiveFailures } userErrors { code } } }';
    const enabled = dataOf(await app.gql(UPDATE, { input: { id: webhook!.id, enabled: true } }, { token: coordinator })).updateWebhook;
    expect(enabled).toEqual({ webhook: { status: 'ACTIVE', disabledReason: null, consecutiveFailures: 0 }, userErrors: [] });
    await until('the delivery after re-enabling', () => target.hits.length === 4);
    expect(target.hits[3].json.payload.code).toBe(created.code);
    expect(dataOf(await app.gql(UPDATE, { input: { id: webhook!.id, enabled: true } }, { token: partner })).updateWebhook.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
  });

  it('does not follow a redirect, even to an allowed address, and never to a private one', async () => {
    const elsewhere = await receiver();
    const target = await receiver(() => ({ status: 302, headers: { location: 'http://10.0.0.1/steal' } }));
    const { webhook } = await register(coordinator, { url: target.url, filter: { kinds: ['PROJECT_CREATED'] } });
    await project();
    const log = await until('a failed attempt', async () => {
      const found = await deliveries(coordinator, webhook!.id);
      return found.deliveries.nodes.length > 0 && found; // nodes, not totalCount: the count is a later statement (read committed)
    });
    expect(log.deliveries.nodes[0]).toMatchObject({ status: 'FAILED', responseStatus: 302, error: expect.stringMatching(/^Redirects are not followed \(HTTP 302 to http:\/\/10\.0\.0\.1\/steal\)/) });
    expect(elsewhere.hits).toHaveLength(0);
    expect(dataOf(await app.gql('mutation($id: ID!) { deleteWebhook(input: { id: $id }) { deletedWebhookId userErrors { code } } }', { id: webhook!.id }, { token: coordinator })).deleteWebhook).toEqual({ deletedWebhookId: webhook!.id, userErrors: [] });
    expect(await app.sql('select 1 from webhook_delivery where webhook_id = ?', [Number(Buffer.from(webhook!.id, 'base64url').toString().split(':')[1])])).toEqual([]);
  });

  it("gives a partner's hook what the partner sees: its own drafts, never another organisation's", async () => {
    const target = await receiver();
    const { webhook, userErrors } = await register(partner, { url: target.url, filter: { kinds: ['PROJECT_CREATED'] } });
    expect(userErrors).toEqual([]);
    const hidden = await project({ status: ProjectStatus.DRAFT, lead: otherOrganisationId, title: 'Toisen salainen luonnos' });
    const ownDraft = await project({ status: ProjectStatus.DRAFT, title: 'Oma luonnos' });
    const last = await project({ lead: otherOrganisationId });
    await until('the public project after the draft', () => target.hits.some((hit) => hit.json.payload.code === last.code));
    const codes = target.hits.map((hit) => hit.json.payload.code);
    expect(codes).toEqual([ownDraft.code, last.code]);
    expect(codes).not.toContain(hidden.code);
    expect(JSON.stringify(target.hits.map((hit) => hit.body))).not.toContain('Toisen salainen');
    // Rights are read at delivery: once the membership is gone, the hook stops with a reason.
    await app.sql(`delete from membership where account_id = (select account_id from webhook where id = ?)`, [Number(Buffer.from(webhook!.id, 'base64url').toString().split(':')[1])]);
    await project();
    const found = await until('the hook to be disabled', async () => {
      const [row] = await app.sql<{ status: string; disabled_reason: string }>('select status, disabled_reason from webhook where url = ?', [target.url]);
      return row.status === 'DISABLED' && row;
    });
    expect(found.disabled_reason).toMatch(/no longer a programme coordinator or a verified member/);
  });

  it('delivers every event exactly once with two workers on one database', async () => {
    const second = new WebhookWorker(app.ownerUrl, app.servingUrl, app.config.webhooks, createLogger('silent'));
    await second.start();
    try {
      const targets = await Promise.all([receiver(), receiver(), receiver()]);
      for (const target of targets) expect((await register(coordinator, { url: target.url, filter: { kinds: ['PROJECT_CREATED'], programmes: [programme] } })).userErrors).toEqual([]);
      const codes: string[] = [];
      for (let i = 0; i < 15; i += 1) codes.push((await project()).code);
      for (const target of targets) {
        await until('every event at every hook', () => codes.every((code) => target.hits.some((hit) => hit.json.payload.code === code)), 30_000);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const target of targets) {
        const delivered = target.hits.map((hit) => hit.json.payload.code);
        expect(delivered).toEqual(codes);
        expect(new Set(target.hits.map((hit) => hit.json.id)).size).toBe(target.hits.length);
      }
    } finally {
      await second.stop();
    }
  });
});
