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
      oidc: undefined,
    });
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
    });
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: 'postgresql://u@h/db', dataDir: '/tmp/x', seed: 'none', logSql: true });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ SILTA_SEED: 'all' }, /SILTA_SEED/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ LOG_SQL: 'maybe' }, /LOG_SQL/],
    [{ OIDC_ISSUER: 'https://sso.example.fi' }, /OIDC_JWKS_URL/],
  ])('explains a bad value: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
