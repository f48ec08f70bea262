import { buildSchema, defaultFieldResolver, execute, GraphQLList, parse, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLOutputType } from 'graphql';
import { OverlapKind, OverlapSignalKind } from '../../modules/overlap/overlap.enums';
import { LimitCode, LimitError } from './limits.errors';
import { actualFieldCost, COST_MODEL, countActualCost, requestedCost } from './query-cost';

// The shapes Silta's schema uses: Relay connections, plain lists, a list looked up by IDs, a mutation.
const schema = buildSchema(`
  type Query {
    projects(first: Int, last: Int, after: String): ProjectConnection!
    project(code: String!): Project
    themes: [Theme!]!
    nodes(ids: [ID!]!): [Node]!
    search(query: String!, first: Int = 10): [SearchResult!]!
  }
  type Mutation { renameProject(code: String!, title: String!): RenamePayload! }
  type RenamePayload { project: Project }
  interface Node { id: ID! }
  type Project implements Node {
    id: ID!
    code: String!
    lead: Organisation
    themes: [Theme!]!
    participations(first: Int, last: Int): ParticipationConnection!
  }
  type Organisation implements Node { id: ID! name: String! }
  type Participation { role: String! organisation: Organisation! }
  type Theme { code: String! }
  type SearchResult { score: Float! node: Node! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type ProjectConnection { totalCount: Int! nodes: [Project!]! edges: [ProjectEdge!]! pageInfo: PageInfo! }
  type ProjectEdge { cursor: String! node: Project! }
  type ParticipationConnection { totalCount: Int! nodes: [Participation!]! pageInfo: PageInfo! }
`);

function cost(query: string, variables?: Record<string, unknown>): number {
  return requestedCost(schema, parse(query), variables, undefined);
}

describe('requestedCost', () => {
  it('charges 1 per object and nothing for scalars', () => {
    expect(cost('{ project(code: "A") { code id } }')).toBe(1);
    expect(cost('{ project(code: "A") { code lead { name } } }')).toBe(2);
  });

  it('multiplies what a connection selects by first or last', () => {
    expect(cost('{ projects(first: 5) { nodes { code } } }')).toBe(1 + 5 * 1);
    expect(cost('{ projects(last: 3) { nodes { code lead { name } } } }')).toBe(1 + 3 * 2);
    expect(cost('query($n: Int) { projects(first: $n) { nodes { code } } }', { n: 7 })).toBe(1 + 7);
  });

  it('assumes the default page of 20 without first or last, and at most 100 items', () => {
    expect(cost('{ projects { nodes { code } } }')).toBe(1 + 20);
    expect(cost('{ projects(first: 500) { nodes { code } } }')).toBe(1 + 100);
    expect(cost('{ projects(first: 0) { nodes { code } } }')).toBe(1);
  });

  it('multiplies nested connections', () => {
    const query = '{ projects(first: 10) { nodes { participations(first: 10) { nodes { organisation { name } } } } } }';
    expect(cost(query)).toBe(1 + 10 * (1 + 1 + 10 * (1 + 1)));
  });

  it('counts edges like nodes, and pageInfo and totalCount as free', () => {
    expect(cost('{ projects(first: 5) { edges { cursor node { code } } } }')).toBe(cost('{ projects(first: 5) { nodes { code } } }'));
    expect(cost('{ projects(first: 5) { totalCount pageInfo { hasNextPage endCursor } } }')).toBe(1);
  });

  it('assumes 10 items in a plain list, or as many as the IDs asked for', () => {
    expect(cost('{ themes { code } }')).toBe(1 + 10 * 1);
    expect(cost('{ nodes(ids: ["a", "b", "c"]) { id } }')).toBe(1 + 3);
    expect(cost('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['a', 'b'] })).toBe(1 + 2);
  });

  it('uses the schema default of first, and the dearest type behind an interface', () => {
    expect(cost('{ search(query: "x") { score } }')).toBe(1 + 10 * 1);
    expect(cost('{ search(query: "x", first: 2) { node { id ... on Project { lead { name } } } } }')).toBe(1 + 2 * (1 + 1 + 1));
  });

  it('charges a mutation 10 plus what it selects', () => {
    expect(cost('mutation { renameProject(code: "A", title: "B") { project { code } } }')).toBe(10 + 1);
  });

  it('leaves out fields skipped by @skip or @include', () => {
    expect(cost('{ projects(first: 5) @skip(if: true) { nodes { code } } }')).toBe(0);
    expect(cost('query($on: Boolean!) { projects(first: 5) @include(if: $on) { nodes { code } } }', { on: false })).toBe(0);
  });

  it('refuses a fragment bomb as too complex instead of walking it', () => {
    const levels = Array.from({ length: 12 }, (_, i) => `fragment F${i} on Project { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const query = `{ project(code: "A") { ...F0 } }\n${levels}\nfragment F12 on Project { code }`;
    let caught: unknown;
    try {
      cost(query);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LimitError);
    expect((caught as LimitError).limitCode).toBe(LimitCode.QUERY_TOO_COMPLEX);
  });
});

describe('actualFieldCost', () => {
  const type = (name: string) => schema.getType(name) as GraphQLOutputType;
  const field = (parentType: string, fieldName: string, returnType: GraphQLOutputType) => ({ parentType: { name: parentType }, fieldName, returnType, isMutation: false });

  it('charges 1 per object and nothing for scalars or missing objects', () => {
    expect(actualFieldCost(field('Query', 'project', type('Project')), { code: 'A' })).toBe(1);
    expect(actualFieldCost(field('Query', 'project', type('Project')), null)).toBe(0);
    expect(actualFieldCost(field('Project', 'code', type('String')), 'A')).toBe(0);
  });

  it('charges lists by their real length; a page is charged by its connection', () => {
    const themes = new GraphQLList(type('Theme'));
    expect(actualFieldCost(field('Project', 'themes', themes), [{}, {}, null])).toBe(1 + 2);
    expect(actualFieldCost(field('ProjectConnection', 'nodes', new GraphQLList(type('Project'))), [{}, {}])).toBe(2);
    expect(actualFieldCost(field('ProjectConnection', 'pageInfo', type('PageInfo')), {})).toBe(0);
    expect(actualFieldCost(field('ProjectEdge', 'node', type('Project')), {})).toBe(0);
  });

  it('counts a mutation field at its own price', () => {
    expect(actualFieldCost({ ...field('Mutation', 'renameProject', type('RenamePayload')), isMutation: true }, {})).toBe(10);
  });

  it('agrees with requestedCost when every page is full', async () => {
    const organisation = { id: 'O', name: 'Yhdistys ry' };
    const project = () => ({ id: 'P', code: 'A', lead: organisation, participations: { nodes: [1, 2, 3].map(() => ({ role: 'LEAD', organisation })) } });
    const query = '{ projects(first: 2) { nodes { code lead { name } participations(first: 3) { nodes { role organisation { name } } } } } }';
    let actual = 0;
    const counting: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
      const result = defaultFieldResolver(source, args, context, info);
      actual += actualFieldCost({ ...info, isMutation: false }, result);
      return result;
    };
    const result = await execute({ schema, document: parse(query), rootValue: { projects: { nodes: [project(), project()] } }, fieldResolver: counting });
    expect(result.errors).toBeUndefined();
    expect(actual).toBe(cost(query));
  });
});

describe('countActualCost', () => {
  it('wraps only fields that can cost something and adds up what they resolved to, in the context', async () => {
    const counted = buildSchema(`
      type Query { themes: [Theme!]! project: Project broken: Project }
      type Mutation { renameProject: Project }
      type Theme { code: String }
      type Project { code: String! lead: Theme }`);
    const untouched = (counted.getType('Project') as GraphQLObjectType).getFields().code.resolve;
    countActualCost(counted);
    countActualCost(counted);
    expect((counted.getType('Project') as GraphQLObjectType).getFields().code.resolve).toBe(untouched);
    const rootValue = {
      themes: [{ code: 'A' }, { code: 'B' }],
      project: async () => ({ code: 'P', lead: { code: 'L' } }),
      broken: async () => Promise.reject(new Error('no')),
    };
    const limits: { actualCost?: number } = {};
    const read = await execute({ schema: counted, document: parse('{ themes { code } project { code lead { code } } broken { code } }'), rootValue, contextValue: { limits } });
    expect(read.errors).toHaveLength(1);
    // themes: 1 + 2 items; project: 1; its lead: 1; the failed field: nothing.
    expect(limits.actualCost).toBe(1 + 2 + 1 + 1);
    const write = { actualCost: 0 };
    await execute({ schema: counted, document: parse('mutation { renameProject { code } }'), rootValue: { renameProject: null }, contextValue: { limits: write } });
    expect(write.actualCost).toBe(COST_MODEL.mutation);
    // No limits in the context (a subscription's): nothing counted, nothing broken.
    expect((await execute({ schema: counted, document: parse('{ project { code } }'), rootValue })).errors).toBeUndefined();
  });
});

describe('known list sizes', () => {
  it('match the domain: two projects per finding, at most one signal per signal kind, one summary row per kind', () => {
    expect(COST_MODEL.knownListSizes).toEqual({
      'Overlap.projects': 2,
      'Overlap.signals': Object.keys(OverlapSignalKind).length,
      'Query.overlapSummary': Object.keys(OverlapKind).length,
    });
  });

  it('price a finding’s projects at two, not at the default list size', () => {
    const schema = buildSchema('type Project { code: String } type Overlap { projects: [Project!]! } type Query { overlap: Overlap }');
    expect(requestedCost(schema, parse('{ overlap { projects { code } } }'), {}, undefined)).toBe(1 + 1 + 2);
  });
});
