import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { withDatabaseName } from '../../src/db/database-url';
import { EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { createLogger } from '../../src/shared/logger';
import { packageRoot } from '../../src/shared/package-root';
import { TEST_ENV } from './environment';

declare global {
  var __SILTA_TEST_POSTGRES__: { embedded?: EmbeddedPostgres; serverUrl: string; templates: string[] } | undefined;
}

/**
 * Templates are built by the compiled `silta seed` command (npm test builds first) in a child
 * process: loading the ORM here would leave entity metadata in this process, which jest shares with
 * a test file when it runs a single file in band.
 */
async function buildTemplate(serverUrl: string, name: string, demo: boolean): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}"`);
    await admin.query(`create database "${name}" encoding 'UTF8' template template0`);
  } finally {
    await admin.end();
  }
  const run = (...args: string[]) =>
    execFileSync(process.execPath, [path.join(packageRoot, 'dist/src/cli/silta.js'), ...args], {
      env: { ...process.env, DATABASE_URL: withDatabaseName(serverUrl, name), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  run('seed', ...(demo ? [] : ['--no-demo']));
  // As a started server's overlap worker would: the demo's findings are there, the queue is empty.
  if (demo) run('overlaps', 'recompute');
}

/** Uses DATABASE_URL when set, else an embedded PostgreSQL in a temporary folder; builds the templates. */
export default async function globalSetup(): Promise<void> {
  const logger = createLogger('warn');
  let serverUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedPostgres | undefined;
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'silta-test-'));
    // The server may run as the `postgres` user (when tests run as root): let it reach the folder.
    await chmod(dataDir, 0o755);
    embedded = new EmbeddedPostgres({ dataDir, logger });
    serverUrl = await embedded.start();
  }
  const templates = [`silta_test_empty_${process.pid}`, `silta_test_demo_${process.pid}`];
  await Promise.all([buildTemplate(serverUrl, templates[0], false), buildTemplate(serverUrl, templates[1], true)]);
  process.env[TEST_ENV.serverUrl] = serverUrl;
  process.env[TEST_ENV.emptyTemplate] = templates[0];
  process.env[TEST_ENV.demoTemplate] = templates[1];
  globalThis.__SILTA_TEST_POSTGRES__ = { embedded, serverUrl, templates };
}
