import { OrganisationType } from '../../src/modules/organisation/organisation.enums';
import { Scheme } from '../../src/modules/programme/programme.enums';
import { ORGANISATION_SEARCH_DOCUMENT } from '../../src/modules/organisation/organisation.entity';
import { PROGRAMME_SEARCH_DOCUMENT } from '../../src/modules/programme/programme.entity';
import { PROJECT_SEARCH_DOCUMENT } from '../../src/modules/project/project.entity';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const programme = s.programme({ name: 'Kylien ja kaupungin yhteinen ohjelma', scheme: Scheme.LEADER });
  const youth = s.project({ programme, title: 'Nuoret kylille', summary: 'Harrastuksia maaseudun nuorille.' });
  const lounge = s.project({ programme, title: 'Olohuone Hiltulanlahdessa', summary: 'Kohtaamispaikka, jossa nuorten ääni kuuluu.' });
  const village = s.project({ programme, title: 'Kylätalon korjaus', summary: 'Yhteisöllisyyttä kylätalolla 🏡 talkoilla.' });
  const unrelated = s.project({ programme, title: 'Lähiruokaa kouluihin', summary: 'Paikallista ruokaa.' });
  const association = s.organisation({ name: 'Riistaveden kyläyhdistys ry', type: OrganisationType.ASSOCIATION });
  await s.save();
  Object.assign(ids, {
    youth: idOf(youth),
    lounge: idOf(lounge),
    village: idOf(village),
    unrelated: idOf(unrelated),
    association: idOf(association),
    programme: idOf(programme),
  });
});
afterAll(() => app.close());

async function search(query: string, first = 10): Promise<{ id: string; type: string; score: number }[]> {
  const result = dataOf(
    await app.gql(
      `query($q: String!, $first: Int) { search(query: $q, first: $first) { edges { score node { __typename ... on Node { id } } } } }`,
      { q: query, first },
    ),
  );
  return result.search.edges.map((hit: { score: number; node: { __typename: string; id: string } }) => ({
    id: hit.node.id,
    type: hit.node.__typename,
    score: hit.score,
  }));
}

const PAGE = `query($q: String!, $first: Int, $after: String, $last: Int, $before: String) {
  search(query: $q, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ... on Node { id } } }
  }
}`;

async function page(variables: Record<string, unknown>) {
  return dataOf(await app.gql(PAGE, { q: 'kylä', ...variables })).search;
}

describe('search', () => {
  it('finds inflected Finnish forms: "nuorten" finds "Nuoret kylille" and the lounge for young people', async () => {
    const hits = await search('nuorten');
    expect(hits.map((hit) => hit.id)).toEqual(expect.arrayContaining([ids.youth, ids.lounge]));
    expect(hits.map((hit) => hit.id)).not.toContain(ids.unrelated);
  });

  it('ranks a title match above a match in the summary only', async () => {
    const hits = await search('nuoret');
    expect(hits[0].id).toBe(ids.youth);
    expect(hits.findIndex((hit) => hit.id === ids.lounge)).toBeGreaterThan(0);
    expect(hits[0].score).toBeGreaterThan(hits[1].score);
  });

  it('tolerates typos through trigrams', async () => {
    expect((await search('olohune')).map((hit) => hit.id)).toContain(ids.lounge);
    expect((await search('kyläyhdisys')).map((hit) => hit.id)).toContain(ids.association);
  });

  it('searches organisations, projects and programmes in one box', async () => {
    const hits = await search('kylä');
    const types = new Set(hits.map((hit) => hit.type));
    expect(types).toEqual(new Set(['Organisation', 'Project', 'Programme']));
  });

  it('handles stop words, punctuation and tsquery syntax safely', async () => {
    expect(await search('ja')).toEqual([]);
    expect(await search("!!! & | ' :*")).toEqual([]);
    expect((await search("kylätalo' | :*")).map((hit) => hit.id)).toContain(ids.village);
  });

  it('limits the number of results', async () => {
    expect(await search('kylä', 1)).toHaveLength(1);
  });

  it('pages through the ranking with first/after, as one list, with totalCount', async () => {
    const all = await page({ first: 100 });
    expect(all.totalCount).toBeGreaterThanOrEqual(4);
    expect(all.edges).toHaveLength(all.totalCount);
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result = await page({ first: 2, after });
      ids.push(...result.edges.map((edge: { node: { id: string } }) => edge.node.id));
      expect(result.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(result.totalCount).toBe(all.totalCount);
      pages += 1;
      if (!result.pageInfo.hasNextPage) break;
      after = result.pageInfo.endCursor;
    }
    expect(pages).toBe(Math.ceil(all.totalCount / 2));
    expect(ids).toEqual(all.edges.map((edge: { node: { id: string } }) => edge.node.id));
  });

  it('pages backward with last/before, in the same order', async () => {
    const all = await page({ first: 100 });
    const lastTwo = await page({ last: 2 });
    expect(lastTwo.edges.map((edge: { cursor: string }) => edge.cursor)).toEqual(all.edges.slice(-2).map((edge: { cursor: string }) => edge.cursor));
    const before = await page({ last: 2, before: lastTwo.pageInfo.startCursor });
    expect(before.edges.map((edge: { cursor: string }) => edge.cursor)).toEqual(all.edges.slice(-4, -2).map((edge: { cursor: string }) => edge.cursor));
    expect(before.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses cursors that did not come from search', async () => {
    const forged = [
      Buffer.from('nonsense').toString('base64url'),
      Buffer.from(JSON.stringify([0.5, 'User:1'])).toString('base64url'),
      Buffer.from(JSON.stringify(['high', 'Project:1'])).toString('base64url'),
      Buffer.from(JSON.stringify([0.5, 7])).toString('base64url'),
    ];
    for (const after of forged) {
      const result = await app.gql(PAGE, { q: 'kylä', first: 2, after });
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].extensions?.argumentName).toBe('after');
    }
  });

  it('keeps each search document in a stored column built from the same expression, indexed, and matched by the project candidates function', async () => {
    const stored = await app.sql<{ table: string; expression: string }>(
      `select table_name as table, generation_expression as expression from information_schema.columns
        where column_name = 'search_document' and table_schema = current_schema() order by table_name`,
    );
    expect(stored.map((row) => row.table)).toEqual(['organisation', 'programme', 'project']);
    const documents: Record<string, string> = {
      organisation: ORGANISATION_SEARCH_DOCUMENT,
      programme: PROGRAMME_SEARCH_DOCUMENT,
      project: PROJECT_SEARCH_DOCUMENT,
    };
    // PostgreSQL spells the expression its own way (casts, parentheses): compare the words that matter.
    const casts = ['text', 'regconfig', 'char'];
    const words = (sql: string): string[] => (sql.replace(/COALESCE/g, 'coalesce').match(/'[^']*'|[a-z_]+/g) ?? []).filter((word) => !casts.includes(word));
    for (const { table, expression } of stored) {
      expect(words(expression)).toEqual(words(documents[table]));
      const [index] = await app.sql<{ def: string }>(`select pg_get_indexdef(?::regclass) as def`, [`${table}_search_idx`]);
      expect(index.def).toContain('USING gin (search_document)');
    }
    const [fn] = await app.sql<{ def: string }>(`select pg_get_functiondef('silta_project_search_candidates(tsquery, text)'::regprocedure) as def`);
    expect(fn.def).toContain('p.search_document @@ p_query');
  });
});
