import { GraphQLError } from 'graphql';
import { checkCursor, decodeCursor, encodeCursor, isCursorValue, type SqlType } from './cursor';

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return [(error as GraphQLError).extensions.code, (error as GraphQLError).extensions.argumentName];
  }
  return 'accepted';
}

describe('decodeCursor', () => {
  it('round-trips what encodeCursor wrote', () => {
    expect(decodeCursor(encodeCursor({ value: 'kuopio', key: 7 }), 'after')).toEqual({ value: 'kuopio', key: 7 });
  });

  it.each([
    ['not base64url', 'garbage!'],
    ['base64 that is not JSON', Buffer.from('hello').toString('base64url')],
    ['an object', json({ value: 1, key: 1 })],
    ['three items', json(['a', 1, 2])],
    ['a nested array key', json(['a', [1]])],
    ['an object value', json([{ a: 1 }, 1])],
    ['a null key', json(['a', null])],
    ['a boolean key', json(['a', true])],
    ['padding', `${encodeCursor({ value: 'a', key: 1 })}=`],
    ['stray trailing bits', encodeCursor({ value: 'ab', key: 1 }).replace(/.$/, (c) => String.fromCharCode(c.charCodeAt(0) + 1))],
    ['a huge cursor', json(['x'.repeat(5000), 1])],
  ])('refuses %s as BAD_USER_INPUT naming the argument', (_label, cursor) => {
    expect(codeOf(() => decodeCursor(cursor, 'before'))).toEqual(['BAD_USER_INPUT', 'before']);
  });
});

describe('cursor values against the list types', () => {
  it.each<[SqlType, unknown, boolean]>([
    ['text', 'Kuopion kaupunki', true],
    ['text', '', true],
    ['text', '😀 ‮', true],
    ['text', 'a\u0000b', false],
    ['text', 'lone \uD800 surrogate', false],
    ['text', 'x'.repeat(1001), false],
    ['text', 12, false],
    ['text', null, false],
    ['date', '2024-02-29', true],
    ['date', '9999-12-31', true],
    ['date', '0000-01-01', false],
    ['date', '2023-02-29', false],
    ['date', '2024-13-01', false],
    ['date', '99999-01-01', false],
    ['date', '2024-1-1', false],
    ['date', 20240101, false],
    ['numeric', '999999999999.99', true],
    ['numeric', '-3', true],
    ['numeric', '1e5', false],
    ['numeric', 'NaN', false],
    ['numeric', 12.5, false],
    ['numeric', '1'.repeat(41), false],
    ['integer', 7, true],
    ['integer', '7', true],
    ['integer', 2147483647, true],
    ['integer', 2147483648, false],
    ['integer', '2147483648', false],
    ['integer', -2147483649, false],
    ['integer', 1.5, false],
    ['integer', '1e3', false],
    ['integer', '007', false],
    ['integer', 'abc', false],
    ['bigint', '9223372036854775807', true],
    ['bigint', '9223372036854775808', false],
    ['bigint', 1e300, false],
    ['float8', '0.82', true],
    ['float8', '1', true],
    ['float8', '1e-05', true],
    ['float8', '0.30000000000000004', true],
    ['float8', 'NaN', false],
    ['float8', 'Infinity', false],
    ['float8', '1e999', false],
    ['float8', '0x10', false],
    ['float8', 0.5, false],
  ])('%s: %p is %p', (type, value, ok) => {
    expect(isCursorValue(value, type)).toBe(ok);
  });

  it('refuses a cursor of another list as "invalid cursor" naming the argument', () => {
    const cursor = decodeCursor(encodeCursor({ value: 'kuopio', key: 'abc' }), 'after');
    expect(codeOf(() => checkCursor(cursor, { sort: 'text', key: 'integer' }, 'after'))).toEqual(['BAD_USER_INPUT', 'after']);
    expect(() => checkCursor(cursor, { sort: 'date', key: 'text' }, 'after')).toThrow(/invalid cursor/);
    expect(codeOf(() => checkCursor(cursor, { sort: 'text', key: 'text' }, 'after'))).toBe('accepted');
  });
});
