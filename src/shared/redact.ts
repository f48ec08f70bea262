/**
 * What must never reach a log line or the terminal: API tokens, JWTs, cookies, passwords. Used by the
 * one logger factory (src/shared/logger.ts) and by the CLI's error output. Three layers, so a new
 * log call cannot leak by accident: header and field names (structure), error objects (which embed
 * request bodies and connection settings), and a last pass over the written text (token shapes).
 */

export const REDACTED = '[REDACTED]';

/** Headers whose value is a credential, by name: Authorization, Cookie, X-Api-Key, X-Session-Token, … */
const SECRET_HEADER = /token|secret|key|auth|cookie|session|password/i;

/** Object fields whose value is a credential (`token`, `secret`, `password`, `accessToken`, `tokenHash`, …); `tokenId` is not. */
const SECRET_FIELD =
  /^(authorization|cookie|set-cookie|jwt|dsn|connectionString|databaseUrl|clientUrl)$|(token|secret|password|passwd|apikey|api_key|credentials?|cookie|session)(s|hash)?$/i;

/** Fields of error objects that carry a whole request, response or client configuration. */
const ERROR_CARRIERS = new Set(['body', 'rawBody', 'config', 'request', 'response', 'headers', 'options', 'params', 'parameters']);

/** Credentials recognised by their shape wherever they occur in text. Values stop at quotes and backslashes so JSON stays valid. */
const SECRET_TEXT: [RegExp, string][] = [
  [/\b([Bb]earer)\s+[^\s"'\\,;]+/g, `$1 ${REDACTED}`],
  [/\bBasic\s+[A-Za-z0-9+/=]{8,}/g, `Basic ${REDACTED}`],
  [/\bsilta_[A-Za-z0-9_-]{40,}/g, `silta_${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, REDACTED],
  // postgres://user:password@host — the password of any URL with user information.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\]*):[^\s@/"'\\]*@/gi, `$1:${REDACTED}@`],
  // key=value connection strings and query strings.
  [/\b(password|passwd|pwd|access_token|token|api_key|apikey|secret)=[^\s&"'\\]*/gi, `$1=${REDACTED}`],
];

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** Replaces credentials recognisable by their shape (Bearer values, Silta tokens, JWTs, URL passwords). */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_TEXT) result = result.replace(pattern, replacement);
  return result;
}

export function redactHeaders(headers: unknown): unknown {
  if (!headers || typeof headers !== 'object') return headers;
  return Object.fromEntries(
    Object.entries(headers as Record<string, unknown>).map(([name, value]) => [
      name,
      isSecretHeader(name) ? REDACTED : typeof value === 'string' ? redactText(value) : value,
    ]),
  );
}

// pino's serializers return objects with their own prototypes; their own fields are what is written.
function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy with secret-named fields replaced and strings scrubbed, through plain objects and arrays.
 * Other objects (errors, requests, dates) are left to their serializers.
 */
export function redactValue(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 10 || value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return value;
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item) => redactValue(item, seen, depth + 1));
  }
  if (!isPlainObject(value)) return value;
  seen.add(value);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, isSecretField(key) && item != null ? REDACTED : redactValue(item, seen, depth + 1)]),
  );
}

/** A serialized error (pino's `err`) without the request bodies, client configs and secrets errors often carry. */
export function redactError(serialized: unknown): unknown {
  if (!isObject(serialized)) return redactValue(serialized);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(serialized)) {
    copy[key] = ERROR_CARRIERS.has(key) && item != null ? REDACTED : key === 'cause' || key === 'aggregateErrors' ? redactErrorList(item) : item;
  }
  return redactValue(copy);
}

function redactErrorList(value: unknown): unknown {
  return Array.isArray(value) ? value.map(redactError) : redactError(value);
}

/** A serialized request (method, url, headers, …) with credentials in headers and query strings removed. */
export function redactRequest(serialized: unknown): unknown {
  if (!isObject(serialized)) return serialized;
  return redactValue({ ...serialized, headers: redactHeaders(serialized.headers) });
}

/** A serialized response with Set-Cookie and other credential headers removed. */
export function redactResponse(serialized: unknown): unknown {
  if (!isObject(serialized)) return serialized;
  return { ...serialized, headers: redactHeaders(serialized.headers) };
}
