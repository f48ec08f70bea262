import { GraphQLError } from 'graphql';
import { buildConnection, decodeCursor, encodeCursor, parsePageRequest } from './connection';

function argumentOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    return (error as GraphQLError).extensions.argumentName;
  }
  throw new Error('expected an error');
}

describe('parsePageRequest', () => {
  it('defaults to the first 20', () => {
    expect(parsePageRequest({})).toEqual({ limit: 20, backward: false, cursor: undefined, fromCursor: false });
  });

  it('pages forward after a cursor and backward before one', () => {
    const after = encodeCursor({ value: 'abc', key: 7 });
    expect(parsePageRequest({ first: 5, after })).toEqual({ limit: 5, backward: false, cursor: { value: 'abc', key: 7 }, fromCursor: true, cursorArgument: 'after' });
    expect(parsePageRequest({ last: 3, before: after })).toMatchObject({ limit: 3, backward: true, fromCursor: true, cursorArgument: 'before' });
    expect(parsePageRequest({ before: after })).toMatchObject({ limit: 20, backward: true });
  });

  it.each([
    [{ first: 0 }, 'first'],
    [{ first: 101 }, 'first'],
    [{ last: 101 }, 'last'],
    [{ first: 1, last: 1 }, 'first'],
    [{ last: 2, after: encodeCursor({ value: 1, key: 1 }) }, 'after'],
    [{ first: 2, before: encodeCursor({ value: 1, key: 1 }) }, 'before'],
    [{ after: 'nope' }, 'after'],
  ])('rejects %j naming %s', (args, argument) => {
    expect(argumentOf(() => parsePageRequest(args))).toBe(argument);
  });
});

describe('cursors', () => {
  it('round-trip sort values and keys, including null sort values and string keys', () => {
    for (const cursor of [
      { value: '2018-01-01', key: 3 },
      { value: null, key: '70100' },
      { value: 12.5, key: 1 },
    ]) {
      expect(decodeCursor(encodeCursor(cursor), 'after')).toEqual(cursor);
    }
  });

  it('refuse JSON of the wrong shape', () => {
    const wrong = Buffer.from(JSON.stringify({ a: 1 })).toString('base64url');
    expect(argumentOf(() => decodeCursor(wrong, 'before'))).toBe('before');
  });
});

describe('buildConnection', () => {
  const rows = [1, 2, 3].map((key) => ({ node: { key }, cursor: { value: key, key } }));
  const count = () => Promise.resolve(3);

  it('uses the extra row to tell that a next page exists', () => {
    const connection = buildConnection(rows, { limit: 2, backward: false, fromCursor: false }, count);
    expect(connection.nodes).toEqual([{ key: 1 }, { key: 2 }]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('reverses backward pages into forward order', () => {
    const connection = buildConnection([...rows].reverse(), { limit: 2, backward: true, fromCursor: true }, count);
    expect(connection.nodes).toEqual([{ key: 2 }, { key: 3 }]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });
});
