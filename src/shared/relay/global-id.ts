import { badUserInput } from '../errors';

/** Opaque Relay IDs: base64url of `Type:key`. Keys are integers or reference-data codes. */
export function toGlobalId(type: string, key: number | string): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  type: string;
  key: string;
}

const GLOBAL_ID = /^([A-Z][A-Za-z]*):([A-Za-z0-9_-]{1,64})$/;

/** Returns undefined when the string is not a Silta global ID at all. */
export function parseGlobalId(id: string): DecodedGlobalId | undefined {
  if (!/^[A-Za-z0-9_-]{1,120}$/.test(id)) return undefined;
  const match = GLOBAL_ID.exec(Buffer.from(id, 'base64url').toString('utf8'));
  return match ? { type: match[1], key: match[2] } : undefined;
}

/** Decodes an ID argument; a malformed one is the caller's mistake (BAD_USER_INPUT naming the argument). */
export function decodeGlobalId(id: string, argumentName: string): DecodedGlobalId {
  const decoded = parseGlobalId(id);
  if (!decoded) throw badUserInput(`"${id}" is not a valid Silta ID`, argumentName);
  return decoded;
}

/** Decodes an ID that must point at one of the given types and have an integer key. */
export function decodeEntityId(id: string, types: readonly string[], argumentName: string): number | undefined {
  const decoded = decodeGlobalId(id, argumentName);
  if (!types.includes(decoded.type)) {
    throw badUserInput(`"${id}" is a ${decoded.type} ID; expected ${types.join(' or ')}`, argumentName);
  }
  const key = Number(decoded.key);
  if (!Number.isSafeInteger(key) || key <= 0) throw badUserInput(`"${id}" is not a valid Silta ID`, argumentName);
  return key;
}
