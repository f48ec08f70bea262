import { GraphQLError } from 'graphql';
import { decodeEntityId, parseGlobalId, toGlobalId } from './global-id';

const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('global IDs', () => {
  it('are opaque and round-trip', () => {
    const id = toGlobalId('Project', 42);
    expect(id).not.toContain('Project');
    expect(parseGlobalId(id)).toEqual({ type: 'Project', key: '42' });
    expect(parseGlobalId(toGlobalId('PostalArea', '70100'))).toEqual({ type: 'PostalArea', key: '70100' });
    expect(parseGlobalId(toGlobalId('AuditEvent', '9223372036854775807'))).toEqual({ type: 'AuditEvent', key: '9223372036854775807' });
  });

  it.each([
    ['the largest int4 key', 'Project:2147483647', { type: 'Project', key: '2147483647' }],
    ['a municipality code', 'Municipality:297', { type: 'Municipality', key: '297' }],
    ['an unknown type with an integer key (node() refuses the type)', 'Spaceship:1', { type: 'Spaceship', key: '1' }],
  ])('accept %s', (_label, text, expected) => {
    expect(parseGlobalId(raw(text))).toEqual(expected);
  });

  it.each([
    ['empty', ''],
    ['not base64', 'not base64!'],
    ['no key', raw('Project')],
    ['a lower-case type', raw('project:1')],
    ['too long', 'x'.repeat(500)],
    ['an exponent', raw('Project:1e1')],
    ['hexadecimal', raw('Project:0x1e')],
    ['a leading zero', raw('Project:030')],
    ['zero', raw('Project:0')],
    ['a negative key', raw('Project:-1')],
    ['a decimal key', raw('Project:1.0')],
    ['2^31 in an int4 key', raw('Project:2147483648')],
    ['a huge key', raw(`Project:${'9'.repeat(40)}`)],
    ['2^63 in a bigint key', raw('AuditEvent:9223372036854775808')],
    ['a text key on an integer type', raw('Programme:abc')],
    ['a short municipality code', raw('Municipality:97')],
    ['a postal code with letters', raw('PostalArea:7010a')],
    ['padding', `${raw('Project:1')}==`],
    ['standard base64 alphabet', Buffer.from('Project:1>?').toString('base64')],
    ['stray trailing bits (a second spelling of the same bytes)', raw('Project:12').replace(/.$/, (c) => String.fromCharCode(c.charCodeAt(0) + 1))],
    ['trailing whitespace in the decoded text', raw('Project:1 ')],
    ['a NUL byte', raw('Project:1\u0000')],
  ])('reject %s', (_label, id) => {
    expect(parseGlobalId(id)).toBeUndefined();
  });

  it('check the expected type', () => {
    expect(decodeEntityId(toGlobalId('Programme', 3), ['Programme'], 'programme')).toBe(3);
    expect(() => decodeEntityId(toGlobalId('Project', 3), ['Programme'], 'programme')).toThrow(GraphQLError);
    expect(() => decodeEntityId(toGlobalId('Programme', 'abc'), ['Programme'], 'programme')).toThrow(/not a valid Silta ID/);
  });
});
