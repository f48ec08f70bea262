import { buildSiltaSchema } from '../../src/schema';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { batch, rootOperations, type Batch, type Operation, type Probes, type WalkOptions } from '../support/schema-walk';
import { dataOf, startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app';

/**
 * A hidden draft changes nothing a viewer who may not see it can observe. Every root field of Query
 * is walked (generated from the schema: every filter key, every enum value, both directions of every
 * order), before and after a partner creates a draft with participants, locations, themes, target
 * groups, a parent and a large granted amount; the answers must be identical to the byte, cursors,
 * counts, totals, search scores and cost included. The draft's own lead and an analyst must see a
 * change, or the walk proves nothing.
 */

/** Root fields left out of the walk, each with why. None today: every root field reads data. */
const SKIP: Record<string, string> = {};

/**
 * The plain request of each root field selects every scalar down to three levels (a type that has a
 * root field of its own, or is already on the path, is selected by `id` when nested: see
 * test/support/schema-walk.ts). A variant (a filter key, an order, `last`) changes which root items
 * come back, in which order and with which cursors and counts, not what is nested in an item, so its
 * requests select the items' own fields.
 */
const PLAIN: WalkOptions = { depth: 3, rootFirst: 100, nestedFirst: 100 };
const VARIANT: WalkOptions = { depth: 0, rootFirst: 100, nestedFirst: 100 };

/** Demo-data records around the draft (see src/db/seed/demo-data.ts). */
const DEMO = {
  programme: 'KAKE-KUOPIO-2018',
  otherProgramme: 'LEADER-KALAKUKKO-2014',
  /** Mikkelin kaupunki: takes part in nothing yet, so leading the draft would show up everywhere. */
  lead: '3951238-8',
  /** Monikulttuurinen yhdistys Kotipesä ry: the organisation in most projects, in both schemes. */
  partner: '3952084-7',
  /** Tahkon Latu ry: Leader only, never a sub-grantee. */
  subGrantee: '3953118-3',
  /** Joensuun kaupunki: funds a Joensuu programme only. */
  funder: '3951191-6',
  /** Kuopion Seudun Marttayhdistys ry: not in the draft; the other partner viewer's organisation. */
  bystander: '3952554-1',
  /** The umbrella project (kattohanke) the draft claims as parent. */
  parent: 'KAKE-KUO-2018-01',
};

const DRAFT = {
  code: 'KAKE-KUO-2019-99',
  title: 'Salainen lähiruokatori monikulttuurisille nuorille',
  summary: 'Luonnos, jota kukaan ulkopuolinen ei saa nähdä.',
  plannedStart: '2019-03-01',
  plannedEnd: '2020-06-30',
  themes: ['LOCAL_FOOD', 'INTEGRATION'],
  targetGroups: ['IMMIGRANTS', 'STUDENTS'],
  locations: ['70870', '70100', '50100'],
  granted: '9999999.00',
  decisionDate: '2019-06-01',
};

/** Operations of one root field sent together under aliases: fewer requests, same answers. */
const BATCH_SIZE = 12;

const LIMITS = {
  maxDepth: 100,
  maxAliases: 1000,
  maxDirectives: 20,
  maxTokens: 1_000_000,
  maxCost: 100_000_000,
  budget: 1_000_000_000,
  leakPerSecond: 1_000_000_000,
  maxBuckets: 100_000,
  store: { kind: 'postgres', poolMax: 4 } as const,
  maxBodyBytes: 10 * 1024 * 1024,
  requestTimeoutMs: 120_000,
};

type ViewerName = 'anonymous' | 'otherPartner' | 'otherCoordinator' | 'leadMember' | 'analyst';
const HIDDEN: ViewerName[] = ['anonymous', 'otherPartner', 'otherCoordinator'];
const CONTROL: ViewerName[] = ['leadMember', 'analyst'];
/** Errors a viewer may legitimately get (auditLog for those who may not read it). */
const EXPECTED_ERROR_CODES = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

interface Observed {
  status: number;
  data: unknown;
  errors: unknown;
  cost: unknown;
}

let app: TestApp;
const tokens = {} as Record<ViewerName, string | undefined>;
let creator: string;
let coordinator: string;
let operations: Operation[];
let batches: Batch[];
let rootFields: string[];
const before = new Map<ViewerName, Map<string, Observed>>();
const after = new Map<ViewerName, Map<string, Observed>>();
const draftIds: { project: string; participations: string[]; fundingLine: string } = { project: '', participations: [], fundingLine: '' };
let requests = 0;
let walkMs = 0;
/** Milliseconds spent per root field, all viewers and both walks together. */
const msPerField = new Map<string, number>();

const keyOf = (operation: Operation): string => `${operation.field} ${operation.variant}`;

/** What a viewer can observe: everything but the bucket's time-dependent `remaining` and `resetAt`. */
function observe(response: GraphQLResponse): Observed {
  const cost = (response.extensions?.cost ?? {}) as { requested?: number; actual?: number };
  return {
    status: response.status,
    data: response.data ?? null,
    errors: (response.errors ?? []).map((error) => ({ message: error.message, path: error.path, code: error.extensions?.code })),
    cost: { requested: cost.requested, actual: cost.actual },
  };
}

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** One retry when the connection drops (a keep-alive socket closed as it was reused, under load). */
async function send(request: Batch, token: string | undefined): Promise<GraphQLResponse> {
  const options = token ? { token } : {};
  try {
    return await app.gql(request.query, request.variables, options);
  } catch (error) {
    if (!String((error as { cause?: unknown }).cause).includes('ECONNRESET')) throw error;
    return app.gql(request.query, request.variables, options);
  }
}

/**
 * Every batch for every viewer. Each aliased member is observed on its own (its data, its errors);
 * the request as a whole adds its status, cost and errors outside any member.
 */
async function walk(into: Map<ViewerName, Map<string, Observed>>): Promise<void> {
  const started = Date.now();
  const jobs = (Object.keys(tokens) as ViewerName[]).flatMap((viewer) => batches.map((request, index) => ({ viewer, request, index })));
  for (const viewer of Object.keys(tokens) as ViewerName[]) into.set(viewer, new Map());
  await inPool(jobs, 3, async ({ viewer, request, index }) => {
    const sent = Date.now();
    const response = await send(request, tokens[viewer]);
    const field = request.members[0].operation.field;
    msPerField.set(field, (msPerField.get(field) ?? 0) + Date.now() - sent);
    requests += 1;
    const whole = observe(response);
    const data = (response.data ?? null) as Record<string, unknown> | null;
    const errors = whole.errors as { path?: (string | number)[] }[];
    for (const { alias, operation } of request.members) {
      into.get(viewer)!.set(keyOf(operation), {
        status: whole.status,
        data: data === null ? null : data[alias],
        errors: errors.filter((error) => error.path?.[0] === alias).map((error) => ({ ...error, path: [operation.field, ...error.path!.slice(1)] })),
        cost: null,
      });
    }
    const label = `${field} [request ${index}: ${request.members.length} variants from "${request.members[0].operation.variant}"; status, cost, errors]`;
    into.get(viewer)!.set(label, { ...whole, data: data === null ? null : 'answered', errors: errors.filter((error) => !error.path) });
  });
  walkMs += Date.now() - started;
}

/** The paths where two answers differ, e.g. `data.organisations.edges[3].cursor: "…" → "…"`. */
function differences(a: unknown, b: unknown, path: string, out: string[], limit = 6): string[] {
  if (out.length >= limit) return out;
  if (Object.is(a, b)) return out;
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
  if (bothObjects && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) {
      out.push(`${path}: ${a.length} items → ${b.length} items`);
    }
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const step = Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`;
      differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], step, out, limit);
    }
    return out;
  }
  out.push(`${path}: ${show(a)} → ${show(b)}`);
  return out;
}

/** A value in a diff line; an item that appears or goes is named by what identifies it. */
function show(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const item = value as Record<string, unknown>;
    const node = (item.node ?? item) as Record<string, unknown>;
    const name = ['code', 'name', 'title', 'operation', 'entityType'].filter((key) => typeof node[key] === 'string').map((key) => `${key}: ${String(node[key])}`);
    if (node.id || name.length) return `{ ${[`${String(node.__typename ?? '')} ${String(node.id ?? '')}`.trim(), ...name].join(', ')} … }`;
  }
  const text = JSON.stringify(value) ?? 'undefined';
  // Cursors are base64url JSON: show what they carry (a sort key such as a granted amount).
  const decoded = typeof value === 'string' && /^[A-Za-z0-9_-]{8,}$/.test(value) ? Buffer.from(value, 'base64url').toString('utf8') : '';
  const shown = /^\[.*\]$/.test(decoded) ? `${text} (${decoded})` : text;
  return shown.length > 160 ? `${shown.slice(0, 157)}…` : shown;
}

function changed(viewer: ViewerName): { request: string; diff: string[] }[] {
  const keys = new Set([...before.get(viewer)!.keys(), ...after.get(viewer)!.keys()]);
  return [...keys].flatMap((request) => {
    const diff = differences(before.get(viewer)!.get(request), after.get(viewer)!.get(request), '', []);
    return diff.length ? [{ request, diff }] : [];
  });
}

/** The next value of a serial column, so the draft's IDs can be probed before the draft exists. */
async function nextId(table: string): Promise<number> {
  const [row] = await app.sql<{ next: string }>(`select (last_value + case when is_called then 1 else 0 end)::text as next from ${table}_id_seq`);
  return Number(row.next);
}

async function globalIds(): Promise<Record<string, string>> {
  const query = `query($programme: String!, $other: String!, $lead: String!, $partner: String!, $subGrantee: String!, $funder: String!, $parent: String!) {
    programme(code: $programme) { id parent { id } }
    other: programme(code: $other) { id }
    lead: organisation(businessId: $lead) { id }
    partner: organisation(businessId: $partner) { id }
    subGrantee: organisation(businessId: $subGrantee) { id }
    funder: organisation(businessId: $funder) { id }
    parent: project(code: $parent) { id }
  }`;
  const data = dataOf(await app.gql(query, { ...DEMO, other: DEMO.otherProgramme }));
  return {
    programme: data.programme.id,
    parentProgramme: data.programme.parent.id,
    otherProgramme: data.other.id,
    lead: data.lead.id,
    partner: data.partner.id,
    subGrantee: data.subGrantee.id,
    funder: data.funder.id,
    parent: data.parent.id,
  };
}

async function createDraft(ids: Record<string, string>): Promise<void> {
  const create = dataOf(
    await app.gql(
      `mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id status } userErrors { field code message } } }`,
      {
        input: {
          programme: ids.programme,
          leadOrganisation: ids.lead,
          parent: ids.parent,
          code: DRAFT.code,
          title: DRAFT.title,
          summary: DRAFT.summary,
          plannedStart: DRAFT.plannedStart,
          plannedEnd: DRAFT.plannedEnd,
          themes: DRAFT.themes,
          targetGroups: DRAFT.targetGroups,
          locations: DRAFT.locations,
        },
      },
      { token: creator },
    ),
  ).createProject;
  expect(create.userErrors).toEqual([]);
  expect(create.project.status).toBe('DRAFT');
  expect(create.project.id).toBe(draftIds.project);
  const participations = [];
  for (const [organisation, role] of [[ids.partner, 'PARTNER'], [ids.subGrantee, 'SUB_GRANTEE'], [ids.funder, 'FUNDER']]) {
    const added = dataOf(
      await app.gql(
        `mutation($input: AddProjectParticipantInput!) { addProjectParticipant(input: $input) { participation { id } userErrors { field code message } } }`,
        { input: { project: draftIds.project, organisation, role, budgetShare: '12345.67' } },
        { token: creator },
      ),
    ).addProjectParticipant;
    expect(added.userErrors).toEqual([]);
    participations.push(added.participation.id);
  }
  expect(participations).toEqual(draftIds.participations.slice(1));
  // The programme's coordinator decides funding, on drafts too (the lead may not).
  const line = dataOf(
    await app.gql(
      `mutation($input: CreateFundingLineInput!) { createFundingLine(input: $input) { fundingLine { id } userErrors { field code message } } }`,
      {
        input: {
          project: draftIds.project,
          source: 'ESR',
          planned: DRAFT.granted,
          granted: DRAFT.granted,
          paid: '1000.00',
          decisionDate: DRAFT.decisionDate,
          decisionReference: 'POSELY/999/2019',
          overrideCeiling: { reason: 'Testi: näkymättömän luonnoksen suuri myöntö' },
        },
      },
      { token: coordinator },
    ),
  ).createFundingLine;
  expect(line.userErrors).toEqual([]);
  expect(line.fundingLine.id).toBe(draftIds.fundingLine);
}

/**
 * Overlap findings as the engine would store them (inserted as the owner: the engine is not part of
 * this test). One pair of visible projects before the walks, so that the overlap roads have
 * something to show; after the draft, findings between the draft and a project each hidden viewer
 * would otherwise see findings of (the bystander's own project as SYNERGY, a Leader project as a
 * risk): they must stay invisible, uncounted and unresolvable.
 */
async function insertFinding(p: number, q: number, kind: string, score: number): Promise<void> {
  const [a, b] = [p, q].sort((x, y) => x - y);
  await app.sql(
    `insert into overlap (project_a_id, project_b_id, kind, score, crosses_divide, signals) values (?, ?, ?, ?, true, ?::jsonb)`,
    [a, b, kind, score, JSON.stringify([{ kind: 'THEME', score: 0.5, evidence: 'shared themes', organisationIds: [], postalCodes: ['70100'] }])],
  );
}

async function projectKey(where: string, params: unknown[]): Promise<number> {
  const [row] = await app.sql<{ id: number }>(`select p.id from project p join programme g on g.id = p.programme_id where ${where} order by p.id limit 1`, params);
  return row.id;
}

beforeAll(async () => {
  app = await startTestApp('demo', { limits: LIMITS });
  const [{ bystander }] = await app.sql<{ bystander: number }>('select id as bystander from organisation where business_id = ?', [DEMO.bystander]);
  const [{ lead }] = await app.sql<{ lead: number }>('select id as lead from organisation where business_id = ?', [DEMO.lead]);
  const programmes = await app.sql<{ id: number; code: string }>('select id, code from programme where code in (?, ?)', [DEMO.programme, DEMO.otherProgramme]);
  const programmeKey = (code: string): number => programmes.find((row) => row.code === code)!.id;
  tokens.anonymous = undefined;
  tokens.otherPartner = await app.signIn({ name: 'Muu kumppani', memberOf: [bystander] });
  tokens.otherCoordinator = await app.signIn({ name: 'Leader-koordinaattori', coordinatorOf: [programmeKey(DEMO.otherProgramme)] });
  tokens.leadMember = await app.signIn({ name: 'Luonnoksen vetäjä', memberOf: [lead] });
  tokens.analyst = await app.signIn({ name: 'Analyytikko', analyst: true });
  // Writers of their own, so the viewers' own answers (viewer, history) change only through the draft.
  creator = await app.signIn({ name: 'Luonnoksen kirjoittaja', memberOf: [lead] });
  coordinator = await app.signIn({ name: 'Kake-koordinaattori', coordinatorOf: [programmeKey(DEMO.programme)] });

  const ids = await globalIds();
  const participation = await nextId('participation');
  draftIds.project = toGlobalId('Project', await nextId('project'));
  draftIds.participations = [0, 1, 2, 3].map((offset) => toGlobalId('Participation', participation + offset));
  draftIds.fundingLine = toGlobalId('FundingLine', await nextId('funding_line'));
  const accounts = await Promise.all([creator, coordinator].map(async (token) => dataOf(await app.gql('{ viewer { account { id } } }', {}, { token })).viewer.account.id as string));
  const vocabulary = dataOf(await app.gql('{ themes { id code } targetGroups { id code } }'));
  const vocabularyIds = [...vocabulary.themes, ...vocabulary.targetGroups]
    .filter((term: { code: string }) => [...DRAFT.themes, ...DRAFT.targetGroups].includes(term.code))
    .map((term: { id: string }) => term.id);
  const places = dataOf(
    await app.gql(`{ kuopio: municipality(code: "297") { id regionCode } mikkeli: municipality(code: "491") { id regionCode }
      ${DRAFT.locations.map((code) => `p${code}: postalArea(postalCode: "${code}") { id }`).join(' ')} }`),
  );
  const placeIds = [places.kuopio.id, places.mikkeli.id, ...DRAFT.locations.map((code) => places[`p${code}`].id)];

  const organisations = [ids.lead, ids.partner, ids.subGrantee, ids.funder];
  const related = [ids.programme, ids.parentProgramme, ids.parent, ...organisations, ...vocabularyIds, ...placeIds];
  const draftOwn = [draftIds.project, ...draftIds.participations, draftIds.fundingLine];
  const since = new Date(Date.now() - 1000).toISOString();
  // Values related to the draft, so that each filter would surface it if it leaked.
  const probes: Probes = {
    // node(id:) for the draft's own IDs and two neighbours; nodes(ids:) for every related ID at once.
    'node.id': [ids.programme, ids.lead, ...draftOwn],
    'nodes.ids': [[...related, ...draftOwn]],
    'organisation.businessId': [DEMO.lead, DEMO.partner, DEMO.subGrantee, DEMO.funder],
    'municipality.code': ['297', '491'],
    'postalArea.postalCode': DRAFT.locations,
    'programme.code': [DEMO.programme],
    'project.code': [DRAFT.code, DEMO.parent],
    'search.query': [DRAFT.title, 'lähiruokatori', 'salainen', 'monikulttuurisille nuorille', DRAFT.code, 'Mikkelin kaupunki'],
    programme: [ids.programme],
    'ProgrammeFilter.parent': [ids.parentProgramme],
    'ProjectFilter.parent': [ids.parent, draftIds.project],
    // `role` filters the participations of `organisation` and needs it.
    'ProjectFilter.role+': [{ organisation: ids.lead }],
    project: [draftIds.project, ids.parent],
    organisation: organisations,
    theme: DRAFT.themes,
    targetGroup: DRAFT.targetGroups,
    municipalityCode: ['297', '491'],
    regionCode: [places.kuopio.regionCode, places.mikkeli.regionCode],
    postalCode: DRAFT.locations,
    activeOn: ['2019-06-15', '2020-06-30'],
    overlaps: [{ start: DRAFT.plannedStart, end: DRAFT.plannedEnd }],
    decidedBetween: [{ start: DRAFT.decisionDate, end: DRAFT.decisionDate }],
    // Overlap filters: the draft's programme and the other one; scores below and above the findings'.
    programmes: [[ids.programme], [ids.otherProgramme], [ids.programme, ids.otherProgramme]],
    minScore: [0, 0.9],
    'AuditLogFilter.account': accounts,
    'AuditLogFilter.entity': [draftIds.project, draftIds.fundingLine, ...draftIds.participations, ...organisations],
    'AuditLogFilter.entityType': ['Project', 'Participation', 'FundingLine'],
    'AuditLogFilter.operation': ['createProject', 'addProjectParticipant', 'createFundingLine'],
    'AuditLogFilter.since': [since],
    'AuditLogFilter.until': ['2100-01-01T00:00:00.000Z'],
  };

  const schema = await buildSiltaSchema();
  rootFields = Object.keys(schema.getQueryType()!.getFields());
  const plain = rootOperations(schema, probes, SKIP, PLAIN).filter((operation) => !operation.varies);
  const variants = rootOperations(schema, probes, SKIP, VARIANT).filter((operation) => operation.varies);
  operations = [...plain, ...variants];
  expect(new Set(operations.map(keyOf)).size).toBe(operations.length);
  batches = batch(operations, BATCH_SIZE);

  const bystanderProject = await projectKey(
    `exists (select 1 from participation pa where pa.project_id = p.id and pa.organisation_id = ?) and p.status not in ('DRAFT', 'REJECTED')`,
    [bystander],
  );
  const leaderProject = await projectKey(`g.code = ? and p.status not in ('DRAFT', 'REJECTED')`, [DEMO.otherProgramme]);
  await insertFinding(bystanderProject, leaderProject, 'SYNERGY', 0.61);

  await walk(before);
  await createDraft(ids);
  const draftKey = Number(Buffer.from(draftIds.project, 'base64url').toString('utf8').split(':')[1]);
  await insertFinding(draftKey, bystanderProject, 'SYNERGY', 0.97);
  await insertFinding(draftKey, leaderProject, 'DOUBLE_FUNDING_RISK', 0.93);
  await walk(after);
}, 300_000);
afterAll(async () => {
  // TEST_WALK_STATS=1 prints how big and slow the walk was.
  const slowest = [...msPerField.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([field, ms]) => `${field} ${ms} ms`);
  if (process.env.TEST_WALK_STATS) {
    console.error(
      `draft invisibility: ${operations?.length} operations in ${batches?.length} batches × ${Object.keys(tokens).length} viewers × 2 walks = ${requests} requests in ${walkMs} ms (most time: ${slowest.join(', ')})`,
      ...(after.size ? CONTROL.concat(HIDDEN).map((viewer) => `\n${viewer} sees a change in: ${changed(viewer).map(({ request }) => request).join('; ')}`) : []),
    );
  }
  await app?.close();
});

describe('a hidden draft', () => {
  it('is walked through every root field of Query, and the walk itself gets answers', () => {
    const walked = new Set(operations.map((operation) => operation.field));
    expect(rootFields.filter((field) => !walked.has(field) && !(field in SKIP))).toEqual([]);
    const unexpected = CONTROL.concat(HIDDEN).flatMap((viewer) =>
      [...after.get(viewer)!.entries()].flatMap(([request, observed]) =>
        (observed.errors as { code?: string; message: string }[])
          .filter((error) => !EXPECTED_ERROR_CODES.has(error.code ?? ''))
          .map((error) => `${viewer} | ${request} | ${error.code}: ${error.message}`),
      ),
    );
    expect(unexpected).toEqual([]);
  });

  it.each(HIDDEN)('changes nothing %s can observe through any root field', (viewer) => {
    const leaks = changed(viewer).map(({ request, diff }) => `${viewer} | ${request}\n    ${diff.join('\n    ')}`);
    expect(leaks).toEqual([]);
  });

  it.each(CONTROL)('is seen by %s (the walk can see the draft at all)', (viewer) => {
    expect(changed(viewer).length).toBeGreaterThan(0);
  });

  it.each(CONTROL)('shows %s the findings that involve the draft (the overlap roads are walked with something to hide)', (viewer) => {
    const fields = new Set(changed(viewer).map(({ request }) => request.split(' ')[0]));
    expect(['overlaps', 'overlapSummary'].filter((field) => !fields.has(field))).toEqual([]);
  });

  it.each(HIDDEN)('answers node/nodes/project(code:) for the draft as for a record that does not exist, for %s', async (viewer) => {
    const token = tokens[viewer];
    const options = token ? { token } : {};
    const missing = { project: toGlobalId('Project', 999_999), participation: toGlobalId('Participation', 999_999), fundingLine: toGlobalId('FundingLine', 999_999) };
    const draftOwn = [draftIds.project, ...draftIds.participations, draftIds.fundingLine];
    const query = 'query($id: ID!, $ids: [ID!]!, $code: String!) { node(id: $id) { id } nodes(ids: $ids) { id } project(code: $code) { id } }';
    for (const [id, absent] of [[draftIds.project, missing.project], [draftIds.fundingLine, missing.fundingLine], ...draftIds.participations.map((p) => [p, missing.participation])]) {
      const seen = await app.gql(query, { id, ids: draftOwn, code: DRAFT.code }, options);
      const nothing = await app.gql(query, { id: absent, ids: draftOwn.map(() => absent), code: 'NO-SUCH-PROJECT' }, options);
      expect(seen.data).toEqual({ node: null, nodes: draftOwn.map(() => null), project: null });
      expect(observe(seen)).toEqual(observe(nothing));
    }
  });
});
