/**
 * FAULT TESTS (slow: real processes, up to a minute each). Subscribers follow the activity log
 * through faults, reconnecting with the last cursor they received, while mutations keep coming
 * through the API; afterwards each one's events are counted against the log as it may see it:
 * every event exactly once, in order.
 * - PostgreSQL is stopped and started again under a running Silta (its own embedded PostgreSQL,
 *   not the suite's shared one).
 * - One of two Silta processes on one database is killed (SIGKILL); its subscribers move to the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { dropAppRole } from '../../src/db/app-role';
import { openDatabase } from '../../src/db/database';
import { ensureDatabase, withDatabaseName } from '../../src/db/database-url';
import { addCoordinator, createAccount, issueToken } from '../../src/modules/auth/account.service';
import { GlobalRole, TokenScope } from '../../src/modules/auth/auth.enums';
import { createLogger } from '../../src/shared/logger';
import { packageRoot } from '../../src/shared/package-root';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { testEnv } from '../support/environment';

const CLI = path.join(packageRoot, 'dist', 'src', 'cli', 'silta.js');
const SUBSCRIBE = 'subscription Follow($after: String, $filter: ActivityFilter) { activity(after: $after, filter: $filter) { cursor type } }';

interface Event {
  cursor: string;
  type: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface Instance {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `silta start` as a child process on `databaseUrl`, ready when /readyz answers. */
async function startSilta(databaseUrl: string, seed: 'demo' | 'none', extraEnv: NodeJS.ProcessEnv = {}): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'start'], {
    cwd: packageRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, SILTA_SEED: seed, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_LEAK_PER_SECOND: '1000000', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-6000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (!(await fetch(`${url}/readyz`).then((response) => response.ok, () => false))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`silta start did not become ready:\n${output}`);
    }
    await sleep(100);
  }
  return {
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (exited) return;
      child.kill(signal);
      await exit;
    },
  };
}

/**
 * An embedded PostgreSQL in a child process, started and stopped on command (jest's module sandbox
 * cannot load the binaries' ESM package in this process). A restart keeps its port and URL.
 */
class PostgresProcess {
  private readonly child: ChildProcess;
  private readonly replies: Array<(line: string) => void> = [];

  constructor(dataDir: string) {
    const script = `
      const { EmbeddedPostgres } = require(${JSON.stringify(path.join(packageRoot, 'dist', 'src', 'db', 'embedded-postgres.js'))});
      const { createLogger } = require(${JSON.stringify(path.join(packageRoot, 'dist', 'src', 'shared', 'logger.js'))});
      const postgres = new EmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, logger: createLogger('silent') });
      require('node:readline').createInterface({ input: process.stdin }).on('line', async (command) => {
        try {
          if (command === 'start') console.log(await postgres.start());
          else { await postgres.stop(); console.log('stopped'); }
        } catch (error) { console.log('error ' + JSON.stringify(String(error))); }
        if (command === 'exit') process.exit(0);
      });`;
    this.child = spawn(process.execPath, ['-e', script], { cwd: packageRoot, stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.once('exit', (code) => {
      for (const reply of this.replies.splice(0)) reply(`error the PostgreSQL controller exited (${code})`);
    });
    let buffer = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        this.replies.shift()?.(line);
      }
    });
  }

  private command(command: 'start' | 'stop' | 'exit'): Promise<string> {
    return new Promise((resolve, reject) => {
      this.replies.push((line) => (line.startsWith('error ') ? reject(new Error(line)) : resolve(line)));
      this.child.stdin!.write(`${command}\n`);
    });
  }

  start(): Promise<string> {
    return this.command('start');
  }

  async stop(): Promise<void> {
    await this.command('stop');
  }

  async exit(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.command('exit');
    await exited;
  }
}

interface Viewer {
  name: string;
  token?: string;
  filter: Record<string, unknown>;
}

/** A subscriber that resubscribes with the last cursor it received whenever its subscription ends. */
class Follower {
  readonly events: Event[] = [];
  reconnects = 0;
  private cursor: string;
  private stopped = false;
  private client: WsClient | undefined;
  private readonly done: Promise<void>;

  constructor(readonly viewer: Viewer, start: string, private readonly target: () => string) {
    this.cursor = start;
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const client = createClient({
        url: `${this.target().replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: this.viewer.token ? { authorization: `Bearer ${this.viewer.token}` } : {},
        retryAttempts: 0,
      });
      this.client = client;
      await new Promise<void>((resolve) => {
        client.subscribe<{ activity: Event }>({ query: SUBSCRIBE, variables: { after: this.cursor, filter: this.viewer.filter } }, {
          next: (result) => {
            if (!result.data) return;
            this.events.push(result.data.activity);
            this.cursor = result.data.activity.cursor;
          },
          error: () => resolve(),
          complete: () => resolve(),
        });
      });
      await client.dispose();
      if (this.stopped) break;
      this.reconnects += 1;
      await sleep(300);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.dispose();
    await this.done;
  }
}

/** Updates public projects through the API every 100 ms, at whichever instance `target` names. */
class MutationDriver {
  sent = 0;
  failed = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly admin: string, private readonly projects: string[], private readonly target: () => string) {}

  start(): void {
    this.timer = setInterval(() => {
      const n = this.sent + this.failed;
      const request = fetch(`${this.target()}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.admin}` },
        body: JSON.stringify({
          query: 'mutation Touch($input: UpdateProjectInput!) { updateProject(input: $input) { userErrors { code } } }',
          variables: { input: { id: this.projects[n % this.projects.length], summary: `Vikakoe ${n}` } },
        }),
        signal: AbortSignal.timeout(5000),
      })
        .then(async (response) => {
          const body = (await response.json()) as { errors?: unknown[] };
          if (body.errors?.length) this.failed += 1;
          else this.sent += 1;
        })
        .catch(() => {
          this.failed += 1;
        });
      this.inFlight.add(request);
      void request.finally(() => this.inFlight.delete(request));
    }, 100);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }
}

interface Fixture {
  admin: string;
  viewers: Viewer[];
  projects: string[];
}

/** Accounts and tokens (admin, analyst, coordinator, anonymous), the viewers' filters, public projects to update. */
async function prepareFixture(ownerUrl: string): Promise<Fixture> {
  const db = await openDatabase({ ...loadConfig({}), databaseUrl: ownerUrl, dbPoolMax: 2 }, createLogger('silent'));
  try {
    const em = db.orm.em.fork();
    const connection = em.getConnection();
    const tokenOf = async (name: string, globalRoles: GlobalRole[], coordinatorOf?: number) => {
      const account = await createAccount(em, { name, globalRoles });
      if (coordinatorOf !== undefined) await addCoordinator(em, account.id, coordinatorOf);
      return (await issueToken(em, account.id, { name: 'fault test', scope: TokenScope.READ_WRITE, validDays: 1 })).token;
    };
    const [programme] = await connection.execute<{ id: number }[]>(`select id from programme where scheme = 'LEADER' order by id limit 1`);
    // Twelve public projects of each scheme, so that every viewer's filter has something to receive.
    const projects = await connection.execute<{ id: number }[]>(
      `select id from (select p.id, row_number() over (partition by g.scheme order by p.id) as n from project p join programme g on g.id = p.programme_id
        where p.status not in ('DRAFT', 'REJECTED')) chosen where n <= 12 order by id`);
    const [{ code }] = await connection.execute<{ code: string }[]>(
      `select c.code from (select unnest(postal_codes) as code from activity_event where project_id = any(?)) c group by c.code order by count(*) desc limit 1`,
      [`{${projects.map((row) => row.id).join(',')}}`]);
    const admin = await tokenOf('Vikakoe admin', [GlobalRole.ADMIN]);
    const analyst = await tokenOf('Vikakoe analyytikko', [GlobalRole.ANALYST]);
    const coordinator = await tokenOf('Vikakoe koordinaattori', [], programme.id);
    return {
      admin,
      projects: projects.map((row) => toGlobalId('Project', row.id)),
      viewers: [
        { name: 'anonymous, everything', filter: {} },
        { name: 'anonymous, Leader', filter: { schemes: ['LEADER'] } },
        { name: `anonymous, postal code ${code}`, filter: { postalCodes: [code] } },
        { name: 'analyst, everything', token: analyst, filter: {} },
        { name: 'coordinator, updates', token: coordinator, filter: { kinds: ['PROJECT_UPDATED'] } },
        { name: 'admin, Kake', token: admin, filter: { schemes: ['KAKE'] } },
      ],
    };
  } finally {
    await db.close();
  }
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function endOfLog(url: string, admin: string): Promise<string> {
  const data = await gql<{ activity: { pageInfo: { endCursor: string } } }>(url, '{ activity(last: 1) { pageInfo { endCursor } } }', {}, admin);
  return data.activity.pageInfo.endCursor;
}

/** The events a viewer may see after `after` that match its filter, through the query (the log as the truth). */
async function expectedEvents(url: string, viewer: Viewer, after: string): Promise<Event[]> {
  const events: Event[] = [];
  let cursor = after;
  for (;;) {
    const data = await gql<{ activity: { nodes: Event[]; pageInfo: { endCursor: string; hasNextPage: boolean } } }>(
      url,
      'query Log($after: String, $filter: ActivityFilter) { activity(first: 100, after: $after, filter: $filter) { nodes { cursor type } pageInfo { endCursor hasNextPage } } }',
      { after: cursor, filter: viewer.filter },
      viewer.token,
    );
    events.push(...data.activity.nodes);
    if (!data.activity.pageInfo.hasNextPage) return events;
    cursor = data.activity.pageInfo.endCursor;
  }
}

/** Waits until every follower has as many events as the log says it should (or the deadline), then compares. */
async function expectExactlyOnceInOrder(url: string, followers: Follower[], start: string): Promise<void> {
  // The log may still grow after the driver stops: each instance's overlap worker writes OVERLAP_FOUND
  // events for the last updates a moment later. So the log is read again until it stops changing.
  const readLog = () => Promise.all(followers.map((follower) => expectedEvents(url, follower.viewer, start)));
  const deadline = Date.now() + 20_000;
  let expected = await readLog();
  for (;;) {
    while (followers.some((follower, i) => follower.events.length < expected[i].length) && Date.now() < deadline) await sleep(100);
    await sleep(500); // anything beyond would be a repeat
    const again = await readLog();
    const settled = again.every((events, i) => events.length === expected[i].length);
    expected = again;
    if (settled || Date.now() >= deadline) break;
  }
  for (const [i, follower] of followers.entries()) {
    expect([follower.viewer.name, follower.events.map((event) => event.cursor)]).toEqual([follower.viewer.name, expected[i].map((event) => event.cursor)]);
  }
  expect(expected.map((events) => events.length > 0)).toEqual(expected.map(() => true));
}

describe('FAULT: PostgreSQL restarted under a running Silta', () => {
  let workDir: string;
  let postgres: PostgresProcess;
  let silta: Instance | undefined;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'silta-fault-pg-'));
    await chmod(workDir, 0o755);
    postgres = new PostgresProcess(path.join(workDir, 'postgres'));
  }, 60_000);

  afterAll(async () => {
    await silta?.stop('SIGKILL');
    await postgres?.exit();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }, 60_000);

  it('every subscriber that reconnects with its last cursor gets every event it may see exactly once, in order', async () => {
    const serverUrl = await postgres.start();
    await ensureDatabase(serverUrl, 'silta_fault', createLogger('silent'));
    const ownerUrl = withDatabaseName(serverUrl, 'silta_fault');
    // The overlap worker runs too (as in `npm start`): a connection it holds when PostgreSQL goes away
    // must not end the process (it once did, through an unhandled 'error' event).
    silta = await startSilta(ownerUrl, 'demo', {});
    const fixture = await prepareFixture(ownerUrl);
    const start = await endOfLog(silta.url, fixture.admin);
    const url = silta.url;
    const followers = fixture.viewers.map((viewer) => new Follower(viewer, start, () => url));
    const driver = new MutationDriver(fixture.admin, fixture.projects, () => url);
    try {
      await sleep(500);
      driver.start();
      await sleep(3000);
      const before = driver.sent;
      await postgres.stop();
      await sleep(3000);
      await postgres.start();
      await sleep(6000);
      await driver.stop();
      expect(before).toBeGreaterThan(0);
      // Changes went through after the restart, too.
      expect(driver.sent).toBeGreaterThan(before);
      await expectExactlyOnceInOrder(url, followers, start);
      // The outage was real: changes failed meanwhile. A subscription whose reads all fell outside it
      // survives without a reconnect; one whose read failed ends with an error and is resumed.
      expect(driver.failed).toBeGreaterThan(0);
    } catch (error) {
      throw new Error(`${String(error)}\n--- silta's output:\n${silta.output()}`);
    } finally {
      await driver.stop();
      await Promise.all(followers.map((follower) => follower.stop()));
    }
  }, 120_000);
});

describe('FAULT: one of two Silta instances killed', () => {
  const database = `silta_test_fault_${process.pid}`;
  let serverUrl: string;
  let instances: Instance[] = [];

  beforeAll(async () => {
    serverUrl = testEnv('serverUrl');
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database "${database}" template "${testEnv('demoTemplate')}"`);
    await admin.end();
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${database}" with (force)`);
    await admin.end();
    await dropAppRole(serverUrl, database);
  }, 60_000);

  it('subscribers of the killed one reconnect to the other with their last cursor and get everything exactly once, in order', async () => {
    const ownerUrl = withDatabaseName(serverUrl, database);
    const doomed = await startSilta(ownerUrl, 'none');
    const survivor = await startSilta(ownerUrl, 'none');
    instances = [doomed, survivor];
    const fixture = await prepareFixture(ownerUrl);
    const start = await endOfLog(survivor.url, fixture.admin);
    let doomedAlive = true;
    // Half follow the instance to be killed (then the other), half the survivor.
    const followers = [...fixture.viewers, ...fixture.viewers].map(
      (viewer, i) => new Follower(viewer, start, () => (i % 2 === 0 && doomedAlive ? doomed.url : survivor.url)),
    );
    let turn = 0;
    const driver = new MutationDriver(fixture.admin, fixture.projects, () => (doomedAlive && turn++ % 2 === 0 ? doomed.url : survivor.url));
    try {
      await sleep(500);
      driver.start();
      await sleep(3000);
      doomedAlive = false;
      await doomed.stop('SIGKILL');
      await sleep(4000);
      await driver.stop();
      expect(driver.sent).toBeGreaterThan(40);
      await expectExactlyOnceInOrder(survivor.url, followers, start);
      expect(followers.map((follower) => follower.reconnects)).toEqual(followers.map((_, i) => (i % 2 === 0 ? expect.any(Number) : 0)));
      expect(followers.filter((_, i) => i % 2 === 0).every((follower) => follower.reconnects >= 1)).toBe(true);
    } catch (error) {
      throw new Error(`${String(error)}\n--- the survivor's output:\n${survivor.output()}`);
    } finally {
      await driver.stop();
      await Promise.all(followers.map((follower) => follower.stop()));
    }
  }, 120_000);
});
