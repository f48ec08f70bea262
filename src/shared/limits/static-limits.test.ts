import { buildSchema, GraphQLError, parse, specifiedRules, validate } from 'graphql';
import { LimitCode, LimitError, limitCodeOf } from './limits.errors';
import { parseOptions, staticLimitRules } from './static-limits';

const schema = buildSchema(`
  type Query { project: Project }
  type Project { code: String! parent: Project }
`);
const limits = { maxDepth: 4, maxAliases: 2, maxDirectives: 2, maxTokens: 50 };

function codesOf(query: string): (string | undefined)[] {
  return validate(schema, parse(query), [...specifiedRules, ...staticLimitRules(limits)]).map((error) => limitCodeOf(error));
}

describe('staticLimitRules', () => {
  it('accepts a query within every limit', () => {
    expect(codesOf('{ a: project { parent { parent { code } } } b: project { code @skip(if: false) } }')).toEqual([]);
  });

  it('refuses a query nested deeper than maxDepth, counting fields not fragments', () => {
    expect(codesOf('{ project { parent { parent { parent { parent { code } } } } } }')).toEqual([LimitCode.QUERY_TOO_DEEP]);
    expect(codesOf('{ project { ...P } } fragment P on Project { parent { ... on Project { parent { code } } } }')).toEqual([]);
  });

  it('refuses too many aliases and too many directives, with a message naming the limit', () => {
    expect(codesOf('{ a: project { code } b: project { code } c: project { code } }')).toEqual([LimitCode.TOO_MANY_ALIASES]);
    const [error] = validate(schema, parse('{ project { code @skip(if: false) @include(if: true) parent @skip(if: false) { code } } }'), staticLimitRules(limits));
    expect(limitCodeOf(error)).toBe(LimitCode.TOO_MANY_DIRECTIVES);
    expect(error.message).toBe('Directives limit of 2 exceeded, found 3.');
  });

  it('stops parsing past maxTokens, which limitCodeOf recognises', () => {
    const query = `{ ${Array.from({ length: 30 }, () => 'project { code }').join(' ')} }`;
    let caught: unknown;
    try {
      parse(query, parseOptions(limits));
    } catch (error) {
      caught = error;
    }
    expect(limitCodeOf(caught)).toBe(LimitCode.TOO_MANY_TOKENS);
  });
});

describe('limitCodeOf', () => {
  it('finds a limit error wrapped by Apollo, and nothing in other errors', () => {
    const wrapped = new GraphQLError('wrapped', { originalError: new LimitError('deep', LimitCode.QUERY_TOO_DEEP) });
    expect(limitCodeOf(wrapped)).toBe(LimitCode.QUERY_TOO_DEEP);
    expect(limitCodeOf(new GraphQLError('Cannot query field "x" on type "Query".'))).toBeUndefined();
    expect(limitCodeOf('not an error')).toBeUndefined();
  });
});
