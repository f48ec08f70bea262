import { badUserInput } from '../errors';

/**
 * How the key of each type is spelt. Every type not listed is an entity with an `integer` (int4)
 * surrogate key. Decoding accepts only the canonical spelling, so one object has one global ID and
 * no key can reach SQL that its column cannot hold.
 */
const KEY_KINDS: Record<string, KeyKind> = {
  AuditEvent: 'bigint',
  WebhookDelivery: 'bigint',
  Municipality: /^\d{3}$/,
  PostalArea: /^\d{5}$/,
};

type KeyKind = 'integer' | 'bigint' | RegExp;

const INT4_MAX = 2_147_483_647n;
const INT8_MAX = 9_223_372_036_854_775_807n;
const CANONICAL_INTEGER = /^[1-9][0-9]{0,18}$/;

/** A positive integer key spelt canonically (no sign, no leading zero, no exponent) and within the column type. */
function isCanonicalKey(key: string, kind: KeyKind): boolean {
  if (kind instanceof RegExp) return kind.test(key);
  if (!CANONICAL_INTEGER.test(key)) return false;
  return BigInt(key) <= (kind === 'integer' ? INT4_MAX : INT8_MAX);
}

function keyKindOf(type: string): KeyKind {
  return KEY_KINDS[type] ?? 'integer';
}

/** Opaque Relay IDs: base64url (unpadded) of `Type:key`. Keys are integers or reference-data codes. */
export function toGlobalId(type: string, key: number | string): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  type: string;
  key: string;
}

const GLOBAL_ID = /^([A-Z][A-Za-z]{0,59}):([0-9A-Za-z_-]{1,64})$/;

/** Returns undefined when the string is not the canonical Silta global ID of any object. */
export function parseGlobalId(id: string): DecodedGlobalId | undefined {
  if (!/^[A-Za-z0-9_-]{1,120}$/.test(id)) return undefined;
  const bytes = Buffer.from(id, 'base64url');
  // Node's decoder ignores stray trailing bits; re-encoding tells a second spelling of the same bytes.
  if (bytes.toString('base64url') !== id) return undefined;
  const match = GLOBAL_ID.exec(bytes.toString('utf8'));
  if (!match || !isCanonicalKey(match[2], keyKindOf(match[1]))) return undefined;
  return { type: match[1], key: match[2] };
}

/** The ID as given, shortened: error messages echo it, and it may be huge. */
function quote(id: string): string {
  return JSON.stringify(id.length > 130 ? `${id.slice(0, 120)}…` : id);
}

/** Decodes an ID argument; a malformed one is the caller's mistake (BAD_USER_INPUT naming the argument). */
export function decodeGlobalId(id: string, argumentName: string): DecodedGlobalId {
  const decoded = parseGlobalId(id);
  if (!decoded) throw badUserInput(`${quote(id)} is not a valid Silta ID`, argumentName);
  return decoded;
}

/** Decodes an ID that must point at one of the given types, all with an integer key. */
export function decodeEntityId(id: string, types: readonly string[], argumentName: string): number {
  const decoded = decodeGlobalId(id, argumentName);
  if (!types.includes(decoded.type)) {
    throw badUserInput(`${quote(id)} is a ${decoded.type} ID; expected ${types.join(' or ')}`, argumentName);
  }
  if (keyKindOf(decoded.type) !== 'integer') throw new Error(`${decoded.type} IDs do not have integer keys`);
  return Number(decoded.key);
}
