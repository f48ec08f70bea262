import { createHash, randomBytes } from 'node:crypto';

/** API tokens: `silta_` and 43 random base64url characters (256 bits). Only the SHA-256 is stored. */
export const TOKEN_PREFIX = 'silta_';

/** Longest lifetime of an API token, in days (the mutation and the CLI both check it). */
export const MAX_VALID_DAYS = 366;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function looksLikeApiToken(token: string): boolean {
  return /^silta_[A-Za-z0-9_-]{43}$/.test(token);
}

export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}
