import { OrganisationType } from '../../src/modules/organisation/organisation.enums';
import { Scheme } from '../../src/modules/programme/programme.enums';
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
      `query($q: String!, $first: Int) { search(query: $q, first: $first) { score node { __typename ... on Node { id } } } }`,
      { q: query, first },
    ),
  );
  return result.search.map((hit: { score: number; node: { __typename: string; id: string } }) => ({
    id: hit.node.id,
    type: hit.node.__typename,
    score: hit.score,
  }));
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
});
