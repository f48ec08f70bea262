import { Writable } from 'node:stream';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { Scheme } from '../../src/modules/programme/programme.enums';
import { parseAtom, type ParsedFeed } from '../support/atom';
import { idOf, Scenario } from '../support/scenario';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The Atom feed of the activity log: valid Atom 1.0 (parsed strictly and checked for what RFC 4287
 * requires), filtered like `activity(filter:)`, public events only for anonymous readers (drafts
 * never appear), a READ_ONLY token in the URL for an account's own view, caching headers, and the
 * token never in the log.
 */
let app: TestApp;
const log: string[] = [];
let ids: { kake: string; leader: string; lead: string; draftOrg: string };
const DRAFT_TITLE = 'Salainen luonnos Kuopion keskustassa';
const DRAFT_CODE = 'FEED-DRAFT-1';

beforeAll(async () => {
  const logTo = new Writable({ write: (chunk: Buffer, _encoding, done) => void (log.push(chunk.toString()), done()) });
  app = await startTestApp('empty', {}, { logTo, logLevel: 'info' });
  const s = new Scenario(app.orm);
  const kake = s.programme({ code: 'FEED-KAKE', scheme: Scheme.KAKE });
  const leader = s.programme({ code: 'FEED-LEADER', scheme: Scheme.LEADER });
  const lead = s.organisation({ name: 'Syötteen Yhdistys ry' });
  const draftOrg = s.organisation({ name: 'Luonnostelijat ry' });
  s.project({ programme: kake, code: 'FEED-KAKE-1', title: 'Kaupunkiviljely <Puijo> & "Pihat"', lead, locations: ['70100'] });
  s.project({ programme: leader, code: 'FEED-LEADER-1', title: 'Kylätalo kuntoon', lead, locations: ['71800'] });
  s.project({ programme: kake, code: DRAFT_CODE, title: DRAFT_TITLE, status: ProjectStatus.DRAFT, lead: draftOrg, locations: ['70100'] });
  await s.save();
  ids = { kake: idOf(kake), leader: idOf(leader), lead: idOf(lead), draftOrg: idOf(draftOrg) };
  // The log is read below the oldest running transaction of the whole PostgreSQL server, so a
  // suite writing in parallel on the same server holds events back for a moment: wait for ours.
  const until = Date.now() + 30_000;
  while (!(await feed()).body.includes('FEED-LEADER-1') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 200));
});
afterAll(() => app.close());

async function feed(query = '', headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers; feed?: ParsedFeed }> {
  const response = await fetch(`${app.url}/feeds/activity.atom${query}`, { headers });
  const body = await response.text();
  return { status: response.status, body, headers: response.headers, feed: response.status === 200 ? parseAtom(body) : undefined };
}

function events(parsed: ParsedFeed | undefined) {
  return parsed!.entries.map((entry) => JSON.parse(entry.content) as { id: string; type: string; schemes: string[]; postalCodes: string[]; programmes: string[]; organisations: string[]; payload: Record<string, unknown> });
}

describe('GET /feeds/activity.atom', () => {
  it('is valid Atom 1.0 with the public events, newest first, and never a draft', async () => {
    const { status, headers, body, feed: parsed } = await feed();
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(parsed!.id).toBe('tag:silta.invalid,2026:feed:activity');
    expect(parsed!.links).toEqual([{ rel: 'self', href: `${app.url}/feeds/activity.atom` }]);
    const list = events(parsed);
    expect(list.length).toBeGreaterThanOrEqual(4);
    expect(list.map((event) => Number(event.id))).toEqual([...list.map((event) => Number(event.id))].sort((a, b) => b - a));
    expect(parsed!.entries.map((entry) => entry.id)).toContain(`tag:silta.invalid,2026:activity-event:${list[0].id}`);
    const created = parsed!.entries.find((entry) => entry.title.startsWith('Project created: FEED-KAKE-1'))!;
    // Markup in a title is text, escaped, and comes back exactly.
    expect(created.title).toBe('Project created: FEED-KAKE-1 Kaupunkiviljely <Puijo> & "Pihat"');
    expect(created.categories).toEqual(['PROJECT_CREATED', 'KAKE']);
    expect(created.links[0].href).toMatch(new RegExp(`^${app.url}/graphql\\?query=`));
    expect(body).not.toContain(DRAFT_CODE);
    expect(body).not.toContain('Salainen');
    expect(body).not.toContain('Luonnostelijat');
  });

  it('gives stable entry IDs, an ETag and Last-Modified, and answers 304 when nothing changed', async () => {
    const first = await feed();
    const second = await feed();
    expect(second.feed!.entries.map((entry) => entry.id)).toEqual(first.feed!.entries.map((entry) => entry.id));
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(second.headers.get('etag')).toBe(etag);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    expect(new Date(first.headers.get('last-modified')!).getTime()).toBeGreaterThan(0);
    const notModified = await fetch(`${app.url}/feeds/activity.atom`, { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
  });

  it.each([
    ['?scheme=KAKE', (e: ReturnType<typeof events>[number]) => e.schemes.includes('KAKE')],
    ['?schemes=LEADER', (e: ReturnType<typeof events>[number]) => e.schemes.includes('LEADER')],
    ['?kinds=PROJECT_CREATED,PARTICIPANT_ADDED', (e: ReturnType<typeof events>[number]) => ['PROJECT_CREATED', 'PARTICIPANT_ADDED'].includes(e.type)],
    ['?kind=PROJECT_UPDATED&kind=PROJECT_CREATED&postalCode=71800', (e: ReturnType<typeof events>[number]) => ['PROJECT_UPDATED', 'PROJECT_CREATED'].includes(e.type) && e.postalCodes.includes('71800')],
  ])('filters: %s', async (query, holds) => {
    const { status, feed: parsed, body } = await feed(query);
    expect(status).toBe(200);
    const list = events(parsed);
    expect(list.length).toBeGreaterThan(0);
    expect(list.every(holds)).toBe(true);
    expect(body).not.toContain(DRAFT_CODE);
  });

  it('filters by programme and organisation IDs, and nothing crosses the divide here', async () => {
    const byProgramme = events((await feed(`?programme=${ids.leader}`)).feed);
    expect(byProgramme.length).toBeGreaterThan(0);
    expect(byProgramme.every((event) => event.programmes.includes(ids.leader))).toBe(true);
    const byOrganisation = events((await feed(`?organisations=${ids.lead}`)).feed);
    expect(byOrganisation.length).toBeGreaterThan(0);
    expect(byOrganisation.every((event) => event.organisations.includes(ids.lead))).toBe(true);
    expect((await feed(`?organisation=${ids.draftOrg}`)).feed!.entries).toEqual([]);
    expect((await feed('?crossDivideOnly=true')).feed!.entries).toEqual([]);
  });

  it.each([
    ['?kinds=PROJECT_EXPLODED', /kinds\[0\]: "PROJECT_EXPLODED" is not an activity kind/],
    ['?scheme=URBAN', /schemes\[0\]: "URBAN" is not a scheme/],
    ['?programme=bm90LWFuLWlk', /programmes\[0\]: "bm90LWFuLWlk" is not a Programme ID/],
    ['?postalCode=701', /postalCodes\[0\]: A postal code has five digits/],
    ['?crossDivideOnly=maybe', /crossDivideOnly is true or false/],
    ['?shceme=KAKE', /Unknown parameter "shceme"/],
  ])('refuses %s with 400 and says why', async (query, message) => {
    const { status, body, headers } = await feed(query);
    expect(status).toBe(400);
    expect(headers.get('content-type')).toMatch(/^text\/plain/);
    expect(body).toMatch(message);
  });

  it('shows an account its drafts with a READ_ONLY token, and refuses other tokens in the URL', async () => {
    const [draftOrgId] = await app.sql<{ id: number }>(`select id from organisation where name = 'Luonnostelijat ry'`);
    const readOnly = await app.signIn({ memberOf: [draftOrgId.id], readOnly: true });
    const readWrite = await app.signIn({ memberOf: [draftOrgId.id] });

    const own = await feed(`?token=${readOnly}&scheme=KAKE`);
    expect(own.status).toBe(200);
    expect(own.body).toContain(DRAFT_TITLE);
    expect(own.headers.get('cache-control')).toBe('private, max-age=60');
    // The self link does not repeat the token.
    expect(own.feed!.links[0].href).toBe(`${app.url}/feeds/activity.atom?scheme=KAKE`);

    const refused = await feed(`?token=${readWrite}`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/must be a READ_ONLY API token/);
    expect((await feed(`?token=silta_${'x'.repeat(43)}`)).status).toBe(401);
    // In the Authorization header, as on /graphql, any token will do.
    const header = await feed('', { authorization: `Bearer ${readWrite}` });
    expect(header.status).toBe(200);
    expect(header.body).toContain(DRAFT_TITLE);

    await new Promise((resolve) => setTimeout(resolve, 50));
    const written = log.join('');
    expect(written).toContain('/feeds/activity.atom?token=');
    for (const token of [readOnly, readWrite]) expect(written).not.toContain(token.slice(6));
  });
});
