import { FundingSource } from '../../src/modules/funding/funding.enums';
import { AreaType } from '../../src/modules/geography/geography.enums';
import { ProgrammeCeiling } from '../../src/modules/programme/programme-parts.entity';
import { Programme } from '../../src/modules/programme/programme.entity';
import { Scheme } from '../../src/modules/programme/programme.enums';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

const { ESR, EAFRD, STATE, MUNICIPAL } = FundingSource;

const FUNDING = `query($code: String!, $years: [Int!]) { programme(code: $code) { fundingByYear(years: $years) {
  year bySource { source planned granted paid } ceilings { sources annualAmount granted remaining approximate } } } }`;
const BOTH = `query($first: Int, $after: String) { organisationsInBothSchemes(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { name } } }`;
const THEMES = `{ themeSummary { theme { code } projectCount urbanProjects ruralProjects mixedProjects unknownProjects granted } }`;

type YearFunding = { year: number; bySource: unknown[]; ceilings: { sources: string[]; annualAmount: string; granted: string; remaining: string; approximate: boolean }[] };

describe('summaries over data the test builds', () => {
  let app: TestApp;
  let leaderCoordinator: string;

  beforeAll(async () => {
    app = await startTestApp('empty');
    const s = new Scenario(app.orm);
    const kake = s.programme({ code: 'SUM-KAKE', scheme: Scheme.KAKE, territory: [['70100', AreaType.URBAN], ['70870', AreaType.URBAN]] });
    // 70870 is urban to Kake and rural to Leader: unclassified.
    const leader = s.programme({
      code: 'SUM-LEADER',
      scheme: Scheme.LEADER,
      periodStart: '2019-01-01',
      periodEnd: '2020-12-31',
      territory: [['71160', AreaType.RURAL], ['70870', AreaType.RURAL]],
    });
    // Programmes for the statement count: without lines they still get their years and nothing else.
    for (let i = 0; i < 8; i++) s.programme({ code: `SUM-EXTRA-${i}` });
    const both = s.organisation({ name: 'alfa ry' });
    const kakeOnly = s.organisation({ name: 'Gamma ry' });
    const leaderOnly = s.organisation({ name: 'Delta ry' });
    const hiddenBoth = s.organisation({ name: 'Beeta ry' });
    s.project({
      programme: kake,
      lead: both,
      themes: ['CULTURE'],
      locations: ['70100'],
      funding: [
        { source: ESR, planned: '210000.00', granted: '200000.00', paid: '50000.00', decisionDate: '2018-03-01' },
        { source: STATE, granted: '60000.00', decisionDate: '2018-03-01' },
        { source: MUNICIPAL, granted: '40000.50', decisionDate: '2019-02-01' },
        // No decision date: in no year, as for the ceiling check.
        { source: ESR, planned: '1000.00' },
      ],
    });
    s.project({
      programme: kake,
      lead: kakeOnly,
      partners: [hiddenBoth],
      themes: ['CULTURE', 'LOCAL_FOOD'],
      locations: ['70100', '71160'],
      funding: [
        // Over the 300 000 € ceiling (as a coordinator's override would leave it).
        { source: ESR, granted: '70000.00', decisionDate: '2018-12-31' },
        { source: STATE, granted: '10000.00', decisionDate: '2019-01-01' },
      ],
    });
    s.project({ programme: leader, lead: leaderOnly, partners: [both], themes: ['LOCAL_FOOD'], locations: ['71160'], funding: [{ source: EAFRD, granted: '15000.00', decisionDate: '2019-05-05' }] });
    s.project({ programme: leader, lead: leaderOnly, themes: ['CULTURE'], locations: ['70870'] });
    s.project({ programme: leader, themes: ['LOCAL_FOOD'] });
    s.project({
      programme: leader,
      status: ProjectStatus.DRAFT,
      lead: hiddenBoth,
      themes: ['CULTURE'],
      locations: ['71160'],
      funding: [{ source: EAFRD, granted: '5000.00', decisionDate: '2019-06-01' }],
    });
    await s.save();
    const em = app.orm.em.fork();
    const kakeRow = await em.findOneOrFail(Programme, { code: 'SUM-KAKE' });
    em.create(ProgrammeCeiling, { programme: kakeRow, sources: [ESR, STATE], annualAmount: '300000.00', approximate: false });
    em.create(ProgrammeCeiling, { programme: kakeRow, sources: [MUNICIPAL], annualAmount: '100000.00', approximate: true });
    em.create(ProgrammeCeiling, { programme: kakeRow, sources: [ESR], annualAmount: '50000.00', year: 2019, approximate: false });
    await em.flush();
    leaderCoordinator = await app.signIn({ coordinatorOf: [leader.id] });
  });
  afterAll(() => app.close());

  const generic = (granted: string, remaining: string) => ({ sources: [ESR, STATE], annualAmount: '300000.00', granted, remaining, approximate: false });
  const municipal = (granted: string, remaining: string) => ({ sources: [MUNICIPAL], annualAmount: '100000.00', granted, remaining, approximate: true });

  it('sums each year of the period by source and against the ceilings that apply that year', async () => {
    const { programme } = dataOf(await app.gql(FUNDING, { code: 'SUM-KAKE' }));
    expect(programme.fundingByYear).toEqual([
      {
        year: 2018,
        bySource: [
          { source: ESR, planned: '280000.00', granted: '270000.00', paid: '50000.00' },
          { source: STATE, planned: '60000.00', granted: '60000.00', paid: '0.00' },
        ],
        ceilings: [generic('330000.00', '-30000.00'), municipal('0.00', '100000.00')],
      },
      {
        year: 2019,
        bySource: [
          { source: STATE, planned: '10000.00', granted: '10000.00', paid: '0.00' },
          { source: MUNICIPAL, planned: '40000.50', granted: '40000.50', paid: '0.00' },
        ],
        ceilings: [
          generic('10000.00', '290000.00'),
          municipal('40000.50', '59999.50'),
          { sources: [ESR], annualAmount: '50000.00', granted: '0.00', remaining: '50000.00', approximate: false },
        ],
      },
      { year: 2020, bySource: [], ceilings: [generic('0.00', '300000.00'), municipal('0.00', '100000.00')] },
    ]);
  });

  it('summarises the years asked for, and refuses years out of range or too many', async () => {
    const { programme } = dataOf(await app.gql(FUNDING, { code: 'SUM-KAKE', years: [2021, 2018, 2021] }));
    expect((programme.fundingByYear as YearFunding[]).map((y) => [y.year, y.ceilings[0].granted])).toEqual([
      [2018, '330000.00'],
      [2021, '0.00'],
    ]);
    for (const years of [[1899], [2200], Array.from({ length: 51 }, (_, i) => 1950 + i)]) {
      const response = await app.gql(FUNDING, { code: 'SUM-KAKE', years });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'years' });
    }
  });

  it("leaves a hidden draft's money and themes out for an anonymous viewer, not for its programme's coordinator", async () => {
    const anonymous = dataOf(await app.gql(FUNDING, { code: 'SUM-LEADER' })).programme.fundingByYear;
    const coordinator = dataOf(await app.gql(FUNDING, { code: 'SUM-LEADER' }, { token: leaderCoordinator })).programme.fundingByYear;
    expect(anonymous).toEqual([
      { year: 2019, bySource: [{ source: EAFRD, planned: '15000.00', granted: '15000.00', paid: '0.00' }], ceilings: [] },
      { year: 2020, bySource: [], ceilings: [] },
    ]);
    expect(coordinator[0].bySource).toEqual([{ source: EAFRD, planned: '20000.00', granted: '20000.00', paid: '0.00' }]);

    const themes = async (token?: string) =>
      Object.fromEntries(
        (dataOf(await app.gql(THEMES, {}, { token })).themeSummary as { theme: { code: string } }[])
          .filter((row) => ['CULTURE', 'LOCAL_FOOD'].includes(row.theme.code))
          .map(({ theme, ...counts }) => [theme.code, counts]),
      );
    expect(await themes()).toEqual({
      CULTURE: { projectCount: 3, urbanProjects: 1, ruralProjects: 0, mixedProjects: 1, unknownProjects: 1, granted: '380000.50' },
      LOCAL_FOOD: { projectCount: 3, urbanProjects: 0, ruralProjects: 1, mixedProjects: 1, unknownProjects: 1, granted: '95000.00' },
    });
    expect((await themes(leaderCoordinator)).CULTURE).toEqual({
      projectCount: 4,
      urbanProjects: 1,
      ruralProjects: 1,
      mixedProjects: 1,
      unknownProjects: 1,
      granted: '385000.50',
    });

    const names = async (token?: string) => dataOf(await app.gql(BOTH, { first: 10 }, { token })).organisationsInBothSchemes.nodes.map((o: { name: string }) => o.name);
    expect(await names()).toEqual(['alfa ry']);
    expect(await names(leaderCoordinator)).toEqual(['alfa ry', 'Beeta ry']);
  });

  it('lists every theme, those without projects with zeros', async () => {
    const rows = dataOf(await app.gql(THEMES)).themeSummary as { theme: { code: string }; projectCount: number; granted: string }[];
    const codes = rows.map((row) => row.theme.code);
    expect(codes).toEqual([...codes].sort());
    expect(codes).toContain('YOUTH_PARTICIPATION');
    expect(rows.find((row) => row.theme.code === 'YOUTH_PARTICIPATION')).toMatchObject({ projectCount: 0, granted: '0.00' });
  });

  it('pages organisations in both schemes by name', async () => {
    const first = dataOf(await app.gql(BOTH, { first: 1 }, { token: leaderCoordinator })).organisationsInBothSchemes;
    expect(first).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true }, nodes: [{ name: 'alfa ry' }] });
    const second = dataOf(await app.gql(BOTH, { first: 1, after: first.pageInfo.endCursor }, { token: leaderCoordinator })).organisationsInBothSchemes;
    expect(second).toMatchObject({ pageInfo: { hasNextPage: false }, nodes: [{ name: 'Beeta ry' }] });
  });

  it('sends the same number of statements for a page of 2 programmes as for 10', async () => {
    const query = `query($first: Int!) { programmes(first: $first) { nodes { code
      fundingByYear { year bySource { source granted } ceilings { remaining } }
      recent: fundingByYear(years: [2019, 2020]) { year } } } }`;
    let small: { programmes: { nodes: unknown[] } } | undefined;
    let large: { programmes: { nodes: unknown[] } } | undefined;
    const forTwo = await app.countStatements(async () => void (small = dataOf(await app.gql(query, { first: 2 }))));
    const forTen = await app.countStatements(async () => void (large = dataOf(await app.gql(query, { first: 10 }))));
    expect(small?.programmes.nodes).toHaveLength(2);
    expect(large?.programmes.nodes).toHaveLength(10);
    expect(forTen).toBe(forTwo);
    // The page, then one statement per argument set.
    expect(forTen).toBeLessThanOrEqual(3);
  });
});

describe("summaries of the demo data: Kake Kuopio 2018–2020's ceilings", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('demo');
  });
  afterAll(() => app.close());

  it('shows the 300 000 € hard ceiling and the approximate 100 000 € one each year, with the room left', async () => {
    const years = dataOf(await app.gql(FUNDING, { code: 'KAKE-KUOPIO-2018' })).programme.fundingByYear as YearFunding[];
    expect(years.map((y) => y.year)).toEqual([2018, 2019, 2020]);
    // What an anonymous viewer may see, summed independently by the owner (who bypasses row-level security).
    const expected = await app.sql<{ year: number; esr_state: string; municipal: string }>(
      `select y as year,
              coalesce(sum(f.granted) filter (where f.source in ('ESR', 'STATE')), 0.00)::text as esr_state,
              coalesce(sum(f.granted) filter (where f.source = 'MUNICIPAL'), 0.00)::text as municipal
       from generate_series(2018, 2020) y
       left join (funding_line f join project p on p.id = f.project_id join programme g on g.id = p.programme_id
                  and g.code = 'KAKE-KUOPIO-2018' and p.status not in ('DRAFT', 'REJECTED'))
         on extract(year from f.decision_date) = y
       group by y order by y`,
    );
    const cents = (euros: string) => BigInt(euros.replace('.', ''));
    for (const [index, year] of years.entries()) {
      const [hard, municipalCeiling] = year.ceilings;
      expect(hard).toMatchObject({ sources: [ESR, STATE], annualAmount: '300000.00', approximate: false, granted: expected[index].esr_state });
      expect(municipalCeiling).toMatchObject({ sources: [MUNICIPAL], annualAmount: '100000.00', approximate: true, granted: expected[index].municipal });
      for (const ceiling of [hard, municipalCeiling]) {
        expect(cents(ceiling.remaining)).toBe(cents(ceiling.annualAmount) - cents(ceiling.granted));
      }
    }
    // The demo grants something under the hard ceiling in at least one year, or the check proves little.
    expect(years.some((y) => y.ceilings[0].granted !== '0.00')).toBe(true);
  });
});
