import path from 'node:path';

/** Where demo data comes from on first start; `none` leaves a fresh database empty. */
export type SeedMode = 'demo' | 'none';

export interface Config {
  /** HTTP port for /graphql, /healthz and /readyz. */
  port: number;
  /** Interface to listen on. */
  host: string;
  /** External PostgreSQL; when absent an embedded server is started. */
  databaseUrl: string | undefined;
  /** Folder for the embedded PostgreSQL cluster and its password. */
  dataDir: string;
  seed: SeedMode;
  logLevel: string;
  /** Maximum connections in the pool. */
  dbPoolMax: number;
  /** How long shutdown waits for in-flight requests before closing them. */
  shutdownTimeoutMs: number;
  /** Log every SQL statement at debug level. */
  logSql: boolean;
  /** External OpenID Connect provider whose JWTs are accepted as Bearer tokens (both or neither). */
  oidc: { issuer: string; jwksUrl: string; audience: string | undefined } | undefined;
}

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

function flag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return false;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function oidc(env: Env): Config['oidc'] {
  const issuer = env.OIDC_ISSUER || undefined;
  const jwksUrl = env.OIDC_JWKS_URL || undefined;
  if (!issuer && !jwksUrl) return undefined;
  if (!issuer || !jwksUrl) throw new ConfigError('Set both OIDC_ISSUER and OIDC_JWKS_URL, or neither');
  if (!/^https?:\/\//.test(jwksUrl)) throw new ConfigError('OIDC_JWKS_URL must be an http(s) URL');
  return { issuer, jwksUrl, audience: env.OIDC_AUDIENCE || undefined };
}

/** The only reader of the environment (house style): everything else receives a Config. */
export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(env.SILTA_DATA_DIR || '.silta'),
    seed: oneOf(env, 'SILTA_SEED', ['demo', 'none'] as const, 'demo'),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    dbPoolMax: integer(env, 'DB_POOL_MAX', 10, 1, 200),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    logSql: flag(env, 'LOG_SQL'),
    oidc: oidc(env),
  };
}
