import { toGlobalId } from '../../src/shared/relay/global-id';
import { idOf, Scenario } from '../support/scenario';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let programmeId: string;

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const programme = s.programme();
  s.project({ programme });
  await s.save();
  programmeId = idOf(programme);
});
afterAll(() => app.close());

function expectBadInput(response: Awaited<ReturnType<TestApp['gql']>>, argumentName: string): void {
  expect(response.errors).toHaveLength(1);
  expect(response.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(response.errors![0].extensions?.argumentName).toBe(argumentName);
}

describe('bad input', () => {
  it.each([
    ['a malformed ID', `{ node(id: "not-an-id!") { id } }`, 'id'],
    ['an ID that decodes to nonsense', `{ node(id: "${Buffer.from('hello').toString('base64url')}") { id } }`, 'id'],
    ['an ID of an unknown type', `{ node(id: "${toGlobalId('Spaceship', 1)}") { id } }`, 'id'],
    ['a Project ID where a Programme ID is expected', `{ projects(filter: { programme: "${toGlobalId('Project', 1)}" }) { totalCount } }`, 'filter.programme'],
    ['a page size over 100', `{ projects(first: 101) { totalCount } }`, 'first'],
    ['a page size of 0', `{ organisations(first: 0) { totalCount } }`, 'first'],
    ['a negative last', `{ programmes(last: -1) { totalCount } }`, 'last'],
    ['both first and last', `{ projects(first: 5, last: 5) { totalCount } }`, 'first'],
    ['a cursor that is not ours', `{ projects(after: "garbage") { totalCount } }`, 'after'],
    ['a postal code of the wrong shape', `{ projects(filter: { postalCode: "7010" }) { totalCount } }`, 'filter.postalCode'],
    ['an unknown postal code', `{ projects(filter: { postalCode: "00001" }) { totalCount } }`, 'filter.postalCode'],
    ['an unknown theme code', `{ projects(filter: { theme: "SPACE_TRAVEL" }) { totalCount } }`, 'filter.theme'],
    ['a theme code of the wrong shape', `{ projects(filter: { theme: "youth" }) { totalCount } }`, 'filter.theme'],
    ['an unknown municipality', `{ programmes(filter: { municipalityCode: "999" }) { totalCount } }`, 'filter.municipalityCode'],
    ['a date range ending before it starts', `{ projects(filter: { overlaps: { start: "2020-01-01", end: "2019-01-01" } }) { totalCount } }`, 'filter.overlaps'],
    ['a role without an organisation', `{ projects(filter: { role: LEAD }) { totalCount } }`, 'filter.role'],
    ['an empty status list', `{ projects(filter: { status: [] }) { totalCount } }`, 'filter.status'],
    ['an invalid Y-tunnus', `{ organisation(businessId: "1234567-8") { name } }`, 'businessId'],
    ['too many IDs', `{ nodes(ids: [${Array.from({ length: 101 }, (_, i) => `"${toGlobalId('Project', i + 1)}"`).join(',')}]) { id } }`, 'ids'],
    ['a search page over 100', `{ search(query: "nuoret", first: 500) { totalCount } }`, 'first'],
    ['a malformed region code', `{ municipalities(filter: { regionCode: "Savo" }) { totalCount } }`, 'filter.regionCode'],
  ])('rejects %s with BAD_USER_INPUT naming the argument', async (_label, query, argumentName) => {
    expectBadInput(await app.gql(query), argumentName);
  });

  it('rejects a bad nested argument once, naming it', async () => {
    const response = await app.gql(`query($id: ID!) { node(id: $id) { ... on Programme { projects(first: 500) { totalCount } } } }`, {
      id: programmeId,
    });
    expectBadInput(response, 'first');
  });

  it('rejects an invalid enum or date in variables with BAD_USER_INPUT', async () => {
    const badEnum = await app.gql(`query($s: Scheme) { projects(filter: { scheme: $s }) { totalCount } }`, { s: 'URBAN' });
    expect(badEnum.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badDate = await app.gql(`query($d: LocalDate) { projects(filter: { activeOn: $d }) { totalCount } }`, { d: '2020-02-30' });
    expect(badDate.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('gives null, not an error, for IDs and keys that do not exist', async () => {
    const response = await app.gql(`{
      node(id: "${toGlobalId('Project', 999999)}") { id }
      nodes(ids: ["${toGlobalId('Organisation', 999999)}", "${toGlobalId('PostalArea', '70100')}"]) { id }
      project(code: "NO-SUCH") { id }
      programme(code: "NO-SUCH") { id }
      organisation(businessId: "0171450-7") { id }
      municipality(code: "000") { code }
      postalArea(postalCode: "00001") { postalCode }
    }`);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      node: null,
      nodes: [null, { id: toGlobalId('PostalArea', '70100') }],
      project: null,
      programme: null,
      organisation: null,
      municipality: null,
      postalArea: null,
    });
  });
});

describe('unexpected errors', () => {
  it('are masked: no SQL, no stack, a code, and the server keeps serving', async () => {
    await app.sql('alter table theme rename to theme_moved');
    try {
      const response = await app.gql('{ themes { code } }');
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(response)).not.toMatch(/theme_moved|select|relation|stack|at \w+ \(/i);
    } finally {
      await app.sql('alter table theme_moved rename to theme');
    }
    const after = await app.gql('{ themes { code } }');
    expect(after.errors).toBeUndefined();
  });
});
