import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../src/shared/package-root';

/**
 * The real process as `npm start` runs it (compiled; `npm test` builds first), with its own embedded
 * PostgreSQL in a temporary data folder and no demo data, so that it stays quick.
 */
const MAIN = path.join(packageRoot, 'dist/src/cli/silta.js');
let dataDir: string;

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(overrides: NodeJS.ProcessEnv = {}): Running {
  // NODE_ENV as in production: jest sets 'test', which changes Apollo's signal handling.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    SILTA_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    SILTA_SEED: 'none',
    LOG_LEVEL: 'info',
    ...overrides,
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [MAIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForUrl(running: Running, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /ready at (http:\/\/[^\s"]+)\/graphql/.exec(running.output());
    if (match) return match[1];
    if (running.child.exitCode !== null) throw new Error(`exited early:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ready in time:\n${running.output()}`);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'silta-process-'));
  await chmod(dataDir, 0o755);
});
afterAll(async () => {
  // A failed SIGKILL test would leave its PostgreSQL running.
  const pid = Number((await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // Already gone.
    }
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('the server process', () => {
  it('starts on the embedded database, refuses a second start on the same data, and shuts down cleanly on SIGTERM', async () => {
    const first = start();
    const url = (await waitForUrl(first)).replace('localhost', '127.0.0.1');
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
    // Sibling root fields send their statements at once on the request's one connection.
    const siblings = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ programmes { totalCount } organisations { totalCount } projects { totalCount } themes { code } municipalities(first: 3) { totalCount } }' }),
    });
    expect(siblings.status).toBe(200);

    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/Another Silta process is already using the embedded database/);
    // The first one is unharmed.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/shutdown complete/);
    // They were sent one at a time: node-postgres did not have to queue one (deprecated, gone in pg 9).
    expect(first.output()).not.toMatch(/already executing a query/);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });

  it('starts again on the same data folder, keeping it, in production mode when NODE_ENV is not set', async () => {
    // As `npm start` in a shell without NODE_ENV: graphql-js must run without its development checks.
    const again = start({ NODE_ENV: undefined });
    const url = (await waitForUrl(again)).replace('localhost', '127.0.0.1');
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ municipality(code: "297") { nameFi } }' }),
    });
    expect(await response.json()).toMatchObject({ data: { municipality: { nameFi: 'Kuopio' } } });
    expect(again.output()).not.toMatch(/initialising embedded PostgreSQL/);
    expect(again.output()).toMatch(/"mode":"production"[^\n]*ready at/);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('starts straight after the previous process was killed with SIGKILL, and still refuses a second start', async () => {
    const killed = start();
    await waitForUrl(killed);
    killed.child.kill('SIGKILL');
    await killed.exited;

    // Its lock and its PostgreSQL are left behind; the next start sees the owner is gone and takes over.
    const again = start();
    const url = (await waitForUrl(again)).replace('localhost', '127.0.0.1');
    expect(again.output()).toMatch(/taking over the embedded database from a Silta process that is gone/);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });

    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/Another Silta process is already using the embedded database/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'server.lock'))).toBe(false);
  });

  it('refuses a port that is taken at once, naming PORT, without starting PostgreSQL', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const emptyDir = await mkdtemp(path.join(os.tmpdir(), 'silta-port-'));
    try {
      const started = Date.now();
      const refused = start({ PORT: String(port), SILTA_DATA_DIR: emptyDir });
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toContain(`Port ${port} is already in use on 127.0.0.1; stop the other process or set PORT to another port.`);
      // Before the embedded PostgreSQL: nothing was initialised, so there is nothing left running.
      expect(await readdir(emptyDir)).toEqual([]);
      expect(refused.output()).not.toMatch(/PostgreSQL/);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      blocker.close();
      await rm(emptyDir, { recursive: true, force: true });
    }
  });
});
