import { escapeLiteral } from 'pg';

/**
 * A read that needs nothing but one statement in the viewer's transaction (a compiled read) goes to
 * PostgreSQL as ONE simple-protocol message: `begin; select set_config(…); execute <prepared>(…);
 * commit` (preceded, the first time on a connection, by its `prepare`), instead of four round trips
 * (begin, set_config, the statement, commit), each a socket write, a wake-up of the backend and a
 * pass through the driver. The statement stays a prepared statement with a generic plan. Simple
 * messages take no parameters, so the values are written as quoted literals of unknown type, which
 * PostgreSQL coerces to the parameter types the prepare inferred, as it does for bound parameters.
 */

export class NotInlinable extends Error {}

/** A value as a quoted SQL literal: strings escaped by node-postgres, numbers and arrays as their text form. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    // PostgreSQL refuses NUL in text (the input checks refuse it before any SQL runs).
    if (value.includes('\u0000')) throw new NotInlinable('NUL in a value');
    return escapeLiteral(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotInlinable('not a finite number');
    return `'${String(value)}'`;
  }
  if (typeof value === 'boolean') return value ? `'true'` : `'false'`;
  if (Array.isArray(value)) {
    // The array's text form, as node-postgres writes array parameters: {1,2} and {"a","b\"c"}.
    const items = value.map((item: unknown) => {
      if (typeof item === 'number' && Number.isFinite(item)) return String(item);
      if (typeof item === 'string') return `"${item.replace(/[\\"]/g, '\\$&')}"`;
      throw new NotInlinable('an array of something else');
    });
    return literal(`{${items.join(',')}}`);
  }
  throw new NotInlinable(`a ${typeof value} value`);
}

/** The prepared statements of each pooled connection (a new connection object starts with none). */
const preparedOn = new WeakMap<object, Set<string>>();

export function preparedNames(connection: object): Set<string> {
  let names = preparedOn.get(connection);
  if (!names) preparedOn.set(connection, (names = new Set()));
  return names;
}

/**
 * The statements of a simple-protocol message, for counting (tests, the benchmark): split at
 * semicolons outside quoted literals and identifiers.
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let quote: string | null = null;
  let escapes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (escapes && ch === '\\') i++;
      else if (ch === quote) {
        if (text[i + 1] === quote) i++;
        else quote = null;
      }
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      escapes = ch === "'" && /[eE]$/.test(text.slice(Math.max(0, i - 1), i)) && !/\w/.test(text[i - 2] ?? '');
    } else if (ch === ';') {
      statements.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last) statements.push(last);
  return statements.filter(Boolean);
}
