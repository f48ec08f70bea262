/**
 * Characters PostgreSQL cannot store in `text`: NUL, and UTF-16 surrogates without their pair
 * (which have no UTF-8 encoding). Sent in a query they fail the statement, so they are refused
 * at the edge as the client's mistake.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether PostgreSQL can store the string as text. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}
