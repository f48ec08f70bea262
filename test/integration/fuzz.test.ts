import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { loadConfig } from '../../src/config';
import { isStorableText } from '../../src/shared/input/storable-text';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app';

/**
 * Schema-driven fuzzing: thousands of operations generated from schema.graphql against the running
 * app, anonymous and signed in (mutations run), with wrong scalars, hostile strings, forged IDs and
 * cursors, odd dates and nulls. Whatever comes in, the answer is the client's error or data: never a
 * 5xx, never INTERNAL_SERVER_ERROR. Deterministic in CI; FUZZ_SEED and FUZZ_RUNS explore further.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);

const schema: GraphQLSchema = buildSchema(readFileSync(path.join(__dirname, '../../schema.graphql'), 'utf8'));

type Gen = fc.GeneratorValue;
const pick = <T>(gen: Gen, arbitrary: fc.Arbitrary<T>): T => gen(() => arbitrary);
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const cursorOf = (value: unknown) => b64(JSON.stringify(value));

const HOSTILE_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  'lone \uD800 high',
  'lone \uDC00 low',
  '\uDBFF',
  '\u202Eevil\u202C',
  '\u200F\u200E\u2066',
  '\u2028\u2029',
  '😀👩‍👩‍👧‍👦',
  'e\u0301\u0301\u0301',
  "' OR 1=1 --",
  '"; drop table project; --',
  '%_\\',
  '\\x00',
  '$1',
  '?',
  '{"a":1}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'null',
  'NaN',
  '-0',
  '1e308',
  'x'.repeat(100_000),
  'ä'.repeat(5000),
  '0000-01-01',
  '99999-01-01',
  '2020-02-30',
  '1899-12-31',
  '2199-12-31',
  '2024-02-29T24:00:00Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '999999999999.99',
  '999999999999.999',
  '1e3',
  '-0.01',
  '0171450-7',
  '1234567-8',
  '70100',
  '297',
];

const FORGED_IDS = [
  ...['1e1', '0x1e', '030', '0', '-1', '2147483648', '9223372036854775808', '99999999999999999999', '1.5', ' 1', 'abc'].map((key) => b64(`Project:${key}`)),
  b64('Spaceship:1'),
  b64('AuditEvent:1'),
  b64('AuditEvent:9223372036854775807'),
  b64('ApiToken:1'),
  b64('Account:1'),
  b64('PostalArea:7010'),
  b64('Municipality:abc'),
  b64('project:1'),
  b64('Project:1\u0000'),
  `${toGlobalId('Project', 1)}==`,
  Buffer.from('Project:1').toString('base64'),
  'AAAA',
  '====',
  '!!!',
  toGlobalId('Project', 999_999),
  toGlobalId('Organisation', 2_147_483_647),
];

const FORGED_CURSORS = [
  cursorOf([1, 'a']),
  cursorOf(['x', 1e308]),
  cursorOf(['x', 2147483648]),
  cursorOf(['x', -1]),
  cursorOf([null, 1]),
  cursorOf([{ a: 1 }, 1]),
  cursorOf([[1], [2]]),
  cursorOf(['9999-99-99', 1]),
  cursorOf(['0000-01-01', 1]),
  cursorOf(['1'.repeat(100), 1]),
  cursorOf(['NaN', 1]),
  cursorOf(['a\u0000', 1]),
  cursorOf(['\uD800', '\uD800']),
  cursorOf(['x', 'y', 'z']),
  cursorOf({ value: 'x', key: 1 }),
  cursorOf('x'),
  cursorOf(['x'.repeat(3000), 1]),
  'garbage',
  b64('not json'),
];

const WRONG_SCALARS: unknown[] = [true, false, 0, -1, 1.5, 2 ** 31, -(2 ** 31) - 1, 1e308, 'abc', '', [], [1, 2], {}, { a: 1 }];

/** Values harvested from the running app: real IDs, cursors and codes, so that generated requests reach deep. */
interface Pool {
  ids: string[];
  cursors: string[];
  strings: string[];
  /**
   * Per request: hostile requests send wrong types and nulls anywhere (mostly refused by coercion);
   * clean ones send well-typed values, odd only where the type allows (strings, IDs, cursors), so
   * that they get past GraphQL to the resolvers and SQL.
   */
  hostile: boolean;
}

/** Hostile strings that are still storable text: clean requests send these. */
const ODD_BUT_VALID = HOSTILE_STRINGS.filter(isStorableText);

function stringArb(pool: Pool): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(pool.hostile ? HOSTILE_STRINGS : ODD_BUT_VALID)) },
    { weight: 3, arbitrary: fc.constantFrom(...pool.strings) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );
}

/** Any instant for hostile requests; the accepted range (1900–2199) for clean ones. */
function dates(pool: Pool): fc.Arbitrary<Date> {
  return pool.hostile ? fc.date({ noInvalidDate: true }) : fc.date({ noInvalidDate: true, min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z') });
}

/** Real IDs of the type an argument names (`leadOrganisation` → Organisation IDs), else any. */
function idsFor(pool: Pool, argumentName: string): string[] {
  const name = argumentName.toLowerCase();
  const typed = pool.ids.filter((id) => name.includes(Buffer.from(id, 'base64url').toString('utf8').split(':')[0].toLowerCase()));
  return typed.length > 0 ? typed : pool.ids;
}

function scalarArb(name: string, argumentName: string, pool: Pool): fc.Arbitrary<unknown> {
  const strings = stringArb(pool);
  // In clean requests, a "wrong" value is just another value of the right kind.
  const wrong = pool.hostile ? fc.constantFrom(...WRONG_SCALARS) : name === 'Int' ? fc.integer({ min: 1, max: 100 }) : name === 'Boolean' ? fc.boolean() : strings;
  if (argumentName === 'after' || argumentName === 'before') {
    return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool.cursors) }, { weight: 3, arbitrary: fc.constantFrom(...FORGED_CURSORS) }, strings);
  }
  switch (name) {
    case 'ID':
      return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...idsFor(pool, argumentName)) }, { weight: 4, arbitrary: fc.constantFrom(...FORGED_IDS) }, strings, wrong);
    case 'Int':
      return fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: -2, max: 120 }) },
        { weight: 2, arbitrary: fc.constantFrom(0, 1, 100, 101, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER) },
        wrong,
      );
    case 'Float':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), wrong);
    case 'Boolean':
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, wrong);
    case 'String':
      return fc.oneof({ weight: 6, arbitrary: strings }, wrong);
    case 'LocalDate':
      return fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('2018-01-01', '2024-02-29', '2030-12-31', '0000-01-01', '0001-01-01', '99999-01-01', '2020-02-30', '1899-12-31', '2200-01-01', '9999-12-31') },
        { weight: 2, arbitrary: dates(pool).map((d) => d.toISOString().slice(0, 10)) },
        strings,
        wrong,
      );
    case 'DateTimeISO':
      return fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('2024-05-01T10:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2024-13-01T00:00:00Z', '2024-05-01T10:00:00+14:00') },
        { weight: 2, arbitrary: dates(pool).map((d) => d.toISOString()) },
        strings,
        wrong,
      );
    case 'Euros':
      return fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('0', '0.00', '12.5', '1250.50', '999999999999.99', '1000000000000.00', '1.005', '-1', '1e3', 0.1, 1250.5, 1e21) },
        { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 99_999_999_999_999n }).map((cents) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`) },
        strings,
        wrong,
      );
    default:
      return fc.oneof(strings, wrong, fc.jsonValue({ maxDepth: 2 }));
  }
}

/** A JSON value for an input type: mostly well-typed (to get past coercion), sometimes wrong or null. */
function inputValue(gen: Gen, type: GraphQLInputType, argumentName: string, pool: Pool, depth: number): unknown {
  const nonNull = isNonNullType(type);
  const inner = nonNull ? type.ofType : type;
  // Nulls for nullable positions often; for non-null ones rarely (a coercion error).
  if (pick(gen, fc.integer({ min: 0, max: 99 })) < (nonNull ? (pool.hostile ? 3 : 0) : 10)) return null;
  if (pool.hostile && pick(gen, fc.integer({ min: 0, max: 99 })) < 5) return pick(gen, fc.constantFrom(...WRONG_SCALARS, ...HOSTILE_STRINGS.slice(0, 8)));
  if (isListType(inner)) {
    const length = pick(gen, fc.integer({ min: 0, max: depth > 1 ? 1 : 3 }));
    return Array.from({ length }, () => inputValue(gen, inner.ofType, argumentName, pool, depth + 1));
  }
  if (isInputObjectType(inner)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields())) {
      const required = isNonNullType(field.type) && field.defaultValue === undefined;
      if (!required && (depth > 2 || pick(gen, fc.integer({ min: 0, max: 99 })) < 60)) continue;
      value[field.name] = inputValue(gen, field.type, field.name, pool, depth + 1);
    }
    if (pool.hostile && pick(gen, fc.integer({ min: 0, max: 99 })) < 5) value[pick(gen, fc.constantFrom('nosuchfield', '__proto__', 'a\u0000'))] = 1;
    return value;
  }
  if (isEnumType(inner)) {
    const names = inner.getValues().map((v) => v.name);
    return pool.hostile ? pick(gen, fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...names) }, fc.constantFrom('NOPE', 'asc', '', 1))) : pick(gen, fc.constantFrom(...names));
  }
  if (isScalarType(inner)) return pick(gen, scalarArb(inner.name, argumentName, pool));
  return null;
}

/** Prints a JSON value as a GraphQL literal (enum names bare), for arguments written inline. */
function literal(value: unknown, type: GraphQLInputType | undefined): string {
  const named = type ? getNamedType(type) : undefined;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return named && isEnumType(named) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const listType = type && isNonNullType(type) ? type.ofType : type;
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, listType && isListType(listType) ? listType.ofType : undefined)).join(', ')}]`;
  const fields = named && isInputObjectType(named) ? named.getFields() : {};
  const entries = Object.entries(value as Record<string, unknown>).filter(([key]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(key));
  return `{ ${entries.map(([key, item]) => `${key}: ${literal(item, fields[key]?.type)}`).join(', ')} }`;
}

interface Built {
  variableDefinitions: string[];
  variables: Record<string, unknown>;
}

/** Arguments for a field: each left out, inline, or through a variable (sometimes declared nullable where a default allows it). */
function argumentsFor(gen: Gen, args: readonly GraphQLArgument[], built: Built, pool: Pool, depth: number): string {
  const parts: string[] = [];
  for (const arg of args) {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    if (!required && pick(gen, fc.integer({ min: 0, max: 99 })) < 40) continue;
    const value = inputValue(gen, arg.type, arg.name, pool, depth);
    if (pick(gen, fc.integer({ min: 0, max: 99 })) < 25) {
      parts.push(`${arg.name}: ${literal(value, arg.type)}`);
      continue;
    }
    const name = `v${built.variableDefinitions.length}`;
    // A nullable variable may fill a non-null argument that has a default; null then is the client's mistake.
    const declared = arg.defaultValue !== undefined && isNonNullType(arg.type) && pick(gen, fc.boolean()) ? arg.type.ofType : arg.type;
    built.variableDefinitions.push(`$${name}: ${declared.toString()}`);
    if (value !== undefined && !(pick(gen, fc.integer({ min: 0, max: 99 })) < 5)) built.variables[name] = value;
    parts.push(`${arg.name}: $${name}`);
  }
  return parts.length > 0 ? `(${parts.join(', ')})` : '';
}

function selection(gen: Gen, type: GraphQLOutputType | GraphQLNamedType, built: Built, pool: Pool, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (isUnionType(named)) {
    return `{ __typename ${named.getTypes().map((member) => `... on ${member.name} ${selection(gen, member, built, pool, depth + 1)}`).join(' ')} }`;
  }
  if (!isObjectType(named) && !isInterfaceType(named)) return '{ __typename }';
  const parts = ['__typename'];
  for (const field of Object.values(named.getFields()) as GraphQLField<unknown, unknown>[]) {
    const leaf = isLeafType(getNamedType(field.type));
    const required = field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
    if (leaf && !required) {
      if (field.args.length === 0 || pick(gen, fc.boolean())) parts.push(field.name);
      continue;
    }
    // Nested objects and connections: a few, not too deep (the depth and cost limits are not under test here).
    if (depth >= 3 || pick(gen, fc.integer({ min: 0, max: 99 })) >= (depth === 0 ? 35 : 15)) continue;
    const args = argumentsFor(gen, field.args, built, pool, depth + 1);
    parts.push(`${field.name}${args} ${selection(gen, field.type, built, pool, depth + 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

function buildOperation(gen: Gen, harvested: Pool): { query: string; variables: Record<string, unknown>; signedIn: boolean; kind: string } {
  const pool = { ...harvested, hostile: pick(gen, fc.boolean()) };
  const mutation = schema.getMutationType()!;
  const query = schema.getQueryType()!;
  const signedIn = pick(gen, fc.boolean());
  const root = signedIn && pick(gen, fc.integer({ min: 0, max: 99 })) < 45 ? mutation : query;
  const field = root.getFields()[pick(gen, fc.constantFrom(...Object.keys(root.getFields())))];
  const built: Built = { variableDefinitions: [], variables: {} };
  const args = argumentsFor(gen, field.args, built, pool, 0);
  const body = `${field.name}${args} ${selection(gen, field.type, built, pool, 0)}`;
  const keyword = root === mutation ? 'mutation' : 'query';
  const definitions = built.variableDefinitions.length > 0 ? `(${built.variableDefinitions.join(', ')})` : '';
  return { query: `${keyword} Fuzz${definitions} { ${body} }`, variables: built.variables, signedIn, kind: `${keyword}${pool.hostile ? ' hostile' : ''}` };
}

/** Real IDs, cursors and codes from the demo data, through the public API. */
async function harvest(app: TestApp, token: string): Promise<Pool> {
  const pool: Pool = { ids: [], cursors: [], strings: ['Kuopio', 'nuoret', 'kylä'], hostile: false };
  const queryType = schema.getQueryType()!;
  for (const field of Object.values(queryType.getFields())) {
    const type = getNamedType(field.type);
    if (!isObjectType(type) || !type.getFields().edges || field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    const node = getNamedType(type.getFields().nodes.type);
    const leaves = isObjectType(node)
      ? Object.values(node.getFields())
          .filter((f) => f.args.length === 0 && isScalarType(getNamedType(f.type)) && ['ID', 'String'].includes(getNamedType(f.type).name))
          .map((f) => f.name)
      : [];
    const response = await app.gql(`{ ${field.name}(first: 8) { edges { cursor node { ${['__typename', ...leaves].join(' ')} } } } }`, undefined, { token });
    for (const edge of (response.data?.[field.name]?.edges ?? []) as { cursor: string; node: Record<string, unknown> }[]) {
      pool.cursors.push(edge.cursor);
      for (const [key, value] of Object.entries(edge.node)) {
        if (typeof value !== 'string' || key === '__typename') continue;
        if (key === 'id' || key === 'entity') pool.ids.push(value);
        else if (value.length <= 40) pool.strings.push(value);
      }
    }
  }
  return pool;
}

interface Failure {
  query: string;
  variables: Record<string, unknown>;
  signedIn: boolean;
  response: GraphQLResponse;
}

const shorten = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…(${v.length})` : v));

describe('fuzzing the API from its schema', () => {
  let app: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    // Fuzzing is not about the rate limit: a budget it cannot exhaust.
    app = await startTestApp('demo', { limits: { ...loadConfig({}).limits, budget: 1_000_000_000, leakPerSecond: 1_000_000_000 } });
    adminToken = await app.signIn({ admin: true, name: 'Fuzz Admin' });
  });
  afterAll(() => app.close());

  it(`never answers 5xx or INTERNAL_SERVER_ERROR (seed ${SEED}, ${RUNS} requests; FUZZ_SEED / FUZZ_RUNS to change)`, async () => {
    const pool = await harvest(app, adminToken);
    expect(pool.ids.length).toBeGreaterThan(20);
    expect(pool.cursors.length).toBeGreaterThan(20);
    let failure: Failure | undefined;
    let sent = 0;
    let withData = 0;
    const outcomes = new Map<string, number>();
    try {
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (gen) => {
          const { query, variables, signedIn, kind } = buildOperation(gen, pool);
          let response = await app.gql(query, variables, { token: signedIn ? adminToken : undefined });
          // A generated revokeApiToken may have revoked the fuzzer's own token: sign in again.
          if (signedIn && response.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
            adminToken = await app.signIn({ admin: true, name: 'Fuzz Admin' });
            response = await app.gql(query, variables, { token: adminToken });
          }
          sent += 1;
          const outcome = `${kind}: ${response.status} ${[...new Set((response.errors ?? []).map((e) => String(e.extensions?.code)))].join('+') || 'ok'}`;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          if (process.env.FUZZ_VERBOSE === '2' && kind === 'mutation' && response.errors) console.error(response.errors[0].message.slice(0, 150));
          if (response.data && Object.values(response.data).some((v) => v !== null)) withData += 1;
          const internal = response.status >= 500 || (response.errors ?? []).some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR');
          if (internal) failure = { query, variables, signedIn, response };
          return !internal;
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    } catch (error) {
      throw new Error(
        `Fuzzing failed with FUZZ_SEED=${SEED} after ${sent} requests.\n` +
          (failure ? `Request (${failure.signedIn ? 'signed in' : 'anonymous'}): ${shorten({ query: failure.query, variables: failure.variables })}\nResponse: ${shorten(failure.response)}\n` : '') +
          // fast-check's own report: its first lines give the seed and path to replay.
          String(error).split('\n').slice(0, 3).join('\n'),
      );
    }
    if (process.env.FUZZ_VERBOSE) console.error([...outcomes].sort((a, b) => b[1] - a[1]));
    // The fuzzer must get past validation often enough to exercise resolvers and SQL, not only the parser.
    expect(withData).toBeGreaterThan(RUNS / 10);
  }, 300_000);
});
