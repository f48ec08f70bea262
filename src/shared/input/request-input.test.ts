import { buildSchema, getOperationAST, GraphQLError, parse } from 'graphql';
import { checkRequestInput } from './request-input';

const schema = buildSchema(`
  input Filter { name: String, ids: [ID!], order: Order }
  input Order { direction: Direction! = ASC }
  enum Direction { ASC DESC }
  type Query {
    things(filter: Filter, first: Int): Int
    search(query: String!, first: Int! = 10): Int
  }
`);

function outcome(query: string, variables?: Record<string, unknown>): unknown {
  const document = parse(query);
  try {
    checkRequestInput(schema, document, getOperationAST(document) ?? undefined, variables);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { code, argumentName, http } = (error as GraphQLError).extensions as Record<string, unknown>;
    expect(http).toEqual({ status: 400 });
    return [code, argumentName];
  }
}

describe('checkRequestInput', () => {
  it.each<[string, string, Record<string, unknown> | undefined, unknown]>([
    ['plain text', '{ search(query: "Kuopio 😀 ‮ \' ; --") }', undefined, 'accepted'],
    ['a NUL in a literal argument', '{ search(query: "a\\u0000b") }', undefined, ['BAD_USER_INPUT', 'query']],
    ['a NUL in a nested literal', '{ things(filter: { name: "x\\u0000" }) }', undefined, ['BAD_USER_INPUT', 'filter.name']],
    ['a NUL in a literal list item', '{ things(filter: { ids: ["1", "2\\u0000"] }) }', undefined, ['BAD_USER_INPUT', 'filter.ids[1]']],
    ['a NUL in a variable', 'query($q: String!) { search(query: $q) }', { q: 'a\u0000' }, ['BAD_USER_INPUT', 'query']],
    ['a lone surrogate in a variable', 'query($q: String!) { search(query: $q) }', { q: 'a\uD800' }, ['BAD_USER_INPUT', 'query']],
    ['a paired surrogate in a variable', 'query($q: String!) { search(query: $q) }', { q: 'a\uD83D\uDE00' }, 'accepted'],
    ['a NUL deep in a variable', 'query($f: Filter) { things(filter: $f) }', { f: { ids: ['1', '\u0000'] } }, ['BAD_USER_INPUT', 'filter.ids[1]']],
    ['a NUL in an object key', 'query($f: Filter) { things(filter: $f) }', { f: { 'a\u0000': 1 } }, ['BAD_USER_INPUT', 'filter']],
    ['a NUL in an unused variable', 'query($q: String) { things }', { q: '\u0000' }, ['BAD_USER_INPUT', '$q']],
    ['a NUL in a variable default', 'query($q: String = "\\u0000") { search(query: "x") }', undefined, ['BAD_USER_INPUT', '$q']],
    ['null to an argument with a default', 'query($n: Int) { search(query: "x", first: $n) }', { n: null }, ['BAD_USER_INPUT', 'first']],
    ['null to an input field with a default', 'query($d: Direction) { things(filter: { order: { direction: $d } }) }', { d: null }, ['BAD_USER_INPUT', 'filter.order.direction']],
    ['a left-out variable (the default applies)', 'query($n: Int) { search(query: "x", first: $n) }', {}, 'accepted'],
    ['null to a nullable argument', 'query($n: Int) { things(first: $n) }', { n: null }, 'accepted'],
    ['a value to an argument with a default', 'query($n: Int) { search(query: "x", first: $n) }', { n: 5 }, 'accepted'],
  ])('%s', (_label, query, variables, expected) => {
    expect(outcome(query, variables)).toEqual(expected);
  });

  it('looks only at the operation that runs', () => {
    const document = parse('query A($n: Int) { search(query: "x", first: $n) } query B($n: Int) { things(first: $n) }');
    const b = getOperationAST(document, 'B') ?? undefined;
    expect(() => checkRequestInput(schema, document, b, { n: null })).not.toThrow();
  });
});
