import { FundingSource } from '../../src/modules/funding/funding.enums';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { idOf, Scenario } from '../support/scenario';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let programmeId: string;
let richProgrammeId: string;
let richProjectId: string;

const MAX_LINE = '999999999999.99';

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const programme = s.programme();
  s.project({ programme });
  // Every line at the input maximum: the sums outgrow numeric(14,2) and a double's precision.
  const richProgramme = s.programme();
  const rich = s.project({
    programme: richProgramme,
    funding: Array.from({ length: 12 }, () => ({ source: FundingSource.STATE, planned: MAX_LINE, granted: MAX_LINE, paid: MAX_LINE, decisionDate: '2024-01-01' })),
  });
  s.project({ programme: richProgramme, funding: [{ source: FundingSource.ESR, planned: MAX_LINE, granted: '0.01' }] });
  await s.save();
  programmeId = idOf(programme);
  richProgrammeId = idOf(richProgramme);
  richProjectId = idOf(rich);
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

/** Base64url of any text: IDs and cursors a client forged. */
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('hostile input is the client’s error', () => {
  it.each([
    ['an exponent key', 'Project:1e1'],
    ['a hexadecimal key', 'Project:0x1e'],
    ['a key with a leading zero', 'Project:030'],
    ['a key above 2^31 − 1', 'Project:2147483648'],
    ['a negative key', 'Project:-1'],
    ['a bigint key out of range', 'AuditEvent:9223372036854775808'],
  ])('refuses an ID with %s (one object, one ID)', async (_label, text) => {
    expectBadInput(await app.gql(`{ node(id: "${b64(text)}") { id } }`), 'id');
    expectBadInput(await app.gql(`{ projects(filter: { programme: "${b64(text.replace('Project', 'Programme'))}" }) { totalCount } }`), 'filter.programme');
  });

  it('refuses a second spelling of a real ID', async () => {
    const id = toGlobalId('Programme', 1);
    expectBadInput(await app.gql(`{ node(id: "${id}==") { id } }`), 'id');
  });

  it.each([
    ['a NUL in a literal', `{ search(query: "nuoret\\u0000") { totalCount } }`, undefined, 'query'],
    ['a NUL in a variable', 'query($q: String!) { search(query: $q) { totalCount } }', { q: 'a\u0000' }, 'query'],
    ['a lone surrogate in a nested variable', 'query($f: ProjectFilter) { projects(filter: $f) { totalCount } }', { f: { theme: 'x\uD800' } }, 'filter.theme'],
    ['a NUL in an ID list', 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['AAAA', 'A\u0000'] }, 'ids[1]'],
    ['null through a variable to an argument with a default', 'query($d: OrderDirection) { projects(orderBy: { field: TITLE, direction: $d }) { totalCount } }', { d: null }, 'orderBy.direction'],
  ])('refuses %s with 400 BAD_USER_INPUT naming the argument', async (_label, query, variables, argumentName) => {
    const response = await app.gql(query, variables);
    expect(response.status).toBe(400);
    expectBadInput(response, argumentName);
  });

  it('leaves the default in place when the variable is left out', async () => {
    const response = await app.gql('query($d: OrderDirection) { projects(orderBy: { field: TITLE, direction: $d }) { totalCount } }', {});
    expect(response.errors).toBeUndefined();
  });

  it.each([
    ['a text sort value where a date is expected', ['Kuopio', 1], '{ projects(after: "CURSOR", orderBy: { field: START_DATE }) { totalCount } }'],
    ['a string key for an integer key', ['kuopio', 'abc'], '{ projects(after: "CURSOR") { totalCount } }'],
    ['a key above 2^31 − 1', ['kuopio', 2147483648], '{ projects(after: "CURSOR") { totalCount } }'],
    ['a number for a text sort value', [12, 1], '{ organisations(after: "CURSOR") { totalCount } }'],
    ['year 0000', ['0000-01-01', 1], '{ programmes(after: "CURSOR", orderBy: { field: START_DATE }) { totalCount } }'],
    ['an object', [{ a: 1 }, 1], '{ municipalities(after: "CURSOR") { totalCount } }'],
    ['a numeric sort value that is not a number', ['NaN', 1], '{ fundingLines(after: "CURSOR", orderBy: { field: GRANTED_AMOUNT }) { totalCount } }'],
  ])('refuses a forged cursor with %s as "invalid cursor"', async (_label, cursor, query) => {
    const response = await app.gql(query.replace('CURSOR', b64(JSON.stringify(cursor))));
    expectBadInput(response, 'after');
    expect(response.errors![0].message).toMatch(/invalid cursor/);
  });

  it('refuses a forged cursor on a nested connection too', async () => {
    const response = await app.gql(`{ node(id: "${programmeId}") { ... on Programme { projects(before: "${b64(JSON.stringify(['x', 'y']))}") { totalCount } } } }`);
    expectBadInput(response, 'before');
  });

  it.each(['0000-01-01', '99999-01-01', '1899-12-31', '2200-01-01'])('refuses the date %s', async (date) => {
    const viaVariable = await app.gql('query($d: LocalDate) { projects(filter: { activeOn: $d }) { totalCount } }', { d: date });
    expect(viaVariable.status).toBe(400);
    expect(viaVariable.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const inline = await app.gql(`{ projects(filter: { activeOn: "${date}" }) { totalCount } }`);
    expect(inline.status).toBe(400);
    expect(inline.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });

  it('refuses a DateTime in year 0000', async () => {
    const token = await app.signIn({ analyst: true });
    const response = await app.gql('query($s: DateTimeISO) { auditLog(filter: { since: $s }) { totalCount } }', { s: '0000-01-01T00:00:00Z' }, { token });
    expect(response.status).toBe(400);
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('money', () => {
  it('sums any number of maximal lines exactly, for project and programme', async () => {
    const response = await app.gql(`{
      project: node(id: "${richProjectId}") { ... on Project { fundingTotals { planned granted paid bySource { source granted } } } }
      programme: node(id: "${richProgrammeId}") { ... on Programme { fundingTotals { planned granted paid } } }
    }`);
    expect(response.errors).toBeUndefined();
    expect(response.data!.project.fundingTotals).toEqual({
      planned: '11999999999999.88',
      granted: '11999999999999.88',
      paid: '11999999999999.88',
      bySource: [{ source: 'STATE', granted: '11999999999999.88' }],
    });
    expect(response.data!.programme.fundingTotals).toEqual({ planned: '12999999999999.87', granted: '11999999999999.89', paid: '11999999999999.88' });
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
