import { badUserInput } from '../errors';
import { isStorableText } from '../input/storable-text';

/** SQL types that sort values and keys are compared as. */
export type SqlType = 'text' | 'date' | 'numeric' | 'integer' | 'bigint' | 'float8';

/** A keyset position: the sort value of a row and its key (the tie-breaker). */
export interface Cursor {
  value: string | number | null;
  key: string | number;
}

const MAX_CURSOR_LENGTH = 2048;
const MAX_TEXT_LENGTH = 1000;
const INTEGER_RANGE: Record<'integer' | 'bigint', [bigint, bigint]> = {
  integer: [-2_147_483_648n, 2_147_483_647n],
  bigint: [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n],
};

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.key]), 'utf8').toString('base64url');
}

function invalidCursor(argumentName: string): never {
  throw badUserInput('invalid cursor: pass `pageInfo.endCursor`/`startCursor` or an edge `cursor` of the same list, unchanged', argumentName);
}

/** Decodes the shape of a cursor; `checkCursor` then checks its values against the list's types. */
export function decodeCursor(cursor: string, argumentName: string): Cursor {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) invalidCursor(argumentName);
  const bytes = Buffer.from(cursor, 'base64url');
  // One spelling per cursor: Node's decoder would also take stray trailing bits.
  if (bytes.toString('base64url') !== cursor) invalidCursor(argumentName);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    invalidCursor(argumentName);
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !['string', 'number'].includes(typeof parsed[1]) ||
    !(parsed[0] === null || ['string', 'number'].includes(typeof parsed[0]))
  ) {
    invalidCursor(argumentName);
  }
  return { value: parsed[0] as Cursor['value'], key: parsed[1] as Cursor['key'] };
}

function isInteger(value: unknown, type: 'integer' | 'bigint'): boolean {
  let n: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return false;
    n = BigInt(value);
  } else if (typeof value === 'string' && /^-?(0|[1-9][0-9]{0,18})$/.test(value)) {
    n = BigInt(value);
  } else {
    return false;
  }
  const [min, max] = INTEGER_RANGE[type];
  return n >= min && n <= max;
}

function isDate(value: unknown): boolean {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  // PostgreSQL has no year 0; dates in cursors are its own ISO output, so years 1–9999.
  if (year < 1) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Whether a value from a cursor can be cast to the SQL type without an error. */
export function isCursorValue(value: unknown, type: SqlType): boolean {
  switch (type) {
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH && isStorableText(value);
    case 'date':
      return isDate(value);
    case 'numeric':
      return typeof value === 'string' && /^-?\d{1,40}(\.\d{1,40})?$/.test(value);
    case 'integer':
    case 'bigint':
      return isInteger(value, type);
    case 'float8':
      // PostgreSQL's own shortest round-trip output of a finite double (scores: "0.82", "1e-05").
      return typeof value === 'string' && value.length <= 40 && /^-?(\d+(\.\d+)?|\.\d+)(e[-+]?\d{1,3})?$/.test(value) && Number.isFinite(Number(value));
  }
}

/**
 * Checks a decoded cursor against the list it is used with: a forged one (values of the wrong type,
 * out of range, unstorable) is the client's error, refused before it reaches SQL.
 */
export function checkCursor(cursor: Cursor, types: { sort: SqlType; key: SqlType }, argumentName: string): void {
  if (!isCursorValue(cursor.value, types.sort) || !isCursorValue(cursor.key, types.key)) invalidCursor(argumentName);
}
