import { Client } from 'pg';
import { Scheme } from '../../src/modules/programme/programme.enums';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app';

/**
 * Posts over HTTP: each kind's fields and userErrors, who may write, who reads what (row-level
 * security), the activity events that publishing, editing and withdrawing append (and who reads
 * them), and partner-search matching across the divide.
 */
let app: TestApp;
const ids = {} as Record<string, number>;
const gids = {} as Record<string, string>;
const tokens = {} as Record<string, string | undefined>;

const CREATE = `mutation($input: CreatePostInput!) { createPost(input: $input) {
  post { id kind visibility status title version themes { code } areas { postalCode } links closesOn opensOn startsAt endsAt eventArea { postalCode } }
  userErrors { field code message } } }`;
const UPDATE = `mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { id title version themes { code } } userErrors { field code message } } }`;
const WITHDRAW = `mutation($input: WithdrawPostInput!) { withdrawPost(input: $input) { post { id status withdrawnAt version } userErrors { field code message } } }`;
const LIST = `query($filter: PostFilter) { posts(first: 100, filter: $filter) { totalCount nodes { id title } } }`;

function create(token: string | undefined, input: Record<string, unknown>): Promise<GraphQLResponse> {
  return app.gql(CREATE, { input: { organisation: gids.kakeOrg, visibility: 'PUBLIC', title: 'Otsikko', body: 'Teksti', ...input } }, { token });
}

async function created(token: string | undefined, input: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const payload = dataOf(await create(token, input)).createPost;
  expect(payload.userErrors).toEqual([]);
  return payload.post;
}

async function titles(token: string | undefined, filter: Record<string, unknown> = {}): Promise<string[]> {
  const data = dataOf(await app.gql(LIST, { filter }, { token }));
  expect(data.posts.totalCount).toBe(data.posts.nodes.length);
  return data.posts.nodes.map((node: { title: string }) => node.title);
}

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const kake = s.programme({ code: 'PO-KAKE', scheme: Scheme.KAKE });
  const leader = s.programme({ code: 'PO-LEADER', scheme: Scheme.LEADER });
  const kakeOrg = s.organisation({ name: 'Kaupunkilaiset ry', postalCode: '70100' });
  const otherKakeOrg = s.organisation({ name: 'Toinen kaupunkiyhdistys ry' });
  // Leader side: one fits by theme and area and has worked with the author, one by theme only, one not at all.
  const bestFit = s.organisation({ name: 'Maaseudun nuoret ry' });
  const themeFit = s.organisation({ name: 'Kylätoimikunta ry' });
  const noFit = s.organisation({ name: 'Metsästysseura ry' });
  const kakeProject = s.project({ programme: kake, code: 'PO-K1', lead: kakeOrg, themes: ['YOUTH_PARTICIPATION'], locations: ['70100'] });
  s.project({ programme: leader, code: 'PO-L1', lead: bestFit, partners: [kakeOrg], themes: ['YOUTH_PARTICIPATION'], locations: ['70100'] });
  s.project({ programme: leader, code: 'PO-L2', lead: themeFit, themes: ['YOUTH_PARTICIPATION'], locations: ['73100'] });
  s.project({ programme: leader, code: 'PO-L3', lead: noFit, themes: [], locations: [] });
  const draft = s.project({ programme: kake, code: 'PO-DRAFT', lead: kakeOrg, status: ProjectStatus.DRAFT });
  await s.save();
  for (const [name, entity] of Object.entries({ kake, leader, kakeOrg, otherKakeOrg, bestFit, themeFit, noFit, kakeProject, draft })) {
    ids[name] = entity.id;
    gids[name] = idOf(entity);
  }
  tokens.anonymous = undefined;
  tokens.member = await app.signIn({ name: 'Jäsen', memberOf: [kakeOrg.id] });
  tokens.unverified = await app.signIn({ name: 'Vahvistamaton', unverifiedMemberOf: [kakeOrg.id] });
  tokens.otherPartner = await app.signIn({ name: 'Toisen jäsen', memberOf: [otherKakeOrg.id] });
  tokens.unverifiedOther = await app.signIn({ name: 'Toisen vahvistamaton', unverifiedMemberOf: [otherKakeOrg.id] });
  tokens.kakeCoordinator = await app.signIn({ name: 'Kake-koordinaattori', coordinatorOf: [kake.id] });
  tokens.leaderCoordinator = await app.signIn({ name: 'Leader-koordinaattori', coordinatorOf: [leader.id] });
  tokens.analyst = await app.signIn({ name: 'Analyytikko', analyst: true });
  tokens.admin = await app.signIn({ name: 'Ylläpitäjä', admin: true });
  tokens.readOnly = await app.signIn({ name: 'Lukija', memberOf: [kakeOrg.id], readOnly: true });
});
afterAll(() => app?.close());

describe('each kind', () => {
  it('publishes every kind with its own fields', async () => {
    const news = await created(tokens.member, { kind: 'NEWS', title: 'Uutinen', themes: ['YOUTH_PARTICIPATION'], areas: ['70100'] });
    expect(news).toMatchObject({ kind: 'NEWS', status: 'PUBLISHED', version: 1, themes: [{ code: 'YOUTH_PARTICIPATION' }], areas: [{ postalCode: '70100' }] });
    const event = await created(tokens.member, { kind: 'EVENT', title: 'Tapahtuma', startsAt: '2030-05-01T15:00:00.000Z', endsAt: '2030-05-01T18:00:00.000Z', place: 'Puijon maja', postalCode: '70100' });
    expect(event).toMatchObject({ startsAt: '2030-05-01T15:00:00.000Z', eventArea: { postalCode: '70100' } });
    const search = await created(tokens.member, { kind: 'PARTNER_SEARCH', title: 'Haku', partnerSought: 'Maaseudun nuorisoyhdistys', roleWanted: 'PARTNER', closesOn: '2099-01-31' });
    expect(search).toMatchObject({ closesOn: '2099-01-31' });
    const result = await created(tokens.member, { kind: 'RESULT', title: 'Tulos', project: gids.kakeProject, outcomes: 'Kolme nuorisotilaa', links: ['https://example.fi/raportti.pdf'] });
    expect(result).toMatchObject({ links: ['https://example.fi/raportti.pdf'] });
    const call = await created(tokens.kakeCoordinator, { kind: 'CALL', title: 'Haku auki', programme: gids.kake, opensOn: '2030-01-01', closesOn: '2030-02-28', eligibleApplicants: 'Rekisteröidyt yhdistykset' });
    expect(call).toMatchObject({ opensOn: '2030-01-01', closesOn: '2030-02-28' });
  });

  it.each<[string, Record<string, unknown>, [string, string][]]>([
    ['an EVENT without a start, ending before it starts elsewhere', { kind: 'EVENT', endsAt: '2030-01-01T00:00:00.000Z' }, [['input.startsAt', 'REQUIRED']]],
    ['an EVENT that ends before it starts', { kind: 'EVENT', startsAt: '2030-01-02T00:00:00.000Z', endsAt: '2030-01-01T00:00:00.000Z' }, [['input.endsAt', 'END_BEFORE_START']]],
    ['an EVENT at an unknown postal code', { kind: 'EVENT', startsAt: '2030-01-02T00:00:00.000Z', postalCode: '00001' }, [['input.postalCode', 'UNKNOWN_POSTAL_CODE']]],
    ['a PARTNER_SEARCH without what is sought or a closing date', { kind: 'PARTNER_SEARCH' }, [['input.partnerSought', 'REQUIRED'], ['input.closesOn', 'REQUIRED']]],
    ['a RESULT with a link that is not http(s)', { kind: 'RESULT', outcomes: 'x', links: ['ftp://example.fi/x'] }, [['input.links[0]', 'INVALID_URL']]],
    ['a RESULT without outcomes', { kind: 'RESULT' }, [['input.outcomes', 'REQUIRED']]],
    ['a NEWS post with an EVENT field', { kind: 'NEWS', place: 'Tori' }, [['input.place', 'INVALID_VALUE']]],
    ['a blank title and a too long body', { kind: 'NEWS', title: ' ', body: 'x'.repeat(10_001) }, [['input.title', 'REQUIRED'], ['input.body', 'TOO_LONG']]],
    ['an unknown theme and area', { kind: 'NEWS', themes: ['NO_SUCH_THEME'], areas: ['00001'] }, [['input.themes[0]', 'INVALID_VALUE'], ['input.areas[0]', 'UNKNOWN_POSTAL_CODE']]],
    ['a post about a hidden draft of another organisation', { kind: 'NEWS', organisation: 'OTHER', project: 'DRAFT' }, [['input.project', 'NOT_FOUND']]],
  ])('refuses %s with typed userErrors and writes nothing', async (_, input, expected) => {
    const token = input.organisation === 'OTHER' ? tokens.otherPartner : tokens.member;
    const resolved = { ...input, ...(input.organisation === 'OTHER' ? { organisation: gids.otherKakeOrg } : {}), ...(input.project === 'DRAFT' ? { project: gids.draft } : {}) };
    const before = await app.sql<{ n: string }>('select count(*) as n from post');
    const payload = dataOf(await create(token, resolved)).createPost;
    expect(payload.post).toBeNull();
    expect(payload.userErrors.map((error: { field: string; code: string }) => [error.field, error.code])).toEqual(expected);
    expect(await app.sql('select count(*) as n from post')).toEqual(before);
  });

  it('refuses a CALL that closes before it opens and one without a programme', async () => {
    const early = dataOf(await create(tokens.kakeCoordinator, { kind: 'CALL', programme: gids.kake, opensOn: '2030-02-01', closesOn: '2030-01-01', eligibleApplicants: 'x' })).createPost;
    expect(early.userErrors.map((error: { field: string; code: string }) => [error.field, error.code])).toEqual([['input.closesOn', 'END_BEFORE_START']]);
    const admin = dataOf(await create(tokens.admin, { kind: 'CALL', opensOn: '2030-01-01', closesOn: '2030-02-01', eligibleApplicants: 'x' })).createPost;
    expect(admin.userErrors.map((error: { field: string; code: string }) => [error.field, error.code])).toEqual([['input.programme', 'REQUIRED']]);
  });

  it('updates with expectedVersion, replaces themes, and refuses a stale version and a withdrawn post', async () => {
    const post = await created(tokens.member, { kind: 'NEWS', title: 'Muokattava' });
    const updated = dataOf(await app.gql(UPDATE, { input: { id: post.id, expectedVersion: 1, title: 'Muokattu', themes: ['YOUTH_PARTICIPATION'] } }, { token: tokens.member })).updatePost;
    expect(updated).toMatchObject({ userErrors: [], post: { title: 'Muokattu', version: 2, themes: [{ code: 'YOUTH_PARTICIPATION' }] } });
    const stale = dataOf(await app.gql(UPDATE, { input: { id: post.id, expectedVersion: 1, title: 'Vanha' } }, { token: tokens.member })).updatePost;
    expect(stale.userErrors[0].code).toBe('VERSION_CONFLICT');
    const withdrawn = dataOf(await app.gql(WITHDRAW, { input: { id: post.id, expectedVersion: 2 } }, { token: tokens.member })).withdrawPost;
    expect(withdrawn).toMatchObject({ userErrors: [], post: { status: 'WITHDRAWN', version: 3 } });
    const again = dataOf(await app.gql(UPDATE, { input: { id: post.id, title: 'Myöhässä' } }, { token: tokens.member })).updatePost;
    expect(again.userErrors[0].code).toBe('INVALID_TRANSITION');
    // Audited like every change.
    const audit = await app.sql<{ operation: string }>(`select operation from audit_event where entity_type = 'Post' and entity_id = ? order by id`, [String(Number(Buffer.from(post.id, 'base64url').toString().split(':')[1]))]);
    expect(audit.map((row) => row.operation)).toEqual(['createPost', 'updatePost', 'withdrawPost']);
  });

  it('replays a create with the same idempotency key and refuses it with another input', async () => {
    const first = await created(tokens.member, { kind: 'NEWS', title: 'Kerran', idempotencyKey: 'po-key-1' });
    const again = await created(tokens.member, { kind: 'NEWS', title: 'Kerran', idempotencyKey: 'po-key-1' });
    expect(again.id).toBe(first.id);
    const other = dataOf(await create(tokens.member, { kind: 'NEWS', title: 'Toisen', idempotencyKey: 'po-key-1' })).createPost;
    expect(other.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('who may write', () => {
  it.each<[string, string, string | null]>([
    ['anonymous', 'NEWS', 'UNAUTHENTICATED'],
    ['readOnly', 'NEWS', 'FORBIDDEN'],
    ['member', 'NEWS', null],
    ['unverified', 'NEWS', 'FORBIDDEN'],
    ['otherPartner', 'NEWS', 'FORBIDDEN'],
    ['kakeCoordinator', 'NEWS', 'FORBIDDEN'],
    ['analyst', 'NEWS', 'FORBIDDEN'],
    ['admin', 'NEWS', null],
    ['member', 'CALL', 'FORBIDDEN'],
    ['kakeCoordinator', 'CALL', null],
    ['leaderCoordinator', 'CALL', 'FORBIDDEN'],
    ['admin', 'CALL', null],
  ])('%s publishing a %s: %s', async (viewer, kind, code) => {
    const extra = kind === 'CALL' ? { programme: gids.kake, opensOn: '2030-01-01', closesOn: '2030-02-01', eligibleApplicants: 'x' } : {};
    const response = await create(tokens[viewer], { kind, ...extra });
    if (code) {
      expect(response.errors?.[0]?.extensions?.code).toBe(code);
    } else {
      expect(dataOf(response).createPost.userErrors).toEqual([]);
    }
  });

  it('lets only the author’s verified members and admins edit and withdraw', async () => {
    const post = await created(tokens.member, { kind: 'NEWS', title: 'Oma' });
    for (const viewer of ['otherPartner', 'unverified', 'kakeCoordinator', 'analyst']) {
      expect((await app.gql(UPDATE, { input: { id: post.id, title: 'Vieras' } }, { token: tokens[viewer] })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await app.gql(WITHDRAW, { input: { id: post.id } }, { token: tokens[viewer] })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(dataOf(await app.gql(UPDATE, { input: { id: post.id, title: 'Ylläpidon' } }, { token: tokens.admin })).updatePost.userErrors).toEqual([]);
  });
});

describe('who reads what', () => {
  beforeAll(async () => {
    await created(tokens.member, { kind: 'NEWS', title: 'V-PUBLIC', visibility: 'PUBLIC' });
    await created(tokens.member, { kind: 'NEWS', title: 'V-PARTNERS', visibility: 'PARTNERS' });
    await created(tokens.member, { kind: 'NEWS', title: 'V-COORDINATORS', visibility: 'COORDINATORS' });
    // About a draft: only those who see the draft see the post, whatever its visibility.
    await created(tokens.member, { kind: 'NEWS', title: 'V-DRAFT', visibility: 'PUBLIC', project: gids.draft });
  });

  it.each<[string, string[]]>([
    ['anonymous', ['V-PUBLIC']],
    ['unverifiedOther', ['V-PUBLIC']],
    ['otherPartner', ['V-PUBLIC', 'V-PARTNERS']],
    // The author's members see all of their own, unverified ones included.
    ['unverified', ['V-PUBLIC', 'V-PARTNERS', 'V-COORDINATORS', 'V-DRAFT']],
    ['member', ['V-PUBLIC', 'V-PARTNERS', 'V-COORDINATORS', 'V-DRAFT']],
    ['leaderCoordinator', ['V-PUBLIC', 'V-PARTNERS', 'V-COORDINATORS']],
    ['kakeCoordinator', ['V-PUBLIC', 'V-PARTNERS', 'V-COORDINATORS', 'V-DRAFT']],
    ['analyst', ['V-PUBLIC', 'V-PARTNERS', 'V-COORDINATORS', 'V-DRAFT']],
  ])('%s sees %p, in posts, counts and node(id:)', async (viewer, expected) => {
    const all = (await titles(tokens[viewer])).filter((title) => title.startsWith('V-'));
    expect([...all].sort()).toEqual([...expected].sort());
    const rows = await app.sql<{ id: number; title: string }>(`select id, title from post where title like 'V-%'`);
    const nodes = dataOf(await app.gql('query($ids: [ID!]!) { nodes(ids: $ids) { ... on Post { title } } }', { ids: rows.map((row) => `${Buffer.from(`Post:${row.id}`).toString('base64url')}`) }, { token: tokens[viewer] }));
    expect(nodes.nodes.filter(Boolean).map((node: { title: string }) => node.title).sort()).toEqual([...expected].sort());
  });

  it('filters by kind, organisation, scheme, theme, postal code, openOn and status', async () => {
    const token = tokens.admin;
    expect(await titles(token, { kinds: ['CALL'] })).not.toContain('V-PUBLIC');
    expect(await titles(token, { organisations: [gids.otherKakeOrg] })).toEqual([]);
    // A post about a Kake project is on the Kake side; one about nothing is on its author's sides (here both).
    expect(await titles(token, { kinds: ['RESULT'], schemes: ['LEADER'] })).toEqual([]);
    expect(await titles(token, { kinds: ['RESULT'], schemes: ['KAKE'] })).toEqual(['Tulos']);
    expect(await titles(token, { kinds: ['PARTNER_SEARCH'], schemes: ['LEADER'] })).toContain('Haku');
    expect(await titles(token, { themes: ['YOUTH_PARTICIPATION'], kinds: ['NEWS'] })).toContain('Uutinen');
    expect(await titles(token, { postalCodes: ['70100'], kinds: ['EVENT'] })).toContain('Tapahtuma');
    expect(await titles(token, { openOn: '2030-05-01', kinds: ['EVENT'] })).toContain('Tapahtuma');
    expect(await titles(token, { openOn: '2030-05-02', kinds: ['EVENT'] })).not.toContain('Tapahtuma');
    expect(await titles(token, { openOn: '2030-02-15', kinds: ['CALL'] })).toContain('Haku auki');
    expect(await titles(token, { openOn: '2030-03-01', kinds: ['CALL'] })).not.toContain('Haku auki');
    expect(await titles(token, { status: ['WITHDRAWN'] })).toContain('Muokattu');
    expect(await titles(token)).not.toContain('Muokattu');
    const bad = await app.gql(LIST, { filter: { postalCodes: ['7010'] } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('activity events', () => {
  /** Post events as the serving role sees them with the viewer's settings (row-level security). */
  async function visibleEvents(postId: number, viewer: { organisations?: number[]; verified?: number[]; programmes?: number[]; seesAll?: boolean }): Promise<string[]> {
    const client = new Client({ connectionString: app.servingUrl });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(
        `select set_config('silta.organisations', $1, true), set_config('silta.verified_organisations', $2, true),
                set_config('silta.programmes', $3, true), set_config('silta.sees_all', $4, true)`,
        [`{${viewer.organisations ?? []}}`, `{${viewer.verified ?? []}}`, `{${viewer.programmes ?? []}}`, viewer.seesAll ? 'on' : 'off'],
      );
      const { rows } = await client.query<{ type: string }>('select type from activity_event where post_id = $1 order by xid, id', [postId]);
      await client.query('rollback');
      return rows.map((row) => row.type);
    } finally {
      await client.end();
    }
  }

  it('appends POST_PUBLISHED, POST_UPDATED and POST_WITHDRAWN with the context, seen only by those who see the post', async () => {
    const post = await created(tokens.member, { kind: 'PARTNER_SEARCH', title: 'Tapahtumaloki', visibility: 'COORDINATORS', partnerSought: 'x', closesOn: '2099-12-31', areas: ['70100'], project: gids.kakeProject });
    const key = Number(Buffer.from(post.id, 'base64url').toString().split(':')[1]);
    dataOf(await app.gql(UPDATE, { input: { id: post.id, title: 'Tapahtumaloki 2', themes: ['YOUTH_PARTICIPATION'] } }, { token: tokens.member }));
    dataOf(await app.gql(WITHDRAW, { input: { id: post.id } }, { token: tokens.member }));
    const events = await app.sql<{ type: string; project_ids: number[]; programme_ids: number[]; schemes: string[]; postal_codes: string[]; organisation_ids: number[]; payload: { fields?: string[] } }>(
      'select type, project_ids, programme_ids, schemes, postal_codes, organisation_ids, payload from activity_event where post_id = ? order by xid, id',
      [key],
    );
    expect(events.map((event) => event.type)).toEqual(['POST_PUBLISHED', 'POST_UPDATED', 'POST_WITHDRAWN']);
    expect(events[0]).toMatchObject({ project_ids: [ids.kakeProject], programme_ids: [ids.kake], schemes: ['KAKE'], postal_codes: ['70100'], organisation_ids: [ids.kakeOrg] });
    // One update event, with both the column and the set that changed.
    expect(events[1].payload.fields).toEqual(['themes', 'title']);
    expect(await visibleEvents(key, {})).toEqual([]);
    expect(await visibleEvents(key, { organisations: [ids.otherKakeOrg], verified: [ids.otherKakeOrg] })).toEqual([]);
    expect(await visibleEvents(key, { programmes: [ids.leader] })).toEqual(['POST_PUBLISHED', 'POST_UPDATED', 'POST_WITHDRAWN']);
    expect(await visibleEvents(key, { organisations: [ids.kakeOrg] })).toHaveLength(3);
  });

  it('writes nothing while the activity log is switched off for the transaction', async () => {
    const [{ n: before }] = await app.sql<{ n: string }>('select count(*) as n from activity_event');
    await app.sql(`do $$ begin perform set_config('silta.activity_log', 'off', true); update post set title = title || '!' where kind = 'NEWS'; end $$`);
    const [{ n: after }] = await app.sql<{ n: string }>('select count(*) as n from activity_event');
    expect(after).toBe(before);
  });
});

describe('partner-search matching', () => {
  it('ranks organisations across the divide by themes, area and past cooperation, with reasons', async () => {
    const post = await created(tokens.member, { kind: 'PARTNER_SEARCH', title: 'Nuorisokumppani', partnerSought: 'Nuorisotyö maaseudulla', closesOn: '2099-12-31', themes: ['YOUTH_PARTICIPATION'], areas: ['70100'] });
    const data = dataOf(await app.gql(`query($id: ID!) { node(id: $id) { ... on Post { matchingOrganisations(first: 10) { organisation { name } score reasons } } } }`, { id: post.id }));
    const matches = data.node.matchingOrganisations as { organisation: { name: string }; score: number; reasons: string[] }[];
    expect(matches.map((match) => match.organisation.name)).toEqual(['Maaseudun nuoret ry', 'Kylätoimikunta ry']);
    // Themes 0.5 + postal area 0.3 + one project together 0.1 (two would make 0.2).
    expect(matches[0].score).toBe(0.9);
    expect(matches[0].reasons).toEqual(['shared themes: YOUTH_PARTICIPATION', 'works in the same postal areas: 70100', '1 project together with Kaupunkilaiset ry']);
    expect(matches[1]).toMatchObject({ score: 0.5, reasons: ['shared themes: YOUTH_PARTICIPATION'] });
    // The Leader organisation is offered the Kake search.
    const offered = dataOf(await app.gql(`query($id: ID!) { node(id: $id) { ... on Organisation { matchingPartnerSearches(first: 50) { post { title } score } } } }`, { id: gids.bestFit }));
    expect(offered.node.matchingPartnerSearches.map((match: { post: { title: string } }) => match.post.title)).toContain('Nuorisokumppani');
    // The author's own side gets no suggestion of its own search.
    const own = dataOf(await app.gql(`query($id: ID!) { node(id: $id) { ... on Organisation { matchingPartnerSearches(first: 50) { post { title } } } } }`, { id: gids.otherKakeOrg }));
    expect(own.node.matchingPartnerSearches).toEqual([]);
  });
});
