import { Scheme } from '../../src/modules/programme/programme.enums';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app';

/**
 * The overlap API over HTTP, on findings the test inserts as the database owner (the engine is not
 * involved): who sees which finding (row-level security), filters, paging, summaries, and reviews.
 */
let app: TestApp;
const ids = {} as Record<string, number>;
const gids = {} as Record<string, string>;
const tokens = {} as Record<string, string | undefined>;

/** Inserts a finding between two projects (lower ID first, as the table requires) and returns its key. */
async function insertFinding(p: number, q: number, kind: string, score: number, crossesDivide: boolean, signals: unknown[] = []): Promise<number> {
  const [a, b] = [p, q].sort((x, y) => x - y);
  const [row] = await app.sql<{ id: number }>(
    'insert into overlap (project_a_id, project_b_id, kind, score, crosses_divide, signals) values (?, ?, ?, ?, ?, ?::jsonb) returning id',
    [a, b, kind, score, crossesDivide, JSON.stringify(signals)],
  );
  return row.id;
}

const LIST = `query($filter: OverlapFilter, $first: Int, $after: String) { overlaps(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id kind score status } } } }`;
const SUMMARY = `query($filter: OverlapSummaryFilter) { overlapSummary(filter: $filter) { kind open confirmed dismissed synergy total } }`;
const REVIEW = `mutation($input: ReviewOverlapInput!) { reviewOverlap(input: $input) {
  overlap { id status review { status note version } } review { id status note reviewerName version } userErrors { field code message } } }`;

async function listed(token: string | undefined, filter: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<string[]> {
  const data = dataOf(await app.gql(LIST, { filter, first: 100, ...extra }, { token }));
  expect(data.overlaps.totalCount).toBe(data.overlaps.edges.length);
  return data.overlaps.edges.map((edge: { node: { id: string } }) => edge.node.id);
}

const f = (...names: string[]): string[] => names.map((name) => gids[name]);

function review(token: string | undefined, input: Record<string, unknown>): Promise<GraphQLResponse> {
  return app.gql(REVIEW, { input }, { token });
}

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const kake = s.programme({ code: 'OV-KAKE', scheme: Scheme.KAKE });
  const leader = s.programme({ code: 'OV-LEADER', scheme: Scheme.LEADER });
  const unrelated = s.programme({ code: 'OV-OTHER', scheme: Scheme.KAKE });
  const orgA = s.organisation({ name: 'Alfa ry' });
  const orgB = s.organisation({ name: 'Beeta ry' });
  const orgC = s.organisation({ name: 'Gamma ry' });
  const orgD = s.organisation({ name: 'Delta ry' });
  const projects = {
    // The Leader project is created first, so that the Kake-first order of a cross-divide pair is the API's doing.
    pL1: s.project({ programme: leader, code: 'OV-L1', lead: orgB }),
    pK1: s.project({ programme: kake, code: 'OV-K1', lead: orgA }),
    pK2: s.project({ programme: kake, code: 'OV-K2', lead: orgA }),
    pL2: s.project({ programme: leader, code: 'OV-L2', lead: orgC }),
    pX1: s.project({ programme: unrelated, code: 'OV-X1', lead: orgD }),
    // A draft of another organisation, in the Leader programme: hidden from the Kake coordinator.
    pDraft: s.project({ programme: leader, code: 'OV-DRAFT', lead: orgD, status: ProjectStatus.DRAFT }),
  };
  await s.save();
  for (const [name, project] of Object.entries(projects)) {
    ids[name] = project.id;
    gids[name] = idOf(project);
  }
  for (const [name, entity] of Object.entries({ kake, leader, unrelated, orgA, orgB, orgC, orgD })) {
    ids[name] = entity.id;
    gids[name] = idOf(entity);
  }
  const signals = [
    { kind: 'PERIOD_OVERLAP', score: 0.5, evidence: 'periods overlap 2019-01-01 – 2019-12-31', period: { start: '2019-01-01', end: '2019-12-31' } },
    { kind: 'SAME_ORGANISATION', score: 1, evidence: 'shared organisation Alfa ry', organisationIds: [orgA.id] },
    { kind: 'SAME_AREA', score: 0.6, evidence: 'shared postal area 70100', postalCodes: ['70100'] },
  ];
  const findings: [string, number, number, string, number, boolean][] = [
    ['f1', ids.pK1, ids.pL1, 'DOUBLE_FUNDING_RISK', 0.9, true],
    ['f4', ids.pK1, ids.pDraft, 'DUPLICATION_RISK', 0.8, true],
    ['f2', ids.pK1, ids.pL2, 'SYNERGY', 0.7, true],
    ['f3', ids.pK1, ids.pK2, 'SAME_ORGANISATION', 0.5, false],
    ['f5', ids.pL1, ids.pL2, 'SHARED_PARTNER', 0.4, false],
  ];
  for (const [name, p, q, kind, score, crosses] of findings) {
    ids[name] = await insertFinding(p, q, kind, score, crosses, name === 'f1' ? signals : []);
    gids[name] = toGlobalId('Overlap', ids[name]);
  }
  tokens.anonymous = undefined;
  tokens.partnerA = await app.signIn({ name: 'Alfan jäsen', memberOf: [orgA.id] });
  tokens.partnerB = await app.signIn({ name: 'Beetan jäsen', memberOf: [orgB.id] });
  tokens.partnerC = await app.signIn({ name: 'Gamman jäsen', memberOf: [orgC.id] });
  tokens.kakeCoordinator = await app.signIn({ name: 'Kake-koordinaattori', coordinatorOf: [kake.id] });
  tokens.leaderCoordinator = await app.signIn({ name: 'Leader-koordinaattori', coordinatorOf: [leader.id] });
  tokens.otherCoordinator = await app.signIn({ name: 'Muu koordinaattori', coordinatorOf: [unrelated.id] });
  tokens.analyst = await app.signIn({ name: 'Analyytikko', analyst: true });
  tokens.admin = await app.signIn({ name: 'Ylläpitäjä', admin: true });
});
afterAll(() => app?.close());

describe('who sees which finding', () => {
  it.each<[string, string[]]>([
    ['anonymous', []],
    // Partners: only SYNERGY findings involving their own organisation's projects.
    ['partnerA', ['f2']],
    ['partnerC', ['f2']],
    ['partnerB', []],
    // Coordinators of either programme; never a finding with a project they may not see (the Leader draft).
    ['kakeCoordinator', ['f1', 'f2', 'f3']],
    ['leaderCoordinator', ['f1', 'f4', 'f2', 'f5']],
    ['otherCoordinator', []],
    ['analyst', ['f1', 'f4', 'f2', 'f3', 'f5']],
    ['admin', ['f1', 'f4', 'f2', 'f3', 'f5']],
  ])('%s sees %p, by score, in overlaps, Project.overlaps, node(id:) and the summary', async (viewer, expected) => {
    const token = tokens[viewer];
    expect(await listed(token)).toEqual(f(...expected));
    const nodes = dataOf(await app.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: f('f1', 'f2', 'f3', 'f4', 'f5') }, { token }));
    expect(nodes.nodes.filter(Boolean).map((node: { id: string }) => node.id).sort()).toEqual(f(...expected).sort());
    const summary = dataOf(await app.gql(SUMMARY, {}, { token })).overlapSummary as { total: number; open: number }[];
    expect(summary.reduce((sum, row) => sum + row.total, 0)).toBe(expected.length);
    expect(summary.reduce((sum, row) => sum + row.open, 0)).toBe(expected.length);
    // pK1 is in f1–f4; a viewer who may not see the draft does not see pK1's finding with it.
    const k1 = dataOf(await app.gql('query($id: ID!) { node(id: $id) { ... on Project { overlaps(first: 10) { totalCount nodes { id } } } } }', { id: gids.pK1 }, { token }));
    const ofK1 = f(...expected.filter((name) => ['f1', 'f2', 'f3', 'f4'].includes(name)));
    expect(k1.node.overlaps.nodes.map((node: { id: string }) => node.id)).toEqual(ofK1);
    expect(k1.node.overlaps.totalCount).toBe(ofK1.length);
  });

  it('never shows, counts or resolves a finding with a hidden draft for a coordinator of the other programme', async () => {
    const token = tokens.kakeCoordinator;
    const summary = dataOf(await app.gql(SUMMARY, { filter: { kinds: ['DUPLICATION_RISK'] } }, { token })).overlapSummary;
    expect(summary.find((row: { kind: string }) => row.kind === 'DUPLICATION_RISK')).toEqual({ kind: 'DUPLICATION_RISK', open: 0, confirmed: 0, dismissed: 0, synergy: 0, total: 0 });
    const missing = toGlobalId('Overlap', 999_999);
    const seen = await app.gql('query($id: ID!) { node(id: $id) { id } }', { id: gids.f4 }, { token });
    const nothing = await app.gql('query($id: ID!) { node(id: $id) { id } }', { id: missing }, { token });
    expect(seen.data).toEqual({ node: null });
    expect(seen.data).toEqual(nothing.data);
    // The Leader coordinator (the draft's programme) and an analyst do count it.
    for (const viewer of ['leaderCoordinator', 'analyst']) {
      const counted = dataOf(await app.gql(SUMMARY, { filter: { kinds: ['DUPLICATION_RISK'] } }, { token: tokens[viewer] })).overlapSummary;
      expect(counted.find((row: { kind: string }) => row.kind === 'DUPLICATION_RISK').total).toBe(1);
    }
  });

  it('explains a finding: both projects (Kake first across the divide), signals with organisations, areas and periods', async () => {
    const data = dataOf(
      await app.gql(
        `query($id: ID!) { node(id: $id) { ... on Overlap { id kind score crossesDivide status review { id } computedAt createdAt updatedAt
          projects { code } signals { kind score evidence organisations { name } postalAreas { postalCode } period { start end } } } } }`,
        { id: gids.f1 },
        { token: tokens.kakeCoordinator },
      ),
    );
    expect(data.node).toMatchObject({ id: gids.f1, kind: 'DOUBLE_FUNDING_RISK', score: 0.9, crossesDivide: true, status: 'OPEN', review: null });
    // pL1 has the lower ID, but the Kake project comes first.
    expect(data.node.projects.map((p: { code: string }) => p.code)).toEqual(['OV-K1', 'OV-L1']);
    expect(data.node.signals).toEqual([
      { kind: 'SAME_ORGANISATION', score: 1, evidence: 'shared organisation Alfa ry', organisations: [{ name: 'Alfa ry' }], postalAreas: [], period: null },
      { kind: 'SAME_AREA', score: 0.6, evidence: 'shared postal area 70100', organisations: [], postalAreas: [{ postalCode: '70100' }], period: null },
      { kind: 'PERIOD_OVERLAP', score: 0.5, evidence: 'periods overlap 2019-01-01 – 2019-12-31', organisations: [], postalAreas: [], period: { start: '2019-01-01', end: '2019-12-31' } },
    ]);
    // Not across the divide: the lower ID first.
    const f5 = dataOf(await app.gql('query($id: ID!) { node(id: $id) { ... on Overlap { projects { code } } } }', { id: gids.f5 }, { token: tokens.analyst }));
    expect(f5.node.projects.map((p: { code: string }) => p.code)).toEqual(['OV-L1', 'OV-L2']);
  });
});

describe('filters and paging', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['programmes', { programmes: ['leader'] }, ['f1', 'f4', 'f2', 'f5']],
    ['programmes (either project)', { programmes: ['kake'] }, ['f1', 'f4', 'f2', 'f3']],
    ['schemes', { schemes: ['LEADER'] }, ['f1', 'f4', 'f2', 'f5']],
    ['crossDivideOnly', { crossDivideOnly: true }, ['f1', 'f4', 'f2']],
    ['kinds', { kinds: ['SYNERGY', 'SHARED_PARTNER'] }, ['f2', 'f5']],
    ['minScore', { minScore: 0.75 }, ['f1', 'f4']],
    ['status OPEN', { status: ['OPEN'] }, ['f1', 'f4', 'f2', 'f3', 'f5']],
    ['status CONFIRMED', { status: ['CONFIRMED'] }, []],
  ])('%s', async (_label, filter, expected) => {
    const resolved = { ...filter, ...(filter.programmes ? { programmes: (filter.programmes as string[]).map((name) => gids[name]) } : {}) };
    expect(await listed(tokens.analyst, resolved)).toEqual(f(...expected));
  });

  it.each<[string, string, Record<string, unknown>, string]>([
    ['minScore above 1', LIST, { filter: { minScore: 1.5 } }, 'filter.minScore'],
    ['minScore below 0', SUMMARY, { filter: { minScore: -0.1 } }, 'filter.minScore'],
    ['a Project ID as a programme', LIST, { filter: { programmes: ['PROJECT'] } }, 'filter.programmes[0]'],
    ['an unknown programme', LIST, { filter: { programmes: [toGlobalId('Programme', 999_999)] } }, 'filter.programmes[0]'],
    ['a malformed ID', SUMMARY, { filter: { programmes: ['nonsense'] } }, 'filter.programmes[0]'],
    ['an empty status list', LIST, { filter: { status: [] } }, 'filter.status'],
    ['an empty kinds list', SUMMARY, { filter: { kinds: [] } }, 'filter.kinds'],
    ['a cursor of another list', LIST, { after: Buffer.from(JSON.stringify(['abc', 1])).toString('base64url') }, 'after'],
  ])('refuses %s with BAD_USER_INPUT', async (_label, query, variables, argumentName) => {
    const withIds = JSON.parse(JSON.stringify(variables).replace('"PROJECT"', JSON.stringify(gids.pK1)));
    const response = await app.gql(query, withIds, { token: tokens.analyst });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
  });

  it('pages by score with cursors that round-trip, at the root and per project', async () => {
    const pages: string[][] = [];
    let after: string | null = null;
    do {
      const data: Record<string, any> = dataOf(await app.gql(LIST, { first: 2, after }, { token: tokens.analyst }));
      expect(data.overlaps.totalCount).toBe(5);
      pages.push(data.overlaps.edges.map((edge: { node: { id: string } }) => edge.node.id));
      after = data.overlaps.pageInfo.hasNextPage ? data.overlaps.pageInfo.endCursor : null;
    } while (after);
    expect(pages).toEqual([f('f1', 'f4'), f('f2', 'f3'), f('f5')]);

    const PROJECT = `query($id: ID!, $after: String, $kinds: [OverlapKind!], $minScore: Float) { node(id: $id) { ... on Project {
      overlaps(first: 2, after: $after, kinds: $kinds, minScore: $minScore) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } otherProject { code } } } } } }`;
    const first = dataOf(await app.gql(PROJECT, { id: gids.pK1 }, { token: tokens.analyst })).node.overlaps;
    expect(first.edges).toEqual([
      { node: { id: gids.f1 }, otherProject: { code: 'OV-L1' } },
      { node: { id: gids.f4 }, otherProject: { code: 'OV-DRAFT' } },
    ]);
    const second = dataOf(await app.gql(PROJECT, { id: gids.pK1, after: first.pageInfo.endCursor }, { token: tokens.analyst })).node.overlaps;
    expect(second.edges).toEqual([
      { node: { id: gids.f2 }, otherProject: { code: 'OV-L2' } },
      { node: { id: gids.f3 }, otherProject: { code: 'OV-K2' } },
    ]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    // As the B side of the pair too (pL2 is project_b of f2 and f5).
    const l2 = dataOf(await app.gql(PROJECT, { id: gids.pL2 }, { token: tokens.analyst })).node.overlaps;
    expect(l2.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(f('f2', 'f5'));
    const filtered = dataOf(await app.gql(PROJECT, { id: gids.pK1, kinds: ['SYNERGY', 'SAME_ORGANISATION'], minScore: 0.6 }, { token: tokens.analyst })).node.overlaps;
    expect(filtered).toMatchObject({ totalCount: 1, edges: [{ node: { id: gids.f2 } }] });
  });

  it('loads the findings of many projects with the same number of statements as of few', async () => {
    const query = (first: number) =>
      app.gql(`{ projects(first: ${first}) { nodes { overlaps(first: 3) { totalCount edges { otherProject { code } node { projects { code } } } } } } }`, {}, { token: tokens.analyst });
    const few = await app.countStatements(() => query(2));
    const many = await app.countStatements(() => query(6));
    expect(many).toBe(few);
  });
});

describe('reviewOverlap', () => {
  it('records a verdict for a coordinator, audited under the pair’s first project, with optimistic concurrency', async () => {
    const first = dataOf(await review(tokens.kakeCoordinator, { overlap: gids.f1, status: 'CONFIRMED', note: 'Sama työ kahdesti rahoitettu' })).reviewOverlap;
    expect(first.userErrors).toEqual([]);
    expect(first.overlap).toMatchObject({ id: gids.f1, status: 'CONFIRMED', review: { status: 'CONFIRMED', note: 'Sama työ kahdesti rahoitettu', version: 1 } });
    expect(first.review).toMatchObject({ status: 'CONFIRMED', note: 'Sama työ kahdesti rahoitettu', reviewerName: 'Kake-koordinaattori', version: 1 });

    const events = await app.sql<{ project_id: number; operation: string; changes: Record<string, { after: unknown }> }>(
      `select project_id, operation, changes from audit_event where entity_type = 'OverlapReview' order by id`,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ project_id: Math.min(ids.pK1, ids.pL1), operation: 'reviewOverlap' });
    expect(events[0].changes.note.after).toBe('Sama työ kahdesti rahoitettu');

    const stale = dataOf(await review(tokens.leaderCoordinator, { overlap: gids.f1, status: 'DISMISSED', expectedVersion: 7 })).reviewOverlap;
    expect(stale).toMatchObject({ overlap: null, review: null, userErrors: [{ code: 'VERSION_CONFLICT', field: 'input.expectedVersion' }] });
    const again = dataOf(await review(tokens.leaderCoordinator, { overlap: gids.f1, status: 'SYNERGY', expectedVersion: 1 })).reviewOverlap;
    expect(again.userErrors).toEqual([]);
    expect(again.review).toMatchObject({ status: 'SYNERGY', note: null, reviewerName: 'Leader-koordinaattori', version: 2 });
    const back = dataOf(await review(tokens.analyst, { overlap: gids.f1, status: 'CONFIRMED', note: 'Vahvistettu', expectedVersion: 2 })).reviewOverlap;
    expect(back.review).toMatchObject({ status: 'CONFIRMED', version: 3 });
  });

  it('shows the review only to those who may read reviews, in the finding and in the audit trail', async () => {
    await review(tokens.admin, { overlap: gids.f2, status: 'SYNERGY', note: 'Yhteistyöhön' });
    const QUERY = 'query($id: ID!) { node(id: $id) { ... on Overlap { status review { note } } } }';
    // The partner sees the SYNERGY finding and its status, not the note.
    expect(dataOf(await app.gql(QUERY, { id: gids.f2 }, { token: tokens.partnerA })).node).toEqual({ status: 'SYNERGY', review: null });
    expect(dataOf(await app.gql(QUERY, { id: gids.f2 }, { token: tokens.leaderCoordinator })).node).toEqual({ status: 'SYNERGY', review: { note: 'Yhteistyöhön' } });

    const LOG = `{ auditLog(first: 10, filter: { entityType: "OverlapReview" }) { nodes { entity changes } } }`;
    // A coordinator of an unrelated programme reads the audit log, but not the verdicts or notes in it.
    const outsider = dataOf(await app.gql(LOG, {}, { token: tokens.otherCoordinator })).auditLog.nodes as { changes: Record<string, unknown> }[];
    expect(outsider.length).toBeGreaterThan(0);
    for (const event of outsider) expect(Object.keys(event.changes).filter((key) => ['note', 'status', 'reviewer', 'projectA', 'projectB'].includes(key))).toEqual([]);
    const reviewer = dataOf(await app.gql(LOG, {}, { token: tokens.leaderCoordinator })).auditLog.nodes as { changes: Record<string, { after: unknown }> }[];
    expect(reviewer.some((event) => event.changes.note?.after === 'Yhteistyöhön')).toBe(true);
  });

  it('hides dismissed findings by default and shows them on request', async () => {
    const dismissed = dataOf(await review(tokens.kakeCoordinator, { overlap: gids.f3, status: 'DISMISSED' })).reviewOverlap;
    expect(dismissed.overlap.status).toBe('DISMISSED');
    expect(await listed(tokens.kakeCoordinator)).not.toContain(gids.f3);
    expect(await listed(tokens.kakeCoordinator, { status: ['DISMISSED'] })).toEqual(f('f3'));
    expect(await listed(tokens.kakeCoordinator, { status: ['OPEN', 'DISMISSED', 'CONFIRMED', 'SYNERGY'] })).toContain(gids.f3);
    const PROJECT = `query($id: ID!, $all: Boolean!) { node(id: $id) { ... on Project { overlaps(includeDismissed: $all) { totalCount nodes { id } } } } }`;
    expect(dataOf(await app.gql(PROJECT, { id: gids.pK2, all: false }, { token: tokens.kakeCoordinator })).node.overlaps).toEqual({ totalCount: 0, nodes: [] });
    expect(dataOf(await app.gql(PROJECT, { id: gids.pK2, all: true }, { token: tokens.kakeCoordinator })).node.overlaps).toEqual({ totalCount: 1, nodes: [{ id: gids.f3 }] });
    const summary = dataOf(await app.gql(SUMMARY, { filter: { kinds: ['SAME_ORGANISATION'] } }, { token: tokens.kakeCoordinator })).overlapSummary;
    expect(summary.find((row: { kind: string }) => row.kind === 'SAME_ORGANISATION')).toEqual({ kind: 'SAME_ORGANISATION', open: 0, confirmed: 0, dismissed: 1, synergy: 0, total: 1 });
  });

  it('refuses bad input, partners, and findings the caller may not see', async () => {
    const tooLong = dataOf(await review(tokens.analyst, { overlap: gids.f5, status: 'CONFIRMED', note: 'ä'.repeat(10_001) })).reviewOverlap;
    expect(tooLong).toMatchObject({ overlap: null, userErrors: [{ code: 'TOO_LONG', field: 'input.note' }] });
    const firstWithVersion = dataOf(await review(tokens.analyst, { overlap: gids.f5, status: 'CONFIRMED', expectedVersion: 1 })).reviewOverlap;
    expect(firstWithVersion.userErrors).toMatchObject([{ code: 'VERSION_CONFLICT' }]);
    const wrongType = await review(tokens.analyst, { overlap: gids.pK1, status: 'CONFIRMED' });
    expect(wrongType.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'input.overlap' });
    const unknown = dataOf(await review(tokens.analyst, { overlap: toGlobalId('Overlap', 999_999), status: 'CONFIRMED' })).reviewOverlap;
    expect(unknown.userErrors).toMatchObject([{ code: 'NOT_FOUND', field: 'input.overlap' }]);
    // A partner never reviews, even a SYNERGY finding it sees.
    expect((await review(tokens.partnerA, { overlap: gids.f2, status: 'DISMISSED' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await review(undefined, { overlap: gids.f2, status: 'DISMISSED' })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // A finding the coordinator may not see (another programme's; one with a hidden draft) is not found.
    expect(dataOf(await review(tokens.otherCoordinator, { overlap: gids.f1, status: 'DISMISSED' })).reviewOverlap.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
    expect(dataOf(await review(tokens.kakeCoordinator, { overlap: gids.f4, status: 'DISMISSED' })).reviewOverlap.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
    const [{ count }] = await app.sql<{ count: string }>(`select count(*) from overlap_review where (project_a_id, project_b_id) in (select project_a_id, project_b_id from overlap where id in (?, ?))`, [ids.f4, ids.f5]);
    expect(Number(count)).toBe(0);
  });

  it('survives recomputation: a finding deleted and written again gets its review back', async () => {
    await review(tokens.analyst, { overlap: gids.f5, status: 'CONFIRMED', note: 'Pysyy' });
    const [a, b] = [ids.pL1, ids.pL2].sort((x, y) => x - y);
    await app.sql('delete from overlap where id = ?', [ids.f5]);
    expect(await listed(tokens.analyst, { status: ['CONFIRMED'] })).not.toContain(gids.f5);
    const id = await insertFinding(a, b, 'SHARED_PARTNER', 0.45, false);
    const data = dataOf(await app.gql('query($id: ID!) { node(id: $id) { ... on Overlap { status review { status note } } } }', { id: toGlobalId('Overlap', id) }, { token: tokens.analyst }));
    expect(data.node).toEqual({ status: 'CONFIRMED', review: { status: 'CONFIRMED', note: 'Pysyy' } });
  });
});
