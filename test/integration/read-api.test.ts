import { ref } from '@mikro-orm/core';
import { FundingSource } from '../../src/modules/funding/funding.enums';
import { AreaType } from '../../src/modules/geography/geography.enums';
import { OrganisationType } from '../../src/modules/organisation/organisation.enums';
import { Scheme } from '../../src/modules/programme/programme.enums';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const parentProgramme = s.programme({ code: 'PARENT-OP', name: 'Kestävää kasvua ja työtä', scheme: Scheme.OTHER, periodStart: '2014-01-01', periodEnd: '2020-12-31' });
  const kake = s.programme({
    code: 'KAKE-T',
    name: 'Kake testi',
    scheme: Scheme.KAKE,
    territory: [['70100', AreaType.URBAN], ['70870', AreaType.URBAN]],
  });
  kake.parent = ref(parentProgramme);
  const leader = s.programme({ code: 'LEADER-T', name: 'Leader testi', scheme: Scheme.LEADER, territory: [['71160', AreaType.RURAL], ['70870', AreaType.RURAL]] });
  const city = s.organisation({ name: 'Kuopion kaupunki', type: OrganisationType.MUNICIPALITY, businessId: '0171450-7', municipalityCode: '297', postalCode: '70100' });
  kake.administeringOrganisation = ref(city);
  const association = s.organisation({ name: 'Hiltulanlahden nuoret ry', businessId: '1234567-1', municipalityCode: '297', postalCode: '70870' });
  const umbrella = s.project({
    programme: kake,
    code: 'KAKE-T-1',
    title: 'Kattohanke',
    status: ProjectStatus.ONGOING,
    plannedStart: '2018-03-01',
    plannedEnd: '2020-10-31',
    lead: city,
    partners: [association],
    themes: ['PARTICIPATION', 'COMMUNITY'],
    targetGroups: ['YOUNG_PEOPLE'],
    locations: ['70100', '70870'],
    funding: [
      { source: FundingSource.ESR, planned: '100000.00', granted: '90000.10', paid: '45000.05' },
      { source: FundingSource.STATE, planned: '25000.00', granted: '22500.20', paid: '0.00' },
      { source: FundingSource.ESR, planned: '0.00', granted: '0.01' },
    ],
  });
  const pilot = s.project({ programme: kake, code: 'KAKE-T-2', title: 'Pilotti', lead: association, parent: umbrella });
  const rural = s.project({ programme: leader, code: 'LEADER-T-1', title: 'Kylän nuoret', lead: association, locations: ['70870'] });
  await s.save();
  Object.assign(ids, {
    kake: idOf(kake),
    leader: idOf(leader),
    parent: idOf(parentProgramme),
    city: idOf(city),
    association: idOf(association),
    umbrella: idOf(umbrella),
    pilot: idOf(pilot),
    rural: idOf(rural),
  });
});
afterAll(() => app.close());

describe('natural-key lookups', () => {
  it('finds a project by code, a programme by code and an organisation by Y-tunnus', async () => {
    const data = dataOf(
      await app.gql(`{
        project(code: "KAKE-T-1") { id title status plannedStart plannedEnd }
        programme(code: "KAKE-T") { id name scheme periodStart periodEnd }
        organisation(businessId: "0171450-7") { id name type businessId }
      }`),
    );
    expect(data.project).toEqual({ id: ids.umbrella, title: 'Kattohanke', status: 'ONGOING', plannedStart: '2018-03-01', plannedEnd: '2020-10-31' });
    expect(data.programme).toEqual({ id: ids.kake, name: 'Kake testi', scheme: 'KAKE', periodStart: '2018-01-01', periodEnd: '2020-12-31' });
    expect(data.organisation).toEqual({ id: ids.city, name: 'Kuopion kaupunki', type: 'MUNICIPALITY', businessId: '0171450-7' });
  });
});

describe('relations in both directions', () => {
  it('goes organisation → participations → project → programme → territory', async () => {
    const data = dataOf(
      await app.gql(`query($id: ID!) { node(id: $id) { ... on Organisation {
        name homeMunicipality { code nameFi } postalArea { postalCode nameFi }
        participations { totalCount nodes { role project { code programme { code scheme
          territory { totalCount nodes { areaType postalArea { postalCode municipality { code } } } } } } } }
      } } }`, { id: ids.association }),
    ).node;
    expect(data.homeMunicipality).toEqual({ code: '297', nameFi: 'Kuopio' });
    expect(data.postalArea).toEqual({ postalCode: '70870', nameFi: 'HILTULANLAHTI' });
    expect(data.participations.totalCount).toBe(3);
    const byCode = Object.fromEntries(data.participations.nodes.map((p: { role: string; project: { code: string } }) => [p.project.code, p]));
    expect(byCode['KAKE-T-1'].role).toBe('PARTNER');
    expect(byCode['LEADER-T-1'].role).toBe('LEAD');
    expect(byCode['LEADER-T-1'].project.programme.territory).toEqual({
      totalCount: 2,
      nodes: [
        { areaType: 'RURAL', postalArea: { postalCode: '70870', municipality: { code: '297' } } },
        { areaType: 'RURAL', postalArea: { postalCode: '71160', municipality: { code: '297' } } },
      ],
    });
  });

  it('goes programme → projects, parent and children, and administering organisation', async () => {
    const data = dataOf(
      await app.gql(`{ programme(code: "KAKE-T") {
        parent { code children { nodes { code } } }
        administeringOrganisation { name administeredProgrammes { code } }
        projects(orderBy: { field: CODE }) { totalCount nodes { code parent { code } children { nodes { code } } } }
      } }`),
    ).programme;
    expect(data.parent).toEqual({ code: 'PARENT-OP', children: { nodes: [{ code: 'KAKE-T' }] } });
    expect(data.administeringOrganisation).toEqual({ name: 'Kuopion kaupunki', administeredProgrammes: [{ code: 'KAKE-T' }] });
    expect(data.projects).toEqual({
      totalCount: 2,
      nodes: [
        { code: 'KAKE-T-1', parent: null, children: { nodes: [{ code: 'KAKE-T-2' }] } },
        { code: 'KAKE-T-2', parent: { code: 'KAKE-T-1' }, children: { nodes: [] } },
      ],
    });
  });

  it('gives a project its lead, vocabularies, locations with coverage, and exact funding totals by source', async () => {
    const data = dataOf(
      await app.gql(`{ project(code: "KAKE-T-1") {
        leadOrganisation { name }
        participations(role: PARTNER) { nodes { organisation { name } } }
        themes { code labelFi labelEn } targetGroups { code }
        locations { postalCode coverage { areaType programme { code } } }
        fundingLines { totalCount nodes { source planned granted paid } }
        fundingTotals { planned granted paid bySource { source planned granted paid } }
      } }`),
    ).project;
    expect(data.leadOrganisation).toEqual({ name: 'Kuopion kaupunki' });
    expect(data.participations.nodes).toEqual([{ organisation: { name: 'Hiltulanlahden nuoret ry' } }]);
    expect(data.themes.map((theme: { code: string }) => theme.code)).toEqual(['COMMUNITY', 'PARTICIPATION']);
    expect(data.themes[0].labelFi).toBeTruthy();
    expect(data.targetGroups).toEqual([{ code: 'YOUNG_PEOPLE' }]);
    const fringe = data.locations.find((location: { postalCode: string }) => location.postalCode === '70870');
    expect(fringe.coverage).toEqual(
      expect.arrayContaining([
        { areaType: 'URBAN', programme: { code: 'KAKE-T' } },
        { areaType: 'RURAL', programme: { code: 'LEADER-T' } },
      ]),
    );
    expect(data.fundingLines.totalCount).toBe(3);
    expect(data.fundingTotals).toEqual({
      planned: '125000.00',
      granted: '112500.31',
      paid: '45000.05',
      bySource: [
        { source: 'ESR', planned: '100000.00', granted: '90000.11', paid: '45000.05' },
        { source: 'STATE', planned: '25000.00', granted: '22500.20', paid: '0.00' },
      ],
    });
  });

  it('goes from vocabulary and geography back to projects', async () => {
    const data = dataOf(
      await app.gql(`{
        themes { code projects { nodes { code } } }
        postalArea(postalCode: "70870") { projects(orderBy: { field: CODE }) { totalCount nodes { code } } coverage { programme { code } } }
      }`),
    );
    const participation = data.themes.find((theme: { code: string }) => theme.code === 'PARTICIPATION');
    expect(participation.projects.nodes).toEqual([{ code: 'KAKE-T-1' }]);
    expect(data.postalArea.projects).toEqual({ totalCount: 2, nodes: [{ code: 'KAKE-T-1' }, { code: 'LEADER-T-1' }] });
  });

  it('resolves every kind of node by its global ID', async () => {
    const data = dataOf(
      await app.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, {
        ids: [ids.kake, ids.city, ids.umbrella],
      }),
    );
    expect(data.nodes).toEqual([
      { __typename: 'Programme', id: ids.kake },
      { __typename: 'Organisation', id: ids.city },
      { __typename: 'Project', id: ids.umbrella },
    ]);
    const municipality = dataOf(await app.gql(`{ municipality(code: "297") { id } }`)).municipality;
    expect(dataOf(await app.gql(`query($id: ID!) { node(id: $id) { ... on Municipality { nameFi } } }`, { id: municipality.id })).node).toEqual({
      nameFi: 'Kuopio',
    });
  });
});

describe('filters', () => {
  async function codes(filter: Record<string, unknown>): Promise<string[]> {
    const data = dataOf(
      await app.gql(`query($filter: ProjectFilter) { projects(filter: $filter, orderBy: { field: CODE }) { nodes { code } } }`, { filter }),
    );
    return data.projects.nodes.map((node: { code: string }) => node.code);
  }

  it.each([
    [{ scheme: 'KAKE' }, ['KAKE-T-1', 'KAKE-T-2']],
    [{ scheme: 'LEADER' }, ['LEADER-T-1']],
    [{ status: ['ONGOING'] }, ['KAKE-T-1', 'KAKE-T-2', 'LEADER-T-1']],
    [{ theme: 'COMMUNITY' }, ['KAKE-T-1']],
    [{ targetGroup: 'YOUNG_PEOPLE' }, ['KAKE-T-1']],
    [{ municipalityCode: '297' }, ['KAKE-T-1', 'LEADER-T-1']],
    [{ postalCode: '70100' }, ['KAKE-T-1']],
    [{ areaType: 'RURAL' }, ['KAKE-T-1', 'LEADER-T-1']],
    [{ areaType: 'URBAN', scheme: 'LEADER' }, ['LEADER-T-1']],
    [{ activeOn: '2018-03-01' }, ['KAKE-T-1']],
    [{ activeOn: '2020-11-01' }, []],
    [{ overlaps: { start: '2020-10-31', end: '2021-01-01' } }, ['KAKE-T-1']],
    [{ overlaps: { start: '2017-01-01', end: '2018-02-28' } }, []],
  ])('projects(filter: %j)', async (filter, expected) => {
    expect(await codes(filter)).toEqual(expected);
  });

  it('filters by programme, parent and organisation (with role) given as IDs', async () => {
    expect(await codes({ programme: ids.leader })).toEqual(['LEADER-T-1']);
    expect(await codes({ parent: ids.umbrella })).toEqual(['KAKE-T-2']);
    expect(await codes({ organisation: ids.association })).toEqual(['KAKE-T-1', 'KAKE-T-2', 'LEADER-T-1']);
    expect(await codes({ organisation: ids.association, role: 'LEAD' })).toEqual(['KAKE-T-2', 'LEADER-T-1']);
  });

  it('filters organisations and programmes', async () => {
    const data = dataOf(
      await app.gql(`query($leader: ID!) {
        leaderOrgs: organisations(filter: { scheme: LEADER }) { nodes { name } }
        cities: organisations(filter: { type: [MUNICIPALITY] }) { nodes { name } }
        fringe: organisations(filter: { postalCode: "70870" }) { nodes { name } }
        byProgramme: organisations(filter: { programme: $leader }) { nodes { name } }
        covering: programmes(filter: { postalCode: "70870" }, orderBy: { field: CODE }) { nodes { code } }
        rural: programmes(filter: { areaType: RURAL }) { nodes { code } }
        running: programmes(filter: { activeOn: "2016-06-01" }) { nodes { code } }
        funding: fundingLines(filter: { source: [ESR], scheme: KAKE }, orderBy: { field: GRANTED_AMOUNT, direction: DESC }) { nodes { granted } }
        kuopioAreas: postalAreas(filter: { municipalityCode: "297", kind: [NORMAL], scheme: LEADER }) { nodes { postalCode } }
        savo: municipalities(filter: { regionCode: "FI1D2", scheme: KAKE }) { nodes { code } }
      }`, { leader: ids.leader }),
    );
    expect(data.leaderOrgs.nodes).toEqual([{ name: 'Hiltulanlahden nuoret ry' }]);
    expect(data.cities.nodes).toEqual([{ name: 'Kuopion kaupunki' }]);
    expect(data.fringe.nodes).toEqual([{ name: 'Hiltulanlahden nuoret ry' }]);
    expect(data.byProgramme.nodes).toEqual([{ name: 'Hiltulanlahden nuoret ry' }]);
    expect(data.covering.nodes).toEqual([{ code: 'KAKE-T' }, { code: 'LEADER-T' }]);
    expect(data.rural.nodes).toEqual([{ code: 'LEADER-T' }]);
    expect(data.running.nodes).toEqual([{ code: 'PARENT-OP' }]);
    expect(data.funding.nodes).toEqual([{ granted: '90000.10' }, { granted: '0.01' }]);
    expect(data.kuopioAreas.nodes).toEqual([{ postalCode: '70870' }, { postalCode: '71160' }]);
    expect(data.savo.nodes).toEqual([{ code: '297' }]);
  });
});
