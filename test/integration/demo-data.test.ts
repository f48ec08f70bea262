import { dataOf, startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('demo');
});
afterAll(() => app.close());

describe('demo data', () => {
  it('has about 40 organisations and 80 projects, all marked as demo data', async () => {
    const analyst = await app.signIn({ analyst: true });
    const data = dataOf(
      await app.gql(`{
        organisations(first: 100) { totalCount nodes { isDemo } }
        projects(first: 100) { totalCount nodes { isDemo } }
        programmes(first: 100) { totalCount nodes { isDemo } }
      }`, {}, { token: analyst }),
    );
    expect(data.organisations.totalCount).toBeGreaterThanOrEqual(40);
    expect(data.projects.totalCount).toBeGreaterThanOrEqual(80);
    for (const list of [data.organisations, data.projects, data.programmes]) {
      expect(list.nodes.every((node: { isDemo: boolean }) => node.isDemo)).toBe(true);
    }
  });

  it('describes Kake Kuopio 2018–2020 from its founding decision', async () => {
    const kake = dataOf(
      await app.gql(`{ programme(code: "KAKE-KUOPIO-2018") {
        scheme periodStart periodEnd
        parent { scheme }
        administeringOrganisation { type }
        decisions { body date reference outcome }
        ceilings { sources annualAmount approximate }
        objectives { priorityAxis }
        funders { source organisation { type } }
        territory(first: 1, filter: { areaType: URBAN }) { totalCount }
      } }`),
    ).programme;
    expect(kake).toMatchObject({ scheme: 'KAKE', periodStart: '2018-01-01', periodEnd: '2020-12-31', administeringOrganisation: { type: 'MUNICIPALITY' } });
    expect(kake.decisions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ date: '2017-10-02', reference: 'Kaupunginhallitus 2.10.2017 § 120', outcome: 'APPROVED' }),
        expect.objectContaining({ date: '2017-10-23', outcome: 'PENDING' }),
      ]),
    );
    expect(kake.ceilings).toEqual(
      expect.arrayContaining([
        { sources: ['ESR', 'STATE'], annualAmount: '300000.00', approximate: false },
        { sources: ['MUNICIPAL'], annualAmount: '100000.00', approximate: true },
      ]),
    );
    expect(new Set(kake.objectives.map((objective: { priorityAxis: number }) => objective.priorityAxis))).toEqual(new Set([3, 4, 5]));
    expect(kake.territory.totalCount).toBeGreaterThan(10);
  });

  it('plants the same association in both schemes and a fringe area covered by both', async () => {
    const data = dataOf(
      await app.gql(`{
        kake: organisations(first: 100, filter: { scheme: KAKE }) { nodes { businessId } }
        leader: organisations(first: 100, filter: { scheme: LEADER }) { nodes { businessId } }
        postalArea(postalCode: "70870") { nameFi coverage { areaType programme { scheme } } }
      }`),
    );
    const kake = new Set(data.kake.nodes.map((node: { businessId: string | null }) => node.businessId).filter(Boolean));
    const both = data.leader.nodes.filter((node: { businessId: string | null }) => node.businessId && kake.has(node.businessId));
    expect(both.length).toBeGreaterThanOrEqual(2);
    expect(data.postalArea.coverage).toEqual(
      expect.arrayContaining([
        { areaType: 'URBAN', programme: { scheme: 'KAKE' } },
        { areaType: 'RURAL', programme: { scheme: 'LEADER' } },
      ]),
    );
  });

  it('finds both youth projects of Hiltulanlahti with one Finnish search', async () => {
    const hits = dataOf(await app.gql(`{ search(query: "nuorten kohtaamispaikka Hiltulanlahti", first: 5) { edges { node { ... on Project { code } } } } }`)).search.edges;
    expect(hits.map((hit: { node: { code?: string } }) => hit.node.code)).toEqual(expect.arrayContaining(['KAKE-KUO-2018-02', 'LEADER-KAK-2018-01']));
  });

  it('shows the planted double funding: matching ESR and EAFRD grants for the same lead', async () => {
    const data = dataOf(
      await app.gql(`{
        kake: project(code: "KAKE-KUO-2018-04") { leadOrganisation { businessId } fundingTotals { bySource { source granted } } }
        leader: project(code: "LEADER-KAK-2018-03") { leadOrganisation { businessId } fundingTotals { bySource { source granted } } }
      }`),
    );
    expect(data.kake.leadOrganisation.businessId).toBe(data.leader.leadOrganisation.businessId);
    const granted = (project: { fundingTotals: { bySource: { source: string; granted: string }[] } }, source: string) =>
      project.fundingTotals.bySource.find((line) => line.source === source)?.granted;
    expect(granted(data.kake, 'ESR')).toBe(granted(data.leader, 'EAFRD'));
  });
});
