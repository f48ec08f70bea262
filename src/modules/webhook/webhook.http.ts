/**
 * Outgoing POSTs to webhook targets, guarded against server-side request forgery. A target's host
 * is resolved first and every address it resolves to must be public unicast (or allowed by the
 * operator, WEBHOOK_ALLOW_HOSTS); the connection then goes to the address that was checked (a
 * fixed `lookup`), with the Host header and TLS name of the URL, so a second DNS answer cannot
 * swap in a private address (DNS rebinding). Redirects are not followed: a 3xx is a failed delivery,
 * so no Location can lead the request anywhere. Connect and response are timed out separately, and
 * only the first bytes of a response are read.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { inAnyCidr, isIpLiteral, isPublicUnicast, rangeOf } from '../../shared/net/ip-ranges';

export interface TargetPolicy {
  /** Host names (lower case) allowed whatever they resolve to. */
  allowHosts: readonly string[];
  /** Address ranges allowed although not public. */
  allowCidrs: readonly string[];
}

export interface HttpTimeouts {
  connectTimeoutMs: number;
  responseTimeoutMs: number;
}

/** The target may not be reached (its URL or address); the reason is safe to show to the hook's owner. */
export class RefusedTarget extends Error {}

export const MAX_URL_LENGTH = 2000;
const EXCERPT_BYTES = 1024;

/** An http(s) URL without user information, or the reason it is not acceptable. */
export function parseTargetUrl(text: string): URL | string {
  if (text.length > MAX_URL_LENGTH) return `The URL is longer than ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Only http and https URLs can receive webhooks';
  // Credentials in a URL end up in logs and in the delivery log's errors; put them in the path or use the signature.
  if (url.username || url.password) return 'The URL may not contain a user name or password';
  if (!url.hostname) return 'The URL has no host';
  return url;
}

function bare(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** Why this address of this host may not be reached; null when it may. */
export function addressRefusal(hostname: string, address: string, policy: TargetPolicy): string | null {
  if (policy.allowHosts.includes(hostname.toLowerCase())) return null;
  if (inAnyCidr(address, policy.allowCidrs)) return null;
  if (isPublicUnicast(address)) return null;
  return `${address} is a ${rangeOf(address)} address, which webhooks may not reach (an operator can allow it with WEBHOOK_ALLOW_HOSTS)`;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * The address to connect to: the host's every address is checked (a host with one private address
 * among public ones is refused: which one a client uses is not ours to predict).
 */
export async function resolveTarget(url: URL, policy: TargetPolicy, resolve: Resolver = systemResolver): Promise<{ address: string; family: number }> {
  const hostname = bare(url.hostname);
  if (isIpLiteral(hostname)) {
    const refusal = addressRefusal(hostname, hostname, policy);
    if (refusal) throw new RefusedTarget(refusal);
    return { address: hostname, family: hostname.includes(':') ? 6 : 4 };
  }
  let addresses: { address: string; family: number }[];
  try {
    addresses = await resolve(hostname);
  } catch (error) {
    throw new RefusedTarget(`${hostname} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'DNS error'})`);
  }
  if (!addresses.length) throw new RefusedTarget(`${hostname} does not resolve`);
  for (const { address } of addresses) {
    const refusal = addressRefusal(hostname, address, policy);
    if (refusal) throw new RefusedTarget(`${hostname} resolves to ${refusal}`);
  }
  return addresses[0];
}

export interface PostResult {
  /** The HTTP status; null when no answer came (refused, timed out, connection failed). */
  status: number | null;
  ok: boolean;
  error: string | null;
  /** The start of the response body, as text. */
  excerpt: string | null;
  durationMs: number;
}

/** POSTs `body` to the checked address of `url`; never throws (a failure is a result). */
export async function postChecked(
  url: URL,
  body: string,
  headers: Record<string, string>,
  policy: TargetPolicy,
  timeouts: HttpTimeouts,
  resolve: Resolver = systemResolver,
): Promise<PostResult> {
  const started = Date.now();
  const result = (status: number | null, error: string | null, excerpt: string | null = null): PostResult => ({
    status,
    ok: status !== null && status >= 200 && status < 300 && error === null,
    error,
    excerpt,
    durationMs: Date.now() - started,
  });
  let target: { address: string; family: number };
  try {
    target = await resolveTarget(url, policy, resolve);
  } catch (error) {
    if (error instanceof RefusedTarget) return result(null, `Refused: ${error.message}`);
    throw error;
  }
  // Connect to the checked address only, whatever a second look-up would say.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  return new Promise<PostResult>((done) => {
    let settled = false;
    const finish = (value: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(value);
    };
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body).toString() },
      lookup: pinned,
      agent: false,
    });
    let timer = setTimeout(() => {
      finish(result(null, `No connection within ${timeouts.connectTimeoutMs} ms`));
      request.destroy();
    }, timeouts.connectTimeoutMs);
    request.on('socket', (socket) => {
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          finish(result(null, `No answer within ${timeouts.responseTimeoutMs} ms`));
          request.destroy();
        }, timeouts.responseTimeoutMs);
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => finish(result(null, `${error.code ?? 'Error'}: ${error.message}`)));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const complete = () => {
        const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8') || null;
        const redirect = status >= 300 && status < 400;
        const error = redirect
          ? `Redirects are not followed (HTTP ${status} to ${String(response.headers.location ?? 'nowhere').slice(0, 200)}); register the final URL`
          : status < 200 || status >= 300 ? `HTTP ${status}` : null;
        finish(result(status, error, excerpt));
        response.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // Only an excerpt is kept: stop reading a large body rather than buffer it.
        if (size >= EXCERPT_BYTES) complete();
      });
      response.on('end', complete);
      response.on('error', complete);
    });
    request.end(body);
  });
}
