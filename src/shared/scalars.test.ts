import { GraphQLError, GraphQLObjectType, GraphQLScalarType, GraphQLSchema, Kind } from 'graphql';
import { DateTime, LocalDate, outputErrorsAreInternal, parseEuros, serializeEuros } from './scalars';

describe('Euros', () => {
  it.each([
    ['0', '0.00'],
    ['12', '12.00'],
    ['12.5', '12.50'],
    ['300000.05', '300000.05'],
    [1250.5, '1250.50'],
  ])('normalises %p to %p', (input, expected) => {
    expect(parseEuros(input)).toBe(expected);
  });

  it.each(['-1', '1.234', '01', '1e3', 'abc', '', null, Number.NaN, '1 000'])('refuses %p', (input) => {
    expect(() => parseEuros(input)).toThrow(/Euros must be/);
  });
});

describe('Euros output', () => {
  it.each([
    ['0', '0.00'],
    ['12.5', '12.50'],
    ['999999999999.99', '999999999999.99'],
    // Sums of many maximal lines: far past the input limit and past a double's precision.
    ['99999999999999999999999.99', '99999999999999999999999.99'],
    ['1234.5600', '1234.56'],
    ['-15.00', '-15.00'],
    ['-0.00', '0.00'],
    // Already as written (returned as given) and nearly so (normalised).
    ['0.00', '0.00'],
    ['10.10', '10.10'],
    ['007.50', '7.50'],
    ['00.00', '0.00'],
    ['5.1', '5.10'],
    [12n, '12.00'],
    [7, '7.00'],
  ])('writes %p exactly as %p', (value, expected) => {
    expect(serializeEuros(value)).toBe(expected);
  });

  it.each([['1.005'], [12.5], [Number.NaN], ['abc'], [null], [{}]])('fails on %p as a plain Error, never the client’s', (value) => {
    expect(() => serializeEuros(value)).toThrow(Error);
    try {
      serializeEuros(value);
    } catch (error) {
      expect(error).not.toBeInstanceOf(GraphQLError);
    }
  });
});

describe('date inputs', () => {
  const parse = (scalar: GraphQLScalarType, value: string) => () => scalar.parseValue(value);
  const literal = (scalar: GraphQLScalarType, value: string) => () => scalar.parseLiteral({ kind: Kind.STRING, value }, {});

  it.each(['1900-01-01', '2024-02-29', '2199-12-31'])('LocalDate accepts %s', (value) => {
    expect(parse(LocalDate, value)()).toBe(value);
    expect(literal(LocalDate, value)()).toBe(value);
  });

  it.each(['0000-01-01', '0001-01-01', '1899-12-31', '2200-01-01', '9999-12-31', '99999-01-01', '2023-02-29', '2024-1-1', ''])(
    'LocalDate refuses %p as BAD_USER_INPUT',
    (value) => {
      for (const fn of [parse(LocalDate, value), literal(LocalDate, value)]) {
        expect(fn).toThrow(GraphQLError);
        try {
          fn();
        } catch (error) {
          // graphql-scalars' own refusals carry no code; graphql-js and Apollo code them as bad input.
          expect([undefined, 'BAD_USER_INPUT']).toContain((error as GraphQLError).extensions.code);
        }
      }
    },
  );

  it('DateTime accepts instants in range and refuses others', () => {
    expect((DateTime.parseValue('2024-05-01T10:00:00Z') as Date).toISOString()).toBe('2024-05-01T10:00:00.000Z');
    for (const value of ['0000-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '2200-01-01T00:00:00Z', '+275760-09-13T00:00:00Z']) {
      expect(parse(DateTime, value)).toThrow(GraphQLError);
    }
  });
});

describe('outputErrorsAreInternal', () => {
  it('turns a serialize error with a client code into a plain Error', () => {
    const scalar = new GraphQLScalarType({
      name: 'Picky',
      serialize: () => {
        throw new GraphQLError('nope', { extensions: { code: 'BAD_USER_INPUT' } });
      },
    });
    const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { picky: { type: scalar } } }) });
    outputErrorsAreInternal(schema);
    outputErrorsAreInternal(schema);
    expect(() => scalar.serialize(1)).toThrow('Picky could not serialise a value: nope');
    try {
      scalar.serialize(1);
    } catch (error) {
      expect(error).not.toBeInstanceOf(GraphQLError);
    }
  });
});
