import path from 'node:path';
import { isIpLiteral, isValidCidr } from './shared/net/ip-ranges';

/** Where demo data comes from on first start; `none` leaves a fresh database empty. */
export type SeedMode = 'demo' | 'none';

export interface Config {
  /** HTTP port for /graphql, /healthz and /readyz. */
  port: number;
  /** Interface to listen on. */
  host: string;
  /** External PostgreSQL, connected as the database owner; when absent an embedded server is started. */
  databaseUrl: string | undefined;
  /** The unprivileged role that serves requests; when absent Silta provisions `<database>_app` itself. */
  databaseAppUrl: string | undefined;
  /** Folder for the embedded PostgreSQL cluster and its password. */
  dataDir: string;
  seed: SeedMode;
  logLevel: string;
  /** NODE_ENV is `production` (graphql-js without its development checks); `silta start` defaults to it. */
  production: boolean;
  /** Maximum connections in the pool. */
  dbPoolMax: number;
  /** How long shutdown waits for in-flight requests before closing them. */
  shutdownTimeoutMs: number;
  /** Log every SQL statement at debug level. */
  logSql: boolean;
  /** Run the overlap engine's worker in this instance (OVERLAP_WORKER, default on): keeps findings fresh. */
  overlapWorker: boolean;
  /** Days the activity log keeps events (ACTIVITY_RETENTION_DAYS); 0: forever (the default). */
  activityRetentionDays: number;
  /** External OpenID Connect provider whose JWTs are accepted as Bearer tokens (both or neither). */
  oidc: { issuer: string; jwksUrl: string; audience: string | undefined } | undefined;
  /** Schema introspection (and "Did you mean" suggestions in errors). */
  introspection: boolean;
  /** Reverse proxies in front of Silta whose X-Forwarded-For is trusted for the client IP (0: none). */
  trustProxyHops: number;
  limits: LimitsConfig;
  responseCache: ResponseCacheConfig;
  /**
   * COMPILED_READS (default on): query operations whose every field has a declared SQL read are
   * answered from one statement (src/shared/read-plan); off sends everything through the resolvers.
   */
  compiledReads: boolean;
  cors: CorsConfig;
  webhooks: WebhookConfig;
  feeds: FeedConfig;
  /**
   * Largest file the importProjects mutation accepts (IMPORT_MAX_BYTES); bigger ones go through `silta
   * import`. The request body limit (MAX_BODY_BYTES) applies first: raise both for bigger uploads.
   */
  importMaxBytes: number;
}

/** Webhook deliveries (docs/configuration.md, "Webhooks"; docs/security.md on SSRF). */
export interface WebhookConfig {
  /** Run the delivery worker in this instance (WEBHOOK_WORKER, default on). */
  worker: boolean;
  /**
   * Targets an operator allows although they are loopback, private, link-local or otherwise not
   * public: exact host names (lower case) and CIDR ranges (`127.0.0.1/32`).
   */
  allowHosts: string[];
  allowCidrs: string[];
  /** First retry after this long; each further one waits twice as long, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** This many consecutive failed deliveries disable the hook. */
  maxFailures: number;
  /** Connecting to the target, and waiting for its answer after connecting. */
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  /** How often the worker looks for due hooks when no notification woke it. */
  pollMs: number;
}

/** Atom feeds (docs/api.md, "Feeds"). */
export interface FeedConfig {
  /** The authority in the feed's and entries' `tag:` URIs: a domain name the operator owns. */
  tagAuthority: string;
}

/** Answers to public anonymous queries kept in memory (docs/configuration.md, "Response cache"). */
export interface ResponseCacheConfig {
  /** RESPONSE_CACHE (default on). */
  enabled: boolean;
  /** RESPONSE_CACHE_MAX_MB: the stored answers' size at most; the least recently used go first. */
  maxBytes: number;
}

/** Which browser pages on other origins may call the API (docs/configuration.md, "Browser clients"). */
export interface CorsConfig {
  /** Exact origins (`https://portal.example.fi`), or `*` for any; empty: no cross-origin access. */
  origins: string[] | '*';
  /** Send Access-Control-Allow-Credentials (cookies, HTTP auth); never with `*`. */
  credentials: boolean;
}

/** Abuse limits (docs/limits.md). */
export interface LimitsConfig {
  /** Deepest field nesting in an operation. */
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Lexical tokens in a document; parsing stops beyond this. */
  maxTokens: number;
  /** Highest estimated cost of one operation, in cost points. */
  maxCost: number;
  /** Size of each client's leaky bucket, in cost points. */
  budget: number;
  /** Cost points that drain out of a bucket per second. */
  leakPerSecond: number;
  /** Buckets kept in memory at most (least recently used dropped first). */
  maxBuckets: number;
  /** Where the buckets live: shared by every instance (postgres, redis) or this process's own (memory). */
  store: BudgetStoreConfig;
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** A GraphQL request not answered within this is answered with TIMEOUT (0: no timeout). */
  requestTimeoutMs: number;
}

/** RATE_LIMIT_STORE (default: redis when REDIS_URL is set, else postgres). */
export type BudgetStoreConfig =
  | { kind: 'memory' }
  /** `poolMax`: connections of the store's own pool, beside the serving pool. */
  | { kind: 'postgres'; poolMax: number }
  | { kind: 'redis'; url: string };

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function flag(env: Env, name: string, fallback = false): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false (on/off, 1/0), got "${raw}"`);
}

function oidc(env: Env): Config['oidc'] {
  const issuer = env.OIDC_ISSUER || undefined;
  const jwksUrl = env.OIDC_JWKS_URL || undefined;
  if (!issuer && !jwksUrl) return undefined;
  if (!issuer || !jwksUrl) throw new ConfigError('Set both OIDC_ISSUER and OIDC_JWKS_URL, or neither');
  if (!/^https?:\/\//.test(jwksUrl)) throw new ConfigError('OIDC_JWKS_URL must be an http(s) URL');
  return { issuer, jwksUrl, audience: env.OIDC_AUDIENCE || undefined };
}

function limits(env: Env): LimitsConfig {
  const config: LimitsConfig = {
    maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 12, 1, 1000),
    maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 30, 0, 10_000),
    maxDirectives: integer(env, 'GRAPHQL_MAX_DIRECTIVES', 20, 0, 10_000),
    maxTokens: integer(env, 'GRAPHQL_MAX_TOKENS', 5000, 10, 1_000_000),
    maxCost: integer(env, 'GRAPHQL_MAX_COST', 50_000, 1, 100_000_000),
    budget: integer(env, 'RATE_LIMIT_BUDGET', 100_000, 1, 1_000_000_000),
    leakPerSecond: integer(env, 'RATE_LIMIT_LEAK_PER_SECOND', 1000, 1, 1_000_000_000),
    maxBuckets: integer(env, 'RATE_LIMIT_MAX_BUCKETS', 100_000, 1, 10_000_000),
    store: budgetStore(env),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 15_000, 0, 600_000),
  };
  // Otherwise an operation the per-request limit allows could never fit in a bucket.
  if (config.budget < config.maxCost) {
    throw new ConfigError(`RATE_LIMIT_BUDGET (${config.budget}) must be at least GRAPHQL_MAX_COST (${config.maxCost})`);
  }
  return config;
}

function budgetStore(env: Env): BudgetStoreConfig {
  const url = env.REDIS_URL || undefined;
  if (url !== undefined && !/^rediss?:\/\//.test(url)) throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL');
  const kind = oneOf(env, 'RATE_LIMIT_STORE', ['memory', 'postgres', 'redis'] as const, url ? 'redis' : 'postgres');
  if (kind === 'redis') {
    if (!url) throw new ConfigError('RATE_LIMIT_STORE=redis needs REDIS_URL');
    return { kind, url };
  }
  if (kind === 'postgres') return { kind, poolMax: integer(env, 'RATE_LIMIT_DB_POOL_MAX', 4, 1, 100) };
  return { kind };
}

function cors(env: Env): CorsConfig {
  const credentials = flag(env, 'CORS_CREDENTIALS');
  const raw = (env.CORS_ORIGINS ?? '').trim();
  if (raw === '*') {
    // Browsers refuse credentials with a wildcard anyway; say so at start rather than in every portal's console.
    if (credentials) throw new ConfigError('CORS_ORIGINS=* cannot be combined with CORS_CREDENTIALS=true; list the origins instead');
    return { origins: '*', credentials };
  }
  const origins = raw === '' ? [] : raw.split(',').map((origin) => origin.trim());
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    // The browser sends the origin serialised exactly so; anything else (a path, a trailing slash) would never match.
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        `CORS_ORIGINS must be * or a comma-separated list of origins such as https://portal.example.fi (scheme, host and port only), got "${origin}"`,
      );
    }
  }
  return { origins, credentials };
}

function webhooks(env: Env): WebhookConfig {
  const allowHosts: string[] = [];
  const allowCidrs: string[] = [];
  for (const raw of (env.WEBHOOK_ALLOW_HOSTS ?? '').split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry.includes('/')) {
      if (!isValidCidr(entry)) throw new ConfigError(`WEBHOOK_ALLOW_HOSTS: "${raw.trim()}" is not a CIDR range such as 127.0.0.1/32 or fd00::/8`);
      allowCidrs.push(entry);
    } else if (isIpLiteral(entry)) {
      // A bare address is that one address.
      allowCidrs.push(`${entry}/${entry.includes(':') ? 128 : 32}`);
    } else if (/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(entry)) {
      allowHosts.push(entry);
    } else {
      throw new ConfigError(`WEBHOOK_ALLOW_HOSTS must list host names, addresses or CIDR ranges separated by commas, got "${raw.trim()}"`);
    }
  }
  const config: WebhookConfig = {
    worker: flag(env, 'WEBHOOK_WORKER', true),
    allowHosts,
    allowCidrs,
    retryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 10_000, 10, 3_600_000),
    retryMaxMs: integer(env, 'WEBHOOK_RETRY_MAX_MS', 3_600_000, 10, 86_400_000),
    maxFailures: integer(env, 'WEBHOOK_MAX_FAILURES', 8, 1, 100),
    connectTimeoutMs: integer(env, 'WEBHOOK_CONNECT_TIMEOUT_MS', 5000, 100, 60_000),
    responseTimeoutMs: integer(env, 'WEBHOOK_RESPONSE_TIMEOUT_MS', 10_000, 100, 120_000),
    pollMs: integer(env, 'WEBHOOK_POLL_MS', 5000, 50, 600_000),
  };
  if (config.retryMaxMs < config.retryBaseMs) {
    throw new ConfigError(`WEBHOOK_RETRY_MAX_MS (${config.retryMaxMs}) must be at least WEBHOOK_RETRY_BASE_MS (${config.retryBaseMs})`);
  }
  return config;
}

function feeds(env: Env): FeedConfig {
  const tagAuthority = (env.FEED_TAG_AUTHORITY ?? '').trim() || 'silta.invalid';
  // RFC 4151: the authority is a DNS name (or an e-mail address, which Silta does not need).
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(tagAuthority)) {
    throw new ConfigError(`FEED_TAG_AUTHORITY must be a domain name such as silta.kuopio.fi, got "${tagAuthority}"`);
  }
  return { tagAuthority: tagAuthority.toLowerCase() };
}

/** The only reader of the environment (house style): everything else receives a Config. */
export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const databaseAppUrl = env.DATABASE_APP_URL === '' ? undefined : env.DATABASE_APP_URL;
  if (databaseAppUrl !== undefined && (databaseUrl === undefined || !/^postgres(ql)?:\/\//.test(databaseAppUrl))) {
    throw new ConfigError('DATABASE_APP_URL must be a postgres:// URL, and needs DATABASE_URL (the owner) beside it');
  }
  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    databaseAppUrl,
    dataDir: path.resolve(env.SILTA_DATA_DIR || '.silta'),
    seed: oneOf(env, 'SILTA_SEED', ['demo', 'none'] as const, 'demo'),
    production: env.NODE_ENV === 'production',
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    dbPoolMax: integer(env, 'DB_POOL_MAX', 10, 1, 200),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    logSql: flag(env, 'LOG_SQL'),
    overlapWorker: flag(env, 'OVERLAP_WORKER', true),
    activityRetentionDays: integer(env, 'ACTIVITY_RETENTION_DAYS', 0, 0, 36_500),
    oidc: oidc(env),
    introspection: flag(env, 'GRAPHQL_INTROSPECTION', true),
    responseCache: { enabled: flag(env, 'RESPONSE_CACHE', true), maxBytes: integer(env, 'RESPONSE_CACHE_MAX_MB', 64, 1, 65_536) * 1024 * 1024 },
    compiledReads: flag(env, 'COMPILED_READS', true),
    trustProxyHops: integer(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    limits: limits(env),
    cors: cors(env),
    webhooks: webhooks(env),
    feeds: feeds(env),
    importMaxBytes: integer(env, 'IMPORT_MAX_BYTES', 10 * 1024 * 1024, 1024, 256 * 1024 * 1024),
  };
}
