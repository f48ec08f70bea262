import { FundingSource } from '../../src/modules/funding/funding.enums';
import { Scheme } from '../../src/modules/programme/programme.enums';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let programmeId: string;
const PROJECTS = 57;

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const programme = s.programme({ scheme: Scheme.KAKE });
  for (let i = 0; i < PROJECTS; i++) {
    s.project({
      programme,
      // Repeated titles, missing dates and equal amounts exercise the tie-breaker.
      title: `Hanke ${String.fromCharCode(65 + (i % 9))}`,
      plannedStart: i % 5 === 0 ? undefined : `2018-0${1 + (i % 9)}-01`,
      plannedEnd: i % 5 === 0 ? undefined : '2020-12-31',
      funding: i % 4 === 0 ? [] : [{ source: FundingSource.ESR, granted: `${(i % 6) * 1000}.50` }],
    });
  }
  await s.save();
  programmeId = idOf(programme);
});
afterAll(() => app.close());

interface Page {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const PROJECT_PAGE = `
  query Page($filter: ProjectFilter, $orderBy: ProjectOrder, $first: Int, $after: String, $last: Int, $before: String) {
    projects(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

async function walkForward(variables: Record<string, unknown>, size: number): Promise<{ ids: string[]; total: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let total = -1;
  for (let guard = 0; guard < 100; guard++) {
    const page: Page = dataOf(await app.gql<{ projects: Page }>(PROJECT_PAGE, { ...variables, first: size, after })).projects;
    total = page.totalCount;
    ids.push(...page.edges.map((edge) => edge.node.id));
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { ids, total };
}

async function walkBackward(variables: Record<string, unknown>, size: number): Promise<string[]> {
  const ids: string[] = [];
  let before: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page: Page = dataOf(await app.gql<{ projects: Page }>(PROJECT_PAGE, { ...variables, last: size, before })).projects;
    ids.unshift(...page.edges.map((edge) => edge.node.id));
    if (!page.pageInfo.hasPreviousPage) break;
    before = page.pageInfo.startCursor;
  }
  return ids;
}

describe('cursor pagination', () => {
  const orders = ['TITLE', 'CODE', 'START_DATE', 'GRANTED_AMOUNT'].flatMap((field) =>
    ['ASC', 'DESC'].map((direction) => ({ field, direction })),
  );

  it.each(orders)('visits every project exactly once ordered by $field $direction, forwards and backwards', async (orderBy) => {
    const variables = { filter: { programme: programmeId }, orderBy };
    const forward = await walkForward(variables, 7);
    expect(forward.total).toBe(PROJECTS);
    expect(forward.ids).toHaveLength(PROJECTS);
    expect(new Set(forward.ids).size).toBe(PROJECTS);
    // Backwards paging gives the same sequence.
    expect(await walkBackward(variables, 6)).toEqual(forward.ids);
    // One big page agrees with the small ones.
    const all = dataOf(await app.gql<{ projects: Page }>(PROJECT_PAGE, { ...variables, first: 100 })).projects;
    expect(all.edges.map((edge) => edge.node.id)).toEqual(forward.ids);
  });

  it('orders by granted amount correctly, largest first', async () => {
    const result = dataOf(
      await app.gql(
        `query($p: ID!) { projects(filter: { programme: $p }, orderBy: { field: GRANTED_AMOUNT, direction: DESC }, first: 100) {
           nodes { fundingTotals { granted } } } }`,
        { p: programmeId },
      ),
    );
    const amounts = result.projects.nodes.map((node: { fundingTotals: { granted: string } }) => Number(node.fundingTotals.granted));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    expect(amounts[0]).toBe(5000.5);
  });

  it('defaults to 20 items and reports pageInfo on an empty page', async () => {
    const page = dataOf(await app.gql<{ projects: Page }>(PROJECT_PAGE, { filter: { programme: programmeId } })).projects;
    expect(page.edges).toHaveLength(20);
    const empty = dataOf(await app.gql<{ projects: Page }>(PROJECT_PAGE, { filter: { programme: programmeId, status: ['DRAFT'] } })).projects;
    expect(empty).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('pages through reference data: all 309 municipalities and the postal areas of Kuopio', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const page: {
        totalCount: number;
        nodes: { code: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      } = dataOf(
        await app.gql(
          `query($after: String) { municipalities(first: 100, after: $after, orderBy: { field: NAME }) {
             totalCount nodes { code } pageInfo { hasNextPage endCursor } } }`,
          { after },
        ),
      ).municipalities;
      total = page.totalCount;
      seen.push(...page.nodes.map((node) => node.code));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(300);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);

    const kuopio = dataOf(
      await app.gql(`{ municipality(code: "297") { postalAreas(first: 100) { totalCount pageInfo { hasNextPage endCursor } } } }`),
    ).municipality.postalAreas;
    expect(kuopio.totalCount).toBe(121);
    const rest = dataOf(
      await app.gql(`query($after: String) { municipality(code: "297") { postalAreas(first: 100, after: $after) { nodes { postalCode } pageInfo { hasNextPage } } } }`, {
        after: kuopio.pageInfo.endCursor,
      }),
    ).municipality.postalAreas;
    expect(rest.nodes).toHaveLength(21);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('pages a nested connection the same way', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { totalCount: number; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } = dataOf(
        await app.gql(
          `query($id: ID!, $after: String) { node(id: $id) { ... on Programme { projects(first: 10, after: $after, orderBy: { field: START_DATE }) {
             totalCount nodes { id } pageInfo { hasNextPage endCursor } } } } }`,
          { id: programmeId, after },
        ),
      ).node.projects;
      expect(page.totalCount).toBe(PROJECTS);
      seen.push(...page.nodes.map((node) => node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(PROJECTS);
    expect(seen).toHaveLength(PROJECTS);
  });
});
