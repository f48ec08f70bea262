import path from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has defaults that start the embedded database with demo data on port 4000', () => {
    expect(loadConfig({})).toEqual({
      port: 4000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: path.resolve('.silta'),
      seed: 'demo',
      logLevel: 'info',
      dbPoolMax: 10,
      shutdownTimeoutMs: 10000,
      logSql: false,
      production: false,
      overlapWorker: true,
      activityRetentionDays: 0,
      oidc: undefined,
      introspection: true,
      trustProxyHops: 0,
      importMaxBytes: 10 * 1024 * 1024,
      limits: {
        maxDepth: 12,
        maxAliases: 30,
        maxDirectives: 20,
        maxTokens: 5000,
        maxCost: 50_000,
        budget: 100_000,
        leakPerSecond: 1000,
        maxBuckets: 100_000,
        store: { kind: 'postgres', poolMax: 4 },
        maxBodyBytes: 1_048_576,
        requestTimeoutMs: 15_000,
      },
      responseCache: { enabled: true, maxBytes: 64 * 1024 * 1024 },
      compiledReads: true,
      cors: { origins: [], credentials: false },
      webhooks: {
        worker: true,
        allowHosts: [],
        allowCidrs: [],
        retryBaseMs: 10_000,
        retryMaxMs: 3_600_000,
        maxFailures: 8,
        connectTimeoutMs: 5000,
        responseTimeoutMs: 10_000,
        pollMs: 5000,
      },
      feeds: { tagAuthority: 'silta.invalid' },
    });
  });

  it('reads the webhook and feed settings', () => {
    const config = loadConfig({
      WEBHOOK_WORKER: 'off',
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1/32, receiver.internal ,::1,10.0.0.0/8',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_RETRY_MAX_MS: '1000',
      WEBHOOK_MAX_FAILURES: '3',
      WEBHOOK_CONNECT_TIMEOUT_MS: '1000',
      WEBHOOK_RESPONSE_TIMEOUT_MS: '2000',
      WEBHOOK_POLL_MS: '100',
      FEED_TAG_AUTHORITY: 'Silta.Kuopio.fi',
    });
    expect(config.webhooks).toEqual({
      worker: false,
      allowHosts: ['receiver.internal'],
      allowCidrs: ['127.0.0.1/32', '::1/128', '10.0.0.0/8'],
      retryBaseMs: 200,
      retryMaxMs: 1000,
      maxFailures: 3,
      connectTimeoutMs: 1000,
      responseTimeoutMs: 2000,
      pollMs: 100,
    });
    expect(config.feeds).toEqual({ tagAuthority: 'silta.kuopio.fi' });
  });

  it.each([
    [{ WEBHOOK_ALLOW_HOSTS: '127.0.0.1/40' }, /WEBHOOK_ALLOW_HOSTS: "127.0.0.1\/40" is not a CIDR/],
    [{ WEBHOOK_ALLOW_HOSTS: 'under_score.example' }, /WEBHOOK_ALLOW_HOSTS must list/],
    [{ WEBHOOK_RETRY_BASE_MS: '5000', WEBHOOK_RETRY_MAX_MS: '1000' }, /WEBHOOK_RETRY_MAX_MS/],
    [{ WEBHOOK_MAX_FAILURES: '0' }, /WEBHOOK_MAX_FAILURES must be an integer/],
    [{ FEED_TAG_AUTHORITY: 'silta:4000' }, /FEED_TAG_AUTHORITY must be a domain name/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgresql://u@h/db',
      SILTA_DATA_DIR: '/tmp/x',
      SILTA_SEED: 'none',
      LOG_LEVEL: 'debug',
      DB_POOL_MAX: '3',
      SHUTDOWN_TIMEOUT_MS: '500',
      LOG_SQL: 'true',
      GRAPHQL_INTROSPECTION: 'false',
      TRUST_PROXY_HOPS: '1',
      GRAPHQL_MAX_DEPTH: '8',
      GRAPHQL_MAX_ALIASES: '5',
      GRAPHQL_MAX_DIRECTIVES: '4',
      GRAPHQL_MAX_TOKENS: '800',
      GRAPHQL_MAX_COST: '900',
      RATE_LIMIT_BUDGET: '1000',
      RATE_LIMIT_LEAK_PER_SECOND: '10',
      RATE_LIMIT_MAX_BUCKETS: '50',
      MAX_BODY_BYTES: '2048',
      REQUEST_TIMEOUT_MS: '0',
      CORS_ORIGINS: 'https://portal.example.fi, http://localhost:5173',
      CORS_CREDENTIALS: 'true',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgresql://u@h/db',
      dataDir: '/tmp/x',
      seed: 'none',
      logSql: true,
      introspection: false,
      trustProxyHops: 1,
      limits: {
        maxDepth: 8,
        maxAliases: 5,
        maxDirectives: 4,
        maxTokens: 800,
        maxCost: 900,
        budget: 1000,
        leakPerSecond: 10,
        maxBuckets: 50,
        maxBodyBytes: 2048,
        requestTimeoutMs: 0,
      },
      cors: { origins: ['https://portal.example.fi', 'http://localhost:5173'], credentials: true },
    });
  });

  it('keeps the cost budget in PostgreSQL, in Redis when REDIS_URL is set, or in memory when asked', () => {
    expect(loadConfig({ RATE_LIMIT_DB_POOL_MAX: '2' }).limits.store).toEqual({ kind: 'postgres', poolMax: 2 });
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' }).limits.store).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379/2' });
    expect(loadConfig({ REDIS_URL: 'redis://r', RATE_LIMIT_STORE: 'postgres' }).limits.store).toMatchObject({ kind: 'postgres' });
    expect(loadConfig({ RATE_LIMIT_STORE: 'memory' }).limits.store).toEqual({ kind: 'memory' });
  });

  it('allows any origin with * only without credentials', () => {
    expect(loadConfig({ CORS_ORIGINS: '*' }).cors).toEqual({ origins: '*', credentials: false });
    expect(() => loadConfig({ CORS_ORIGINS: '*', CORS_CREDENTIALS: 'true' })).toThrow(/CORS_CREDENTIALS/);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ SILTA_SEED: 'all' }, /SILTA_SEED/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ LOG_SQL: 'maybe' }, /LOG_SQL/],
    [{ OIDC_ISSUER: 'https://sso.example.fi' }, /OIDC_JWKS_URL/],
    [{ GRAPHQL_INTROSPECTION: 'maybe' }, /GRAPHQL_INTROSPECTION/],
    [{ OVERLAP_WORKER: 'sometimes' }, /OVERLAP_WORKER/],
    [{ GRAPHQL_MAX_DEPTH: '0' }, /GRAPHQL_MAX_DEPTH/],
    [{ GRAPHQL_MAX_COST: '1.5' }, /GRAPHQL_MAX_COST/],
    [{ RATE_LIMIT_LEAK_PER_SECOND: '0' }, /RATE_LIMIT_LEAK_PER_SECOND/],
    [{ MAX_BODY_BYTES: '1mb' }, /MAX_BODY_BYTES/],
    [{ RATE_LIMIT_STORE: 'disk' }, /RATE_LIMIT_STORE must be one of memory, postgres, redis/],
    [{ RATE_LIMIT_STORE: 'redis' }, /RATE_LIMIT_STORE=redis needs REDIS_URL/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL must be a redis:\/\//],
    [{ REQUEST_TIMEOUT_MS: '-1' }, /REQUEST_TIMEOUT_MS/],
    [{ TRUST_PROXY_HOPS: 'true' }, /TRUST_PROXY_HOPS/],
    [{ CORS_ORIGINS: 'https://portal.example.fi/' }, /CORS_ORIGINS.*"https:\/\/portal.example.fi\/"/],
    [{ CORS_ORIGINS: 'https://portal.example.fi/app' }, /CORS_ORIGINS/],
    [{ CORS_ORIGINS: 'portal.example.fi' }, /CORS_ORIGINS/],
    [{ CORS_ORIGINS: 'ftp://portal.example.fi' }, /CORS_ORIGINS/],
    [{ CORS_ORIGINS: 'https://a.example.fi,*' }, /CORS_ORIGINS/],
    [{ CORS_ORIGINS: 'https://a.example.fi,' }, /CORS_ORIGINS/],
    [{ CORS_CREDENTIALS: 'sometimes' }, /CORS_CREDENTIALS/],
    [{ GRAPHQL_MAX_COST: '5000', RATE_LIMIT_BUDGET: '4000' }, /RATE_LIMIT_BUDGET \(4000\) must be at least GRAPHQL_MAX_COST \(5000\)/],
  ])('explains a bad value: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads the response cache switch and size', () => {
    expect(loadConfig({ RESPONSE_CACHE: 'off', RESPONSE_CACHE_MAX_MB: '8' }).responseCache).toEqual({ enabled: false, maxBytes: 8 * 1024 * 1024 });
    expect(loadConfig({ COMPILED_READS: 'off' }).compiledReads).toBe(false);
    expect(() => loadConfig({ RESPONSE_CACHE: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ RESPONSE_CACHE_MAX_MB: '0' })).toThrow(ConfigError);
  });
});
