import { GraphQLError } from 'graphql';
import { decodeEntityId, parseGlobalId, toGlobalId } from './global-id';

describe('global IDs', () => {
  it('are opaque and round-trip', () => {
    const id = toGlobalId('Project', 42);
    expect(id).not.toContain('Project');
    expect(parseGlobalId(id)).toEqual({ type: 'Project', key: '42' });
    expect(parseGlobalId(toGlobalId('PostalArea', '70100'))).toEqual({ type: 'PostalArea', key: '70100' });
  });

  it.each(['', 'not base64!', Buffer.from('Project').toString('base64url'), Buffer.from('project:1').toString('base64url'), 'x'.repeat(500)])(
    'reject %p',
    (id) => {
      expect(parseGlobalId(id)).toBeUndefined();
    },
  );

  it('check the expected type and an integer key', () => {
    expect(decodeEntityId(toGlobalId('Programme', 3), ['Programme'], 'programme')).toBe(3);
    expect(() => decodeEntityId(toGlobalId('Project', 3), ['Programme'], 'programme')).toThrow(GraphQLError);
    expect(() => decodeEntityId(toGlobalId('Programme', 'abc'), ['Programme'], 'programme')).toThrow(/not a valid Silta ID/);
  });
});
