import cors from 'cors';
import type { RequestHandler } from 'express';
import type { CorsConfig } from '../config';

/**
 * Request headers a browser client may send: the token, JSON, and the two headers Apollo's CSRF
 * prevention accepts as proof of a preflight; x-request-id lets a portal correlate its logs with ours.
 */
export const CORS_ALLOWED_HEADERS = ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id'];
/** Response headers a browser client may read: the request ID and the rate limit's wait. */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after'];
/** How long a browser may reuse a preflight answer (Chromium caps it at 2 hours). */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * CORS for browser pages on other origins (CORS_ORIGINS), or undefined when none are allowed.
 * This only lets allowed pages read responses: Apollo's CSRF prevention still refuses requests that
 * skip the preflight (a GET or a text/plain POST without a preflight-forcing header), from any origin.
 */
export function corsMiddleware(config: CorsConfig): RequestHandler | undefined {
  if (config.origins !== '*' && config.origins.length === 0) return undefined;
  return cors({
    // An array is matched exactly; the response names the one origin that asked, with Vary: Origin.
    origin: config.origins,
    credentials: config.credentials,
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
  });
}
