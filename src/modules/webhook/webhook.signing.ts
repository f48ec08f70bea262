/**
 * Signing deliveries: `X-Silta-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the
 * hook's secret, and `X-Silta-Timestamp` (Unix seconds). The timestamp is inside the MAC, so a
 * receiver that refuses old timestamps (five minutes is the usual tolerance) also refuses replays.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

export function signature(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.${body}`, 'utf8');
  return `sha256=${mac.digest('hex')}`;
}

/**
 * What a receiver does (and the tests do): recompute the MAC over the raw body, compare in constant
 * time, and refuse timestamps further than `toleranceSeconds` from now.
 */
export function verifySignature(secret: string, header: string, timestamp: string, body: string, toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, Number(timestamp), body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
