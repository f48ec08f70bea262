import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeISOResolver, LocalDateResolver } from 'graphql-scalars';

/** Calendar date without time zone, `YYYY-MM-DD` (graphql-scalars' LocalDate). */
export const LocalDate = LocalDateResolver;
/** Instant with time zone, ISO 8601 (graphql-scalars' DateTimeISO). */
export const DateTime = DateTimeISOResolver;

const EUROS = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;

/** Normalises a euro amount to exactly two decimals, refusing anything inexact or negative. */
export function parseEuros(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !EUROS.test(text)) {
    throw new GraphQLError(`Euros must be a non-negative decimal with at most two decimals, e.g. "1250.50"; got ${JSON.stringify(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const [whole, fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

/**
 * Money is exact: PostgreSQL `numeric(14,2)` in the database and a decimal string on the wire,
 * never a float.
 */
export const Euros = new GraphQLScalarType<string, string>({
  name: 'Euros',
  description:
    'An exact amount of euros as a decimal string with two decimals, e.g. "300000.00". Never a float: ' +
    'sum and compare amounts with a decimal library.',
  serialize: (value) => parseEuros(value),
  parseValue: (value) => parseEuros(value),
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseEuros(ast.value);
    throw new GraphQLError('Euros must be a decimal string', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});
