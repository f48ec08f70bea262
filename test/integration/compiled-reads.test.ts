import fc from 'fast-check';
import { getNamedType, isLeafType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { buildSiltaSchema } from '../../src/schema';
import { literal, NotInlinable, splitStatements } from '../../src/shared/db/one-round-trip';
import { checkDeclaredReads, declaredReads, defineTypeReads, type FieldRead } from '../../src/shared/read-plan/registry';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app';

/**
 * The compiled read path (src/shared/read-plan) against the resolvers, on the same database: two apps,
 * one with COMPILED_READS on and one off. Operations are generated from the declarations themselves,
 * so a field a module declares is compared without anyone adding it here; every viewer role is tried,
 * so the one statement can never show more (or less) than the resolvers and row-level security do.
 */
let compiled: TestApp;
let resolvers: TestApp;
let schema: GraphQLSchema;
const viewers: Record<string, string | undefined> = {};
let samples: { projectCodes: string[]; businessIds: string[]; programmeCodes: string[]; ids: string[]; cursor: string };

beforeAll(async () => {
  compiled = await startTestApp('demo');
  resolvers = await startTestApp('demo', { compiledReads: false }, { sameDatabaseAs: compiled });
  schema = await buildSiltaSchema();
  const [draft] = await compiled.orm.em.getConnection().execute<{ organisationId: number; programmeId: number }[]>(
    `select x.organisation_id as "organisationId", t.programme_id as "programmeId" from project t
       join participation x on x.project_id = t.id and x.role = 'LEAD' where t.status = 'DRAFT' order by t.id limit 1`,
  );
  viewers.anonymous = undefined;
  viewers.partner = await compiled.signIn({ memberOf: [draft.organisationId] });
  viewers.coordinator = await compiled.signIn({ coordinatorOf: [draft.programmeId] });
  viewers.analyst = await compiled.signIn({ analyst: true });
  viewers.admin = await compiled.signIn({ admin: true });
  const owner = compiled.orm.em.getConnection();
  const column = async (sql: string): Promise<string[]> => (await owner.execute<{ v: string }[]>(sql)).map((row) => row.v);
  const projects = await owner.execute<{ id: number; code: string }[]>('select id, code from project order by id');
  const programmes = await owner.execute<{ id: number }[]>('select id from programme order by id');
  const organisations = await owner.execute<{ id: number }[]>('select id from organisation order by id');
  const participations = await owner.execute<{ id: number }[]>('select id from participation order by id limit 5');
  const toId = (type: string, id: number): string => Buffer.from(`${type}:${id}`).toString('base64url');
  const all = await compiled.gql<{ projects: { pageInfo: { endCursor: string } } }>('{ projects(first: 7) { pageInfo { endCursor } } }');
  samples = {
    projectCodes: [...projects.slice(0, 3).map((p) => p.code), ...(await column(`select code as v from project where status in ('DRAFT', 'REJECTED') order by id limit 2`))],
    businessIds: await column('select business_id as v from organisation where business_id is not null order by id limit 3'),
    programmeCodes: await column('select code as v from programme order by id limit 3'),
    ids: [
      ...projects.slice(0, 12).map((p) => toId('Project', p.id)),
      ...(await owner.execute<{ id: number }[]>(`select id from project where status = 'DRAFT' order by id limit 2`)).map((p) => toId('Project', p.id)),
      ...programmes.slice(0, 2).map((p) => toId('Programme', p.id)),
      ...organisations.slice(0, 2).map((o) => toId('Organisation', o.id)),
      ...participations.map((x) => toId('Participation', x.id)),
      toId('Project', 2_000_000_000),
    ],
    cursor: all.data!.projects.pageInfo.endCursor,
  };
});
afterAll(async () => {
  await resolvers?.close();
  await compiled?.close();
});

const PLAIN_LIMIT = 4;

/** A selection of every declared field of `type` down to `depth` object levels (plain values in full). */
function selection(type: GraphQLObjectType, depth: number, pick: (fields: string[]) => string[] = (f) => f): string {
  const reads = declaredReads().types.get(type.name);
  if (!reads) return '__typename';
  const parts: string[] = [];
  const fields = pick(['id', '__typename', ...Object.keys(reads.fields)]);
  for (const name of fields) {
    const read: FieldRead | undefined = reads.fields[name];
    if (!read) {
      parts.push(name);
      continue;
    }
    const fieldType = getNamedType(type.getFields()[name].type);
    if (read.kind === 'column') parts.push(name);
    else if (read.kind === 'value') parts.push(`${name} { ${plainSelection(fieldType as GraphQLObjectType, PLAIN_LIMIT)} }`);
    else if (depth > 0 && read.kind === 'object') parts.push(`${name} { ${selection(fieldType as GraphQLObjectType, depth - 1, pick)} }`);
    else if (depth > 0 && read.kind === 'connection') {
      const node = schema.getType(read.type) as GraphQLObjectType;
      parts.push(`${name}(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { ${selection(node, depth - 1, pick)} } }`);
    }
  }
  return parts.length ? parts.join(' ') : '__typename';
}

function plainSelection(type: GraphQLObjectType, depth: number): string {
  return Object.values(type.getFields())
    .map((field) => {
      const named = getNamedType(field.type);
      if (isLeafType(named)) return field.name;
      return depth > 0 && isObjectType(named) ? `${field.name} { ${plainSelection(named, depth - 1)} }` : '';
    })
    .filter(Boolean)
    .join(' ');
}

/** The operations to compare: every declared root field with every declared field below it. */
function operations(depth: number): { name: string; query: string; variables?: Record<string, unknown> }[] {
  const query = schema.getQueryType()!;
  const out: { name: string; query: string; variables?: Record<string, unknown> }[] = [];
  for (const [name, read] of declaredReads().roots) {
    const node = schema.getType(read.type) as GraphQLObjectType;
    const select = selection(node, depth);
    if (read.kind === 'connection') {
      const connection = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${select} } } nodes { id }`;
      out.push({ name: `${name} first`, query: `{ ${name}(first: 5) { ${connection} } }` });
      out.push({ name: `${name} last`, query: `{ ${name}(last: 3) { ${connection} } }` });
      const orderBy = query.getFields()[name].args.find((arg) => arg.name === 'orderBy');
      if (orderBy) {
        const order = getNamedType(orderBy.type) as unknown as { getFields(): Record<string, { type: unknown }> };
        const fieldEnum = getNamedType(order.getFields().field.type as never) as unknown as { getValues(): { name: string }[] };
        for (const value of fieldEnum.getValues()) {
          out.push({ name: `${name} by ${value.name}`, query: `{ ${name}(first: 4, orderBy: { field: ${value.name}, direction: DESC }) { ${connection} } }` });
        }
      }
    } else {
      const argument = query.getFields()[name].args[0].name;
      const values = name === 'project' ? samples.projectCodes : name === 'organisation' ? samples.businessIds : samples.programmeCodes;
      // And a key that matches nothing (a Y-tunnus with a correct check digit that no organisation has).
      for (const value of [...values, name === 'organisation' ? '1234567-1' : 'EI-OLE-OLEMASSA']) {
        out.push({ name: `${name}(${value})`, query: `query($v: String!) { ${name}(${argument}: $v) { ${select} } }`, variables: { v: value } });
      }
    }
  }
  const nodeSelection = [...declaredReads().types.keys()].map((type) => `... on ${type} { ${selection(schema.getType(type) as GraphQLObjectType, Math.min(depth, 1))} }`).join(' ');
  out.push({ name: 'nodes', query: `query($ids: [ID!]!) { nodes(ids: $ids) { id ${nodeSelection} } }`, variables: { ids: samples.ids } });
  out.push({ name: 'node', query: `query($id: ID!) { node(id: $id) { id ${nodeSelection} } }`, variables: { id: samples.ids[0] } });
  return out;
}

/** What must be equal: the data, the errors and the actual cost (the bucket's remaining points differ by app). */
function comparable(response: GraphQLResponse): unknown {
  return { data: response.data, errors: response.errors, actual: (response.extensions as { cost?: { actual: number } } | undefined)?.cost?.actual };
}

async function both(query: string, variables: Record<string, unknown> | undefined, token: string | undefined): Promise<{ compiled: unknown; resolvers: unknown; statements: number }> {
  let fromCompiled: GraphQLResponse | undefined;
  const statements = await compiled.countStatements(async () => {
    fromCompiled = await compiled.gql(query, variables, { token });
  });
  const fromResolvers = await resolvers.gql(query, variables, { token });
  return { compiled: comparable(fromCompiled!), resolvers: comparable(fromResolvers), statements };
}

describe('the compiled read path', () => {
  it('declares only fields the schema has, with matching kinds, and refuses a declaration that does not match', () => {
    expect(() => checkDeclaredReads(schema)).not.toThrow();
    defineTypeReads('Project', { table: 'project', fields: { notAField: { kind: 'column', sql: (row) => `${row}.id` } } });
    try {
      expect(() => checkDeclaredReads(schema)).toThrow(/Project\.notAField is not in the schema/);
    } finally {
      delete (declaredReads().types.get('Project')!.fields as Record<string, unknown>).notAField;
    }
  });

  it.each(['anonymous', 'partner', 'coordinator', 'analyst', 'admin'])(
    'answers every declared root and field as the resolvers do, in one statement, for the %s',
    async (viewer) => {
      for (const { name, query, variables } of operations(2)) {
        const answers = await both(query, variables, viewers[viewer]);
        expect({ name, ...answers.compiled as object }).toEqual({ name, ...answers.resolvers as object });
        expect((answers.compiled as { errors?: unknown }).errors).toBeUndefined();
        // Root lists without filters, objects by key and nodes: the whole answer is one statement (and one that looks up the token).
        expect({ name, statements: answers.statements }).toEqual({ name, statements: viewers[viewer] ? 2 : 1 });
      }
    },
  );

  it('pages with cursors, filters and nested arguments as the resolvers do', async () => {
    const cases: [string, Record<string, unknown>?][] = [
      [`query($c: String!) { projects(first: 3, after: $c) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { code } } } }`, { c: samples.cursor }],
      [`query($c: String!) { projects(last: 2, before: $c) { pageInfo { hasNextPage hasPreviousPage } nodes { code } } }`, { c: samples.cursor }],
      ['{ projects(first: 5, filter: { scheme: LEADER, status: [ONGOING, COMPLETED] }, orderBy: { field: START_DATE }) { totalCount nodes { code status } } }'],
      ['{ projects(first: 5, filter: { theme: "COMMUNITY", activeOn: "2019-06-01" }) { totalCount nodes { code participations(first: 2, role: PARTNER) { totalCount nodes { role organisation { name } } } } } }'],
      ['{ programmes(first: 2) { nodes { code projects(first: 3, orderBy: { field: GRANTED_AMOUNT, direction: DESC }, filter: { status: [ONGOING] }) { totalCount nodes { code fundingTotals { granted bySource { source } } } } } } }'],
      ['{ organisations(first: 3, orderBy: { field: NAME, direction: DESC }) { nodes { name participations(last: 2) { pageInfo { hasPreviousPage } nodes { role } } } } }'],
      ['fragment P on Project { code title } query { projects(first: 2) { nodes { ...P programme { ... on Programme { code } } } } }'],
      ['{ alias1: projects(first: 1) { n: nodes { c: code } } alias2: programmes(first: 1) { nodes { __typename code } } __typename }'],
    ];
    for (const viewer of Object.keys(viewers)) {
      for (const [query, variables] of cases) {
        const answers = await both(query, variables, viewers[viewer]);
        expect({ query, viewer, ...answers.compiled as object }).toEqual({ query, viewer, ...answers.resolvers as object });
        // Filters that name reference data (a theme) check it in the same statement.
        expect({ query, viewer, statements: answers.statements }).toEqual({ query, viewer, statements: viewers[viewer] ? 2 : 1 });
      }
    }
  });

  it('leaves to the resolvers what it does not compile, with the same answers and errors', async () => {
    const cases: [string, Record<string, unknown>?][] = [
      // Undeclared fields (who-asks rules, DateTime), directives, a malformed argument, a bad cursor, too large a page.
      ['{ projects(first: 3) { nodes { code internalNotes createdAt } } }'],
      ['query($skip: Boolean!) { projects(first: 3) { nodes { code title @skip(if: $skip) } } }', { skip: true }],
      ['{ organisation(businessId: "1234567-2") { name } }'],
      ['{ projects(first: 3, after: "bm90IGEgY3Vyc29y") { nodes { code } } }'],
      ['{ projects(first: 101) { nodes { code } } }'],
      ['{ projects(first: 2, filter: { theme: "NO_SUCH_THEME" }) { nodes { code } } }'],
      ['query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['not-an-id'] }],
      ['{ projects(first: 2) { nodes { code } } viewer { account { name } } }'],
    ];
    for (const viewer of ['anonymous', 'admin']) {
      for (const [query, variables] of cases) {
        const answers = await both(query, variables, viewers[viewer]);
        expect({ query, viewer, ...answers.compiled as object }).toEqual({ query, viewer, ...answers.resolvers as object });
      }
    }
  });

  it('agrees with the resolvers on random selections of the declared fields', async () => {
    const roots = [...declaredReads().roots].filter(([, read]) => read.kind === 'connection').map(([name]) => name);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...roots),
        fc.constantFrom(...Object.keys(viewers)),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (root, viewer, first, backward, seed) => {
          let state = seed;
          // A deterministic subset per level, from the seed (fast-check shrinks the seed).
          const pick = (fields: string[]): string[] => fields.filter(() => ((state = (state * 1103515245 + 12345) % 2 ** 31) & 3) !== 0);
          const read = declaredReads().roots.get(root)!;
          const select = selection(schema.getType(read.type) as GraphQLObjectType, 2, pick);
          const query = `{ ${root}(${backward ? 'last' : 'first'}: ${first}) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { ${select} } } }`;
          const answers = await both(query, undefined, viewers[viewer]);
          expect({ query, viewer, ...answers.compiled as object }).toEqual({ query, viewer, ...answers.resolvers as object });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('writes values into its one message as literals that PostgreSQL reads back unchanged, whatever they hold', async () => {
    const owner = compiled.orm.em.getConnection();
    // Text without NUL (refused before any SQL) or lone surrogates (likewise), quotes, backslashes and semicolons included.
    const text = fc.string({ unit: fc.oneof(fc.constantFrom("'", '\\', ';', '"', '$', '?', 'E', '\n', '--', '/*'), fc.string({ unit: 'grapheme', maxLength: 1 })) }).filter((s) => !s.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 5 }), async (value, numbers) => {
        const sql = `select ${literal(value)}::text as v, ${literal(numbers)}::int[] as a, ${literal(numbers[0] ?? 7)}::int as n`;
        // The literals never end the statement early: one statement, whatever the text holds.
        expect(splitStatements(sql)).toHaveLength(1);
        const [row] = await owner.execute<{ v: string; a: number[]; n: number }[]>(sql);
        expect(row).toEqual({ v: value, a: numbers, n: numbers[0] ?? 7 });
      }),
      { numRuns: 300 },
    );
    expect(() => literal('a\u0000b')).toThrow(NotInlinable);
    expect(() => literal({ not: 'a value' })).toThrow(NotInlinable);
    expect(() => literal(Number.NaN)).toThrow(NotInlinable);
  });
});
