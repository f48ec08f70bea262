import { buildSiltaSchema } from '../../src/schema';
import { setSessionViewer } from '../../src/shared/db/session';
import { FundingSource } from '../../src/modules/funding/funding.enums';
import { Scheme } from '../../src/modules/programme/programme.enums';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * Guards of the read path's wins (docs/architecture.md, "Read path"): the six portal queries of the
 * benchmark send a fixed number of SQL statements whatever the page size, and no Apollo plugin makes
 * Apollo wrap every field resolver.
 */
let app: TestApp;
let hubId: number;
let projectIds: string[];
let partnerToken: string;

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const kake = s.programme({ scheme: Scheme.KAKE });
  const leader = s.programme({ scheme: Scheme.LEADER });
  const hub = s.organisation({ name: 'Solmu ry' });
  const others = Array.from({ length: 6 }, () => s.organisation());
  for (let i = 0; i < 60; i++) {
    s.project({
      programme: i < 55 ? kake : leader,
      title: `Nuorten kohtaamispaikka ${i}`,
      plannedStart: '2018-01-01',
      plannedEnd: '2020-12-31',
      // The hub takes part in every project, half of them as the lead.
      lead: i % 2 ? hub : others[i % 6],
      partners: i % 2 ? [others[i % 6]] : [hub],
      themes: ['COMMUNITY'],
      funding: [
        { source: FundingSource.ESR, granted: '1000.00', paid: '10.00' },
        { source: FundingSource.MUNICIPAL, granted: '250.25' },
      ],
    });
  }
  // First by title: a project without a lead or funding lines, for the folded page's nulls and empties.
  s.project({ programme: kake, title: 'Aamun kohtaamispaikka ilman vetäjää' });
  await s.save();
  hubId = hub.id;
  const ids = dataOf(await app.gql<{ projects: { nodes: { id: string }[] } }>('{ projects(first: 60) { nodes { id } } }'));
  projectIds = ids.projects.nodes.map((node) => node.id);
  partnerToken = await app.signIn({ memberOf: [hub.id] });
});
afterAll(() => app.close());

const PAGE = `query($first: Int!) { projects(first: $first, filter: { scheme: KAKE }) { totalCount nodes { id code title status
  leadOrganisation { name businessId } programme { code name } fundingTotals { planned granted paid bySource { source granted paid } } } } }`;

/** The benchmark's portal queries, each at a page size of `first`, with what a page of that size must hold. */
const PORTAL: Record<string, { query: string; variables: (first: number) => Record<string, unknown>; items: (data: never) => unknown[]; signedIn?: true; budget: number }> = {
  'projects page with lead, programme and totals': {
    query: PAGE,
    variables: (first) => ({ first }),
    items: (data: { projects: { nodes: unknown[] } }) => data.projects.nodes,
    // One compiled statement: the page, its lead, programme and totals, and totalCount (src/shared/read-plan).
    budget: 1,
  },
  'organisation with its participations, their projects and programmes': {
    query: `query($id: ID!, $first: Int!) { node(id: $id) { ... on Organisation { name
      participations(first: $first) { totalCount nodes { role project { code title status programme { code name } } } } } } }`,
    variables: (first) => ({ id: toGlobalId('Organisation', hubId), first }),
    items: (data: { node: { participations: { nodes: unknown[] } } }) => data.node.participations.nodes,
    budget: 1,
  },
  'programme with projects by theme and active date, two levels deep': {
    query: `query($first: Int!) { programmes(first: 1, filter: { scheme: KAKE }) { nodes { name
      projects(first: $first, filter: { theme: "COMMUNITY", activeOn: "2019-06-01" }) { totalCount nodes { code title
        participations(first: 10) { nodes { role organisation { name } } } fundingLines(first: 10) { nodes { source granted } } } } } } }`,
    variables: (first) => ({ first }),
    items: (data: { programmes: { nodes: { projects: { nodes: unknown[] } }[] } }) => data.programmes.nodes[0].projects.nodes,
    // One compiled statement, the check that the theme exists included (BAD_USER_INPUT otherwise).
    budget: 1,
  },
  'search for a Finnish word': {
    query: `query($first: Int!) { search(query: "kohtaamispaikka", first: $first) { edges { score node {
      ... on Project { code title } ... on Organisation { name } ... on Programme { code } } } } }`,
    variables: (first) => ({ first }),
    items: (data: { search: { edges: unknown[] } }) => data.search.edges,
    // The stems, the ranked page with the number of all hits, and the hits by type.
    budget: 4,
  },
  'nodes(ids:)': {
    query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Project { code title programme { code } } } }',
    variables: (first) => ({ ids: projectIds.slice(0, first) }),
    items: (data: { nodes: unknown[] }) => data.nodes.filter((node) => node !== null),
    budget: 1,
  },
  'projects page as a signed-in partner': {
    query: PAGE,
    variables: (first) => ({ first }),
    items: (data: { projects: { nodes: unknown[] } }) => data.projects.nodes,
    signedIn: true,
    // As anonymous, plus the one that authenticates the token.
    budget: 2,
  },
};

describe('the read path', () => {
  it.each(Object.keys(PORTAL))('sends as many SQL statements for a page of 50 as for a page of 10: %s', async (name) => {
    const { query, variables, items, signedIn, budget } = PORTAL[name];
    const token = signedIn ? partnerToken : undefined;
    const run = async (first: number): Promise<{ statements: number; count: number }> => {
      let data: unknown;
      const statements = await app.countStatements(async () => {
        data = dataOf(await app.gql(query, variables(first), { token }));
      });
      return { statements, count: items(data as never).length };
    };
    const small = await run(10);
    const large = await run(50);
    expect(small.count).toBe(10);
    expect(large.count).toBe(50);
    expect(large.statements).toBe(small.statements);
    // The counts measured when this was written: a loader that stops batching, or a new statement per request, fails here.
    expect(large.statements).toBeLessThanOrEqual(budget);
  });

  it('folds relations into the page with the same answers as the loaders give one by one', async () => {
    const fields = 'id code leadOrganisation { id name businessId createdAt } programme { id code name periodStart createdAt } fundingTotals { planned granted paid bySource { source planned granted paid } }';
    const page = dataOf(await app.gql<{ projects: { nodes: { id: string }[] } }>(`{ projects(first: 20, filter: { scheme: KAKE }) { nodes { ${fields} } } }`));
    const ids = page.projects.nodes.map((node) => node.id);
    const one = dataOf(await app.gql<{ nodes: unknown[] }>(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Project { ${fields} } } }`, { ids }));
    expect(page.projects.nodes).toEqual(one.nodes);
    expect(page.projects.nodes[0]).toMatchObject({ leadOrganisation: null, fundingTotals: { granted: '0.00', bySource: [] } });
    // Through a fragment and edges too.
    const viaFragment = dataOf(await app.gql<{ projects: { edges: { node: unknown }[] } }>(
      `fragment P on Project { ${fields} } { projects(first: 20, filter: { scheme: KAKE }) { edges { node { ...P } } } }`,
    ));
    expect(viaFragment.projects.edges.map((edge) => edge.node)).toEqual(one.nodes);
  });

  it('has no Apollo plugin with willResolveField, which would wrap every field resolver of the schema', async () => {
    dataOf(await app.gql(PAGE, { first: 5 }));
    const schema = await buildSiltaSchema();
    const marks = Object.getOwnPropertySymbols(schema).map((symbol) => symbol.description);
    // Apollo marks the schema once it has wrapped its resolvers for willResolveField (cacheControl's or ours).
    expect(marks).not.toContain('apolloServerPluginsEnabled');
  });

  it('still reports the actual cost of a query, counted without willResolveField', async () => {
    const response = await app.gql(PAGE, { first: 10 });
    dataOf(response);
    // The connection; per project: itself, its lead, its programme, its totals, and the list of their two
    // sources; the first project has no lead and no sources.
    expect((response.extensions as { cost: { actual: number } }).cost.actual).toBe(1 + 9 * (1 + 1 + 1 + 1 + (1 + 2)) + (1 + 0 + 1 + 1 + (1 + 0)));
  });

  it('plans request statements generically and never JIT-compiles them, (the compiled road sends the same SESSION_VIEWER_SQL with literals)', async () => {
    const viewer = { organisationIds: [], coordinatedProgrammeIds: [], seesAllProjects: false };
    const settings = `select current_setting('jit') as jit, current_setting('plan_cache_mode') as mode`;
    // The EntityManager's road (resolvers).
    const em = app.orm.em.fork();
    await em.transactional(async (tx) => {
      await setSessionViewer(tx, viewer);
      expect(await tx.execute(settings)).toEqual([{ jit: 'off', mode: 'force_generic_plan' }]);
    });
  });
});

