import type { GraphQLResponse, ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { BudgetStore } from '../limits/budget-store';
import { clientKey, costReport, type CostReport, type RequestLimits } from '../limits/cost-plugin';
import { timedOut } from '../limits/request-timeout';
import { VersionReader } from './version-reader';

/** Whether an answer came from the cache (`hit`) or was computed (`miss`); absent when the cache was not asked. */
export const CACHE_HEADER = 'x-silta-cache';

/** Response headers a stored answer repeats; the rest (request ID, CORS) are set afresh for every request. */
const STORED_HEADERS = ['content-type', 'cache-control', 'vary'];

/** Fields of a POST body the answer depends on; a body with any other field is not cached. */
const BODY_FIELDS = new Set(['query', 'operationName', 'variables', 'extensions']);

/**
 * Types whose answers depend on more than committed data, so no answer that shows one is stored:
 * the activity log reads below the oldest transaction still running anywhere (its commit-safe
 * horizon), which moves when a transaction ends without writing anything the data version counts.
 */
const UNCACHEABLE_TYPES = /^Activity(Connection|Edge|Event)$/;

interface Entry {
  version: bigint;
  /** The answer's `data`, serialised. */
  data: string;
  headers: [string, string][];
  /** What the computed answer was priced at and cost; a hit is charged the same. */
  requested: number;
  actual: number;
}

/** A request that may be stored: its key, then (in its transaction) the version it read before any data. */
export interface CacheCandidate {
  key: string;
  version?: bigint;
  /** Cleared when the operation turns out not to be a query. */
  storable: boolean;
  response?: GraphQLResponse;
}

export interface ResponseCacheContext extends BaseContext {
  responseCache?: CacheCandidate;
}

const finnishDate = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' });

/** JSON with object keys sorted, so that variables given in another order share an entry. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The key of an anonymous POST, or null when the request may not be served from or stored in the
 * cache. The date in Finland is part of the key: some public answers depend on it (open partner
 * searches close at the end of a day), none on a finer clock.
 */
export function cacheKey(req: Request, now = new Date()): string | null {
  if (req.method !== 'POST' || req.headers.authorization !== undefined) return null;
  const body = req.body as Record<string, unknown> | undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body) || typeof body.query !== 'string') return null;
  for (const field of Object.keys(body)) if (!BODY_FIELDS.has(field)) return null;
  // The answer's content type follows the Accept header.
  const accept = req.headers.accept ?? '';
  return canonical([finnishDate.format(now), accept, body.query, body.operationName ?? null, body.variables ?? null, body.extensions ?? null]);
}

/**
 * Answers to public anonymous queries, in memory, served while the committed data's version is the
 * one they were computed at (docs/architecture.md, "Response cache"). It sits in front of Apollo:
 * a hit costs a version read (shared by concurrent requests) and a charge to the client's budget.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, Entry>;
  readonly versions: VersionReader;

  constructor(
    options: { maxBytes: number; readVersion: () => Promise<bigint> },
    private readonly buckets: BudgetStore,
  ) {
    this.entries = new LRUCache<string, Entry>({
      maxSize: options.maxBytes,
      // UTF-16 strings: two bytes a character, plus the entry's own overhead.
      sizeCalculation: (entry, key) => 2 * (key.length + entry.data.length) + 200,
    });
    // Versions only grow: an entry of an older one can never be served again.
    this.versions = new VersionReader(options.readVersion, () => this.entries.clear());
  }

  get size(): number {
    return this.entries.size;
  }

  /** Express middleware for `/graphql`, after the body is parsed and before Apollo. */
  serve(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const key = cacheKey(req);
      if (key === null) return next();
      res.locals.responseCache = { key, storable: true } satisfies CacheCandidate;
      this.answer(key, req, res).then(
        (answered) => {
          if (!answered) {
            res.setHeader(CACHE_HEADER, 'miss');
            next();
          }
        },
        (error: unknown) => {
          req.log.warn({ err: error }, 'response cache: could not serve from the cache');
          res.setHeader(CACHE_HEADER, 'miss');
          next();
        },
      );
    };
  }

  /** Sends the stored answer if it is current and the client can pay for it; false to let Apollo answer. */
  private async answer(key: string, req: Request, res: Response): Promise<boolean> {
    const entry = this.entries.get(key);
    if (!entry) return false;
    const version = await this.versions.read();
    if (version !== entry.version) {
      // A concurrent miss may have stored a newer answer meanwhile, or this one may be newer than the read.
      if (version > entry.version && this.entries.peek(key) === entry) this.entries.delete(key);
      return false;
    }
    const limits: RequestLimits = { clientKey: clientKey(null, req.ip) };
    res.locals.limits = limits;
    // Charged what the computed answer cost, in one round trip to a shared store: the price is known.
    const taken = await this.buckets.take(limits.clientKey, entry.actual);
    // Over budget: Apollo refuses it exactly as it refuses any request (it cannot be stored: it fails).
    if (!taken.ok) return false;
    const cost: CostReport = costReport(entry.requested, entry.actual, taken);
    limits.cost = cost;
    if (timedOut(res) || res.headersSent) return true;
    for (const [name, value] of entry.headers) res.setHeader(name, value);
    res.setHeader(CACHE_HEADER, 'hit');
    // send(), as Apollo's integration does: express adds the ETag (and answers If-None-Match) the same way.
    res.status(200).send(`{"data":${entry.data},"extensions":{"cost":${JSON.stringify(cost)}}}`);
    return true;
  }

  /**
   * Keeps the answer Apollo has just sent, when it is one to keep: a query, answered 200 without
   * errors, committed, with the version its transaction read before any data.
   */
  store(res: Response): void {
    const candidate = res.locals.responseCache as CacheCandidate | undefined;
    const cost = (res.locals.limits as RequestLimits | undefined)?.cost;
    if (!candidate?.storable || candidate.version === undefined || !candidate.response || !cost) return;
    if (timedOut(res) || res.statusCode !== 200) return;
    const { body, http } = candidate.response;
    if (body.kind !== 'single' || (http.status ?? 200) !== 200) return;
    const { data, errors } = body.singleResult;
    if ((errors && errors.length > 0) || data === undefined || data === null) return;
    // Already older than a version this instance has seen: it could never be served.
    if (candidate.version < this.versions.latest) return;
    this.versions.observe(candidate.version);
    const headers: [string, string][] = [];
    for (const name of STORED_HEADERS) {
      const value = res.getHeader(name);
      if (value !== undefined) headers.push([name, String(value)]);
    }
    this.entries.set(candidate.key, { version: candidate.version, data: JSON.stringify(data), headers, requested: cost.requested, actual: cost.actual });
  }

  /** Marks mutations and subscriptions unstorable, and keeps hold of the response to store. */
  plugin<TContext extends ResponseCacheContext>(): ApolloServerPlugin<TContext> {
    return {
      async serverWillStart({ schema }) {
        markUncacheableFields(schema);
      },
      async requestDidStart({ contextValue }) {
        const candidate = contextValue.responseCache;
        if (!candidate) return;
        return {
          async didResolveOperation({ operation }) {
            if (operation?.operation !== 'query') candidate.storable = false;
          },
          async willSendResponse({ response }) {
            candidate.response = response;
          },
        };
      },
    };
  }
}

const MARKED = Symbol('marks the answer uncacheable');

/**
 * Makes the fields of UNCACHEABLE_TYPES mark the answer that resolves them unstorable. Only those
 * fields' resolvers are wrapped: a plugin's willResolveField would make Apollo wrap every field of
 * the schema, a cost on every answer (test/integration/read-path.test.ts guards against it).
 */
function markUncacheableFields(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !UNCACHEABLE_TYPES.test(type.name)) continue;
    for (const field of Object.values(type.getFields())) {
      if (MARKED in field) continue;
      const resolve: GraphQLFieldResolver<unknown, ResponseCacheContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: ResponseCacheContext, info) => {
        if (context.responseCache) context.responseCache.storable = false;
        return resolve(source, args, context, info);
      };
      Object.defineProperty(field, MARKED, { value: true });
    }
  }
}
