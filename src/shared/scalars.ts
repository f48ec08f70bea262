import { GraphQLError, GraphQLScalarType, isSpecifiedScalarType, Kind, type GraphQLSchema, type GraphQLScalarSerializer } from 'graphql';
import { DateTimeISOResolver, LocalDateResolver } from 'graphql-scalars';
import { ErrorCode } from './errors';

/**
 * Dates and instants the API accepts: years 1900–2199. PostgreSQL has no year 0 and stops at
 * 294276; a wider range only lets typos in (20244, 0024), and Finnish project data spans decades.
 */
export const DATE_RANGE = { first: '1900-01-01', last: '2199-12-31' } as const;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

function checkDateRange<T extends string | Date>(scalar: string, value: T): T {
  const day = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  // Both are zero-padded ISO dates of four-digit years, so comparing the text compares the days.
  if (!/^\d{4}-/.test(day) || day < DATE_RANGE.first || day > DATE_RANGE.last) {
    throw badInput(`${scalar} must be between ${DATE_RANGE.first} and ${DATE_RANGE.last}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** graphql-scalars' date scalar, with inputs limited to DATE_RANGE; output stays as stored. */
function inDateRange<T extends string | Date>(base: GraphQLScalarType): GraphQLScalarType<T, string> {
  const config = base.toConfig();
  return new GraphQLScalarType<T, string>({
    ...config,
    description: `${config.description ?? ''} Inputs must lie between ${DATE_RANGE.first} and ${DATE_RANGE.last}.`.trim(),
    serialize: config.serialize as GraphQLScalarSerializer<string>,
    parseValue: (value) => checkDateRange(config.name, base.parseValue(value) as T),
    parseLiteral: (ast, variables) => checkDateRange(config.name, base.parseLiteral(ast, variables) as T),
  });
}

/** Calendar date without time zone, `YYYY-MM-DD` (graphql-scalars' LocalDate). */
export const LocalDate = inDateRange<string>(LocalDateResolver);
/** Instant with time zone, ISO 8601 (graphql-scalars' DateTimeISO). */
export const DateTime = inDateRange<Date>(DateTimeISOResolver);

const EUROS = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;

/** Normalises a euro amount to exactly two decimals, refusing anything inexact or negative. */
export function parseEuros(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !EUROS.test(text)) {
    throw badInput(`Euros must be a non-negative decimal with at most two decimals, e.g. "1250.50"; got ${JSON.stringify(value)}`);
  }
  const [whole, fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

const EXACT_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
/** An amount exactly as serializeEuros writes it: no sign, no leading zeros, two decimals. */
const WRITTEN_EUROS = /^(?:0|[1-9]\d*)\.\d\d$/;

/**
 * Writes an amount from the database (numeric as text) or a BigInt sum, exactly and of any size:
 * sums of many lines outgrow the input limit. Anything that is not an exact amount of cents is a
 * bug on our side, so it throws a plain Error (INTERNAL_SERVER_ERROR), never the client's error.
 */
export function serializeEuros(value: unknown): string {
  // What the database sends for numeric(14,2) and its sums (a page of 50 projects has hundreds): already written as it should be.
  if (typeof value === 'string' && WRITTEN_EUROS.test(value)) return value;
  const text = typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)) ? String(value) : value;
  const match = typeof text === 'string' ? EXACT_DECIMAL.exec(text) : null;
  if (!match || (match[3] ?? '').slice(2).replace(/0/g, '') !== '') {
    throw new Error(`Euros cannot serialise ${typeof value} ${String(value).slice(0, 50)} exactly`);
  }
  const [, sign, whole, fraction = ''] = match;
  const normalised = `${whole.replace(/^0+(?=\d)/, '')}.${fraction.slice(0, 2).padEnd(2, '0')}`;
  return sign && /[1-9]/.test(normalised) ? `-${normalised}` : normalised;
}

/**
 * Money is exact: PostgreSQL `numeric(14,2)` in the database and a decimal string on the wire,
 * never a float.
 */
export const Euros = new GraphQLScalarType<string, string>({
  name: 'Euros',
  description:
    'An exact amount of euros as a decimal string with two decimals, e.g. "300000.00". Never a float: ' +
    'sum and compare amounts with a decimal library. Inputs are at most 999999999999.99; sums may be larger.',
  serialize: serializeEuros,
  parseValue: (value) => parseEuros(value),
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseEuros(ast.value);
    throw badInput('Euros must be a decimal string');
  },
});

const INTERNAL_SERIALIZE = Symbol('internalSerialize');

/**
 * A value the server fails to write out is the server's fault, whatever error the scalar threw:
 * graphql-js keeps a GraphQLError's code, so a serializer sharing code with input parsing would
 * report BAD_USER_INPUT (and escape masking and logging). Every custom scalar's serialize rethrows
 * as a plain Error.
 */
export function outputErrorsAreInternal(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLScalarType) || isSpecifiedScalarType(type)) continue;
    const serialize = type.serialize as GraphQLScalarSerializer<unknown> & { [INTERNAL_SERIALIZE]?: true };
    if (serialize[INTERNAL_SERIALIZE]) continue;
    const wrapped = Object.assign(
      (value: unknown) => {
        try {
          return serialize(value);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw new Error(`${type.name} could not serialise a value: ${message}`, { cause: error });
        }
      },
      { [INTERNAL_SERIALIZE]: true as const },
    );
    type.serialize = wrapped;
  }
  return schema;
}
