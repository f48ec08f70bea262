import { FundingSource } from '../../src/modules/funding/funding.enums';
import { AreaType } from '../../src/modules/geography/geography.enums';
import { Scheme } from '../../src/modules/programme/programme.enums';
import { Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;

beforeAll(async () => {
  // The resolvers' batching (the compiled road answers these in one statement: compiled-reads.test.ts).
  app = await startTestApp('empty', { compiledReads: false });
  const s = new Scenario(app.orm);
  const programmes = [
    s.programme({ scheme: Scheme.KAKE, territory: [['70100', AreaType.URBAN], ['70870', AreaType.URBAN]] }),
    s.programme({ scheme: Scheme.LEADER, territory: [['71160', AreaType.RURAL], ['70870', AreaType.RURAL]] }),
  ];
  const organisations = Array.from({ length: 12 }, (_, i) => s.organisation({ municipalityCode: '297', postalCode: i % 2 ? '70100' : '71160' }));
  for (let i = 0; i < 60; i++) {
    s.project({
      programme: programmes[i % 2],
      title: `Hanke ${i}`,
      plannedStart: '2018-01-01',
      plannedEnd: '2020-12-31',
      lead: organisations[i % 12],
      partners: [organisations[(i + 1) % 12], organisations[(i + 5) % 12]],
      themes: ['COMMUNITY', 'YOUTH_PARTICIPATION'],
      targetGroups: ['YOUNG_PEOPLE'],
      locations: ['70870'],
      funding: [
        { source: FundingSource.ESR, granted: '1000.00' },
        { source: FundingSource.MUNICIPAL, granted: '250.25' },
      ],
    });
  }
  await s.save();
});
afterAll(() => app.close());

// Each loader is reached at one depth here. A loader reached at two depths (say postal areas of
// organisations and of territories) costs one statement per depth, or one when both batches happen
// to fall in the same tick, so the count would still not grow with page size but could differ by one.
const NESTED = `
  query Nested($first: Int!) {
    projects(first: $first) {
      totalCount
      nodes {
        code
        programme { name scheme territory(first: 5) { totalCount nodes { areaType postalArea { nameFi municipality { nameFi } } } } }
        leadOrganisation { name homeMunicipality { nameFi } }
        participations(first: 10) { totalCount nodes { role organisation { name contactPeople { name } externalIds { system } } } }
        fundingLines { nodes { source granted } }
        fundingTotals { granted bySource { source granted } }
        themes { code labelFi }
        targetGroups { code }
        locations { postalCode coverage { areaType programme { code } } }
        parent { code }
        children { totalCount }
      }
    }
  }`;

describe('batching', () => {
  it('sends the same number of SQL statements for a page of 5 as for a page of 50', async () => {
    let small: unknown;
    let large: unknown;
    const forFive = await app.countStatements(async () => {
      small = dataOf(await app.gql(NESTED, { first: 5 }));
    });
    const forFifty = await app.countStatements(async () => {
      large = dataOf(await app.gql(NESTED, { first: 50 }));
    });
    expect((small as { projects: { nodes: unknown[] } }).projects.nodes).toHaveLength(5);
    expect((large as { projects: { nodes: unknown[] } }).projects.nodes).toHaveLength(50);
    expect(forFifty).toBe(forFive);
    // A bound, so that a regression that adds per-field queries shows up too.
    expect(forFifty).toBeLessThanOrEqual(25);
  });

  it('batches the organisation → participations → project → programme direction too', async () => {
    const query = `query($first: Int!) { organisations(first: $first) { nodes { name
      participations(first: 20) { nodes { role project { title programme { code } fundingTotals { granted } } } } } } }`;
    const forThree = await app.countStatements(async () => void dataOf(await app.gql(query, { first: 3 })));
    const forTwelve = await app.countStatements(async () => void dataOf(await app.gql(query, { first: 12 })));
    expect(forTwelve).toBe(forThree);
  });

  it('loads nodes(ids:) of several types in one statement per type', async () => {
    const ids = dataOf(await app.gql(`{ projects(first: 30) { nodes { id } } organisations(first: 10) { nodes { id } } }`));
    const all = [...ids.projects.nodes, ...ids.organisations.nodes].map((node: { id: string }) => node.id);
    let result: { nodes: ({ id: string } | null)[] } | undefined;
    const statements = await app.countStatements(async () => {
      result = dataOf(await app.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: all }));
    });
    expect(result!.nodes.map((node) => node?.id)).toEqual(all);
    expect(statements).toBe(2);
  });
});
