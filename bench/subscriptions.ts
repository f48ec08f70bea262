import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { loadConfig } from '../src/config';
import { dropAppRole } from '../src/db/app-role';
import { openDatabase } from '../src/db/database';
import { ensureDatabase, withDatabaseName } from '../src/db/database-url';
import { EmbeddedPostgres } from '../src/db/embedded-postgres';
import { addCoordinator, createAccount, issueToken } from '../src/modules/auth/account.service';
import { GlobalRole, TokenScope } from '../src/modules/auth/auth.enums';
import { createLogger } from '../src/shared/logger';
import { packageRoot } from '../src/shared/package-root';
import { redactText } from '../src/shared/redact';
import { toGlobalId } from '../src/shared/relay/global-id';

/**
 * Subscription benchmark (`npm run bench:subscriptions`, issue 9 "Scale and faults"). Starts
 * `silta start` as a child on the demo data (embedded PostgreSQL, or DATABASE_URL's server), opens
 * N graphql-ws subscribers with mixed filters and viewers (anonymous, analysts, coordinators), then
 * updates projects through the GraphQL API at a steady rate and measures, for every delivered
 * event, the time from the event's row being written (`occurredAt`, clock_timestamp() in the
 * writing transaction) to its arrival here (same machine, same clock). It ramps the subscriber
 * count until p99 passes 1 s, with a fresh server per step, so each step's memory is its own.
 */

const CLI = path.join(packageRoot, 'dist', 'src', 'cli', 'silta.js');
const TARGET_P99_MS = 200;
const RAMP_LIMIT_MS = 1000;

interface Options {
  subscribers: number;
  ramp: number[];
  rate: number;
  seconds: number;
  rampSeconds: number;
  json: boolean;
}

function positive(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('Expected a whole number of at least 1.');
  return value;
}

function parseOptions(): Options {
  const program = new Command('bench:subscriptions')
    .description('Subscription benchmark: event-to-delivery latency, deliveries per second, memory per subscriber, and how many subscribers one instance holds')
    .option('--subscribers <n>', 'subscribers for the main measurement', positive, 1000)
    .option('--ramp <list>', 'subscriber counts to ramp through until p99 passes 1 s (0 to skip)', (raw) => raw.split(',').map((part) => Number(part.trim())), [250, 500, 2000, 4000])
    .option('--rate <n>', 'mutations per second', positive, 5)
    .option('--seconds <n>', 'how long to drive mutations in the main measurement', positive, 30)
    .option('--ramp-seconds <n>', '… and in each ramp step', positive, 15)
    .option('--json', 'print the results as one JSON document')
    .parse(process.argv);
  const options = program.opts<{ subscribers: number; ramp: number[]; rate: number; seconds: number; rampSeconds: number; json?: boolean }>();
  return { ...options, ramp: options.ramp.filter((n) => n > 0), json: options.json ?? false };
}

function log(message: string): void {
  process.stderr.write(`[bench:subscriptions ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
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

interface Server {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** `silta start` as a child (its PID is the server's own, for its RSS), ready when /readyz answers 200. */
async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'start'], {
    cwd: packageRoot,
    // Every subscriber connects from this one address: lift the per-client budget, an abuse limit.
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', RATE_LIMIT_LEAK_PER_SECOND: '1000000000', RATE_LIMIT_BUDGET: '1000000000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited) throw new Error(`the server exited during start-up:\n${redactText(output)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server was not ready in 180 s:\n${redactText(output)}`);
    }
    if (await fetch(`${url}/readyz`).then((response) => response.ok, () => false)) break;
    await sleep(100);
  }
  return {
    url,
    process: child,
    async stop() {
      if (exited) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Current RSS of a process in MiB (Linux's VmRSS), or null where /proc is not there. */
async function rssOf(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : null;
}

interface Fixture {
  admin: string;
  analysts: string[];
  coordinators: string[];
  /** Public projects to update, as global IDs. */
  projects: string[];
  postalCodes: string[];
}

/** An admin (drives the mutations), analysts and coordinators (one of each programme), with tokens; public projects; postal codes. */
async function prepareFixture(ownerUrl: string): Promise<Fixture> {
  const db = await openDatabase({ ...loadConfig(), databaseUrl: ownerUrl, dbPoolMax: 2 }, createLogger('warn'));
  try {
    const em = db.orm.em.fork();
    const connection = em.getConnection();
    const token = async (accountId: number, scope: TokenScope) => (await issueToken(em, accountId, { name: 'bench:subscriptions', scope, validDays: 1 })).token;
    const admin = await createAccount(em, { name: 'Subscription benchmark admin', globalRoles: [GlobalRole.ADMIN] });
    const analysts: string[] = [];
    const coordinators: string[] = [];
    const programmes = await connection.execute<{ id: number }[]>('select id from programme order by id');
    for (let i = 0; i < 5; i++) {
      const analyst = await createAccount(em, { name: `Subscription benchmark analyst ${i + 1}`, globalRoles: [GlobalRole.ANALYST] });
      analysts.push(await token(analyst.id, TokenScope.READ_ONLY));
      const coordinator = await createAccount(em, { name: `Subscription benchmark coordinator ${i + 1}` });
      await addCoordinator(em, coordinator.id, programmes[i % programmes.length].id);
      coordinators.push(await token(coordinator.id, TokenScope.READ_ONLY));
    }
    const projects = await connection.execute<{ id: number }[]>(`select id from project where status not in ('DRAFT', 'REJECTED') order by id`);
    const codes = await connection.execute<{ code: string }[]>(
      `select code from (select unnest(postal_codes) as code from activity_event) c group by code order by count(*) desc limit 12`);
    return {
      admin: await token(admin.id, TokenScope.READ_WRITE),
      analysts,
      coordinators,
      projects: projects.map((row) => toGlobalId('Project', row.id)),
      postalCodes: codes.map((row) => row.code),
    };
  } finally {
    await db.close();
  }
}

/** The i-th subscriber's filter: all, a scheme, kinds, postal codes, or crossing the divide. */
function filterFor(i: number, fixture: Fixture): Record<string, unknown> {
  switch (i % 6) {
    case 0:
      return {};
    case 1:
      return { schemes: ['KAKE'] };
    case 2:
      return { schemes: ['LEADER'] };
    case 3:
      return { kinds: ['PROJECT_UPDATED', 'PROJECT_STATUS_CHANGED', 'FUNDING_DECIDED'] };
    case 4: {
      const codes = fixture.postalCodes;
      return { postalCodes: [codes[i % codes.length], codes[(i + 1) % codes.length], codes[(i + 2) % codes.length]] };
    }
    default:
      return { crossDivideOnly: true };
  }
}

/** The i-th subscriber's token: a third anonymous, a third analysts, a third coordinators. */
function tokenFor(i: number, fixture: Fixture): string | undefined {
  const who = Math.floor(i / 6) % 3;
  if (who === 0) return undefined;
  const tokens = who === 1 ? fixture.analysts : fixture.coordinators;
  return tokens[i % tokens.length];
}

const SUBSCRIPTION = 'subscription Bench($filter: ActivityFilter) { activity(filter: $filter) { cursor type occurredAt } }';

interface Subscribers {
  latencies: number[];
  errors: number;
  closeAll(): Promise<void>;
}

async function openSubscribers(server: Server, n: number, fixture: Fixture): Promise<Subscribers> {
  const latencies: number[] = [];
  let errors = 0;
  const clients: WsClient[] = [];
  const connected: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const token = tokenFor(i, fixture);
    let onConnected!: () => void;
    connected.push(new Promise<void>((resolve) => (onConnected = resolve)));
    const client = createClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      lazy: false,
      on: { connected: () => onConnected() },
    });
    clients.push(client);
    client.subscribe<{ activity: { occurredAt: string } }>(
      { query: SUBSCRIPTION, variables: { filter: filterFor(i, fixture) } },
      {
        next: (result) => {
          const received = Date.now();
          if (result.data) latencies.push(received - Date.parse(result.data.activity.occurredAt));
          else {
            errors += 1;
            if (errors === 1) log(`first error: ${JSON.stringify(result.errors)}`);
          }
        },
        error: (error: unknown) => {
          errors += 1;
          if (errors === 1) log(`first error: ${JSON.stringify(error)}`);
        },
        complete: () => undefined,
      },
    );
    // Connecting in bursts keeps the handshakes from timing out on two cores.
    if (i % 100 === 99) await sleep(50);
  }
  await Promise.race([Promise.all(connected), sleep(60_000)]);
  return {
    latencies,
    get errors() {
      return errors;
    },
    async closeAll() {
      await Promise.all(clients.map((client) => client.dispose()));
    },
  };
}

interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

interface StepResult {
  subscribers: number;
  mutations: number;
  latency: Distribution;
  deliveriesPerSecond: number;
  idleRssMb: number | null;
  loadedRssMb: number | null;
  kbPerSubscriber: number | null;
  errors: number;
}

/** One fresh server, n subscribers, `seconds` of mutations at `rate`/s. */
async function runStep(env: NodeJS.ProcessEnv, fixture: Fixture, n: number, options: Options, seconds: number): Promise<StepResult> {
  const server = await startServer(env);
  try {
    const ask = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${fixture.admin}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    };
    await sleep(2000);
    const idleRssMb = await rssOf(server.process.pid);
    log(`${n} subscribers: connecting`);
    const subscribers = await openSubscribers(server, n, fixture);
    // Every subscription reads the end of the log once before it waits: let those first reads finish.
    await sleep(3000 + n);
    const loadedRssMb = await rssOf(server.process.pid);
    log(`${n} subscribers: ${options.rate} mutations/s for ${seconds} s`);
    const interval = 1000 / options.rate;
    const started = performance.now();
    let mutations = 0;
    const pending: Promise<void>[] = [];
    while (performance.now() - started < seconds * 1000) {
      const project = fixture.projects[mutations % fixture.projects.length];
      pending.push(ask('mutation Touch($input: UpdateProjectInput!) { updateProject(input: $input) { userErrors { code } } }', {
        input: { id: project, summary: `Vertailuajo ${n}/${mutations + 1}.` },
      }));
      mutations += 1;
      await sleep(Math.max(0, started + mutations * interval - performance.now()));
    }
    await Promise.all(pending);
    // Let the last deliveries arrive.
    let settled = subscribers.latencies.length;
    for (let i = 0; i < 20; i++) {
      await sleep(500);
      if (subscribers.latencies.length === settled) break;
      settled = subscribers.latencies.length;
    }
    const elapsed = (performance.now() - started) / 1000;
    const latencies = [...subscribers.latencies];
    const errors = subscribers.errors;
    await subscribers.closeAll();
    return {
      subscribers: n,
      mutations,
      latency: distribution(latencies),
      deliveriesPerSecond: latencies.length / elapsed,
      idleRssMb,
      loadedRssMb,
      kbPerSubscriber: idleRssMb !== null && loadedRssMb !== null ? ((loadedRssMb - idleRssMb) * 1024) / n : null,
      errors,
    };
  } finally {
    await server.stop();
  }
}

function fixed(value: number | null, digits = 0): string {
  return value === null || Number.isNaN(value) ? '–' : value.toFixed(digits);
}

async function main(): Promise<void> {
  const options = parseOptions();
  const config = loadConfig();
  const logger = createLogger('warn');
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'silta-bench-subscriptions-'));
  await chmod(workDir, 0o755);
  let embedded: EmbeddedPostgres | undefined;
  let serverUrl = config.databaseUrl;
  if (!serverUrl) {
    embedded = new EmbeddedPostgres({ dataDir: path.join(workDir, 'postgres'), logger });
    serverUrl = await embedded.start();
  }
  const database = `silta_bench_subscriptions_${process.pid}`;
  const ownerUrl = withDatabaseName(serverUrl, database);
  const steps: StepResult[] = [];
  try {
    await ensureDatabase(serverUrl, database, logger);
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: ownerUrl, LOG_LEVEL: 'warn', SILTA_SEED: 'demo' };
    // The first start migrates and loads the demo data.
    await (await startServer(env)).stop();
    const fixture = await prepareFixture(ownerUrl);
    log(`${fixture.projects.length} public projects to update, ${fixture.postalCodes.length} postal codes in filters`);
    const main = await runStep(env, fixture, options.subscribers, options, options.seconds);
    steps.push(main);
    let held = main.latency.p99 <= RAMP_LIMIT_MS ? main.subscribers : 0;
    for (const n of options.ramp.filter((count) => count !== options.subscribers).sort((a, b) => a - b)) {
      if (n > options.subscribers && main.latency.p99 > RAMP_LIMIT_MS) break;
      const step = await runStep(env, fixture, n, options, options.rampSeconds);
      steps.push(step);
      if (step.latency.p99 <= RAMP_LIMIT_MS) held = Math.max(held, n);
      else if (n > options.subscribers) break;
    }
    const report = {
      node: process.version,
      cores: os.cpus().length,
      database: embedded ? 'embedded' : 'DATABASE_URL',
      rate: options.rate,
      // Every project update queues the project for overlap rescoring, which runs in the same process.
      overlapWorker: config.overlapWorker,
      steps: steps.sort((a, b) => a.subscribers - b.subscribers),
      largestWithP99UnderOneSecond: held,
      pass: main.latency.p99 < TARGET_P99_MS,
    };
    if (options.json) {
      console.log(JSON.stringify(report));
      return;
    }
    console.log(
      `Silta subscription benchmark: Node ${report.node}, ${report.cores} cores, PostgreSQL ${report.database}, ${options.rate} mutations/s (${options.seconds} s main, ${options.rampSeconds} s per ramp step), ` +
        `overlap worker ${report.overlapWorker ? 'on' : 'off'} in the server (OVERLAP_WORKER)`,
    );
    console.log('| subscribers | mutations | deliveries | deliveries/s | latency p50 / p99 / max ms | server RSS idle → loaded MiB | KiB per subscriber | errors |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const step of report.steps) {
      console.log(
        `| ${step.subscribers} | ${step.mutations} | ${step.latency.count} | ${fixed(step.deliveriesPerSecond)} | ${fixed(step.latency.p50)} / ${fixed(step.latency.p99)} / ${fixed(step.latency.max)} | ` +
          `${fixed(step.idleRssMb)} → ${fixed(step.loadedRssMb)} | ${fixed(step.kbPerSubscriber)} | ${step.errors} |`,
      );
    }
    console.log(`\nLargest subscriber count measured with p99 ≤ ${RAMP_LIMIT_MS} ms: ${held || 'none'}${held === Math.max(...report.steps.map((step) => step.subscribers)) ? ' (the largest step tried)' : ''}`);
    console.log(`Target p99 < ${TARGET_P99_MS} ms at ${options.subscribers} subscribers: ${report.pass ? 'PASS' : 'MISS'} (p99 ${fixed(main.latency.p99)} ms)`);
  } finally {
    await withDatabaseClient(serverUrl, (client) => client.query(`drop database if exists "${database}" with (force)`)).catch(() => undefined);
    await dropAppRole(serverUrl, database).catch(() => undefined);
    await embedded?.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

async function withDatabaseClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(redactText(error instanceof Error ? (error.stack ?? error.message) : String(error)));
  process.exit(1);
});
