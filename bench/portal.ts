import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { dropAppRole, provisionAppRole } from '../src/db/app-role';
import { openDatabase } from '../src/db/database';
import { ensureDatabase, withDatabaseName } from '../src/db/database-url';
import { EmbeddedPostgres } from '../src/db/embedded-postgres';
import { writeGeneratedData } from '../src/db/generate/write';
import { prepareDatabase } from '../src/db/prepare';
import { addMembership, createAccount, issueToken } from '../src/modules/auth/account.service';
import { AccountKind, TokenScope } from '../src/modules/auth/auth.enums';
import { createLogger } from '../src/shared/logger';
import { packageRoot } from '../src/shared/package-root';
import { redactText } from '../src/shared/redact';
import { toGlobalId } from '../src/shared/relay/global-id';
import { canonical, portalQueries, projectPage, type PortalQuery, type QueryParams } from './portal/queries';
import { checkTargets, markdownTable, spliceBetweenMarkers, targetLines, type BenchReport, type Measurement, type Target } from './portal/report';
import { BENCH_SQL } from './portal/sql';
import type { BenchViewer } from './portal/viewer';

/**
 * The side-by-side portal benchmark (issue 10): Silta, PostGraphile 4.14 and a raw-SQL floor on one
 * generated data set, each a child process, checked for equal answers first, then driven with
 * autocannon query by query, alternately. See docs/benchmarks.md for the method and the fairness rules.
 */
const QUICK = process.env.BENCH_QUICK === '1';
const PROJECTS = Number(process.env.BENCH_PROJECTS ?? (QUICK ? 2000 : 20_000));
const ORGANISATIONS = Math.max(40, Math.round(PROJECTS / 4));
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 2 : 10));
const WARMUP_SECONDS = QUICK ? 1 : 3;
const CONCURRENCY = [10, 50];
const SEARCH_TEXT = 'nuorten';
/** Silta's default pool size (DB_POOL_MAX), given to every target. */
const POOL_MAX = String(loadConfig({}).dbPoolMax);
const CLI = path.join(packageRoot, 'dist/src/cli/silta.js');
const COUNTER = path.join(packageRoot, 'dist/bench/portal/statement-counter.js');

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;
/** BENCH_ONLY=q1,q5: time only these queries (a development aid; neither README.md nor latest.json is written). */
const ONLY = process.env.BENCH_ONLY?.split(',').map((id) => id.trim());

const log = (message: string): void => console.error(`[bench] ${message}`);

interface Server {
  target: Target;
  url: string;
  child: ChildProcess;
  statements(): Promise<{ statements: number; control: number }>;
  peakRssMb(): Promise<number | null>;
  /** CPU time (user + system) the server process has used so far, in ms; null off Linux. */
  cpuMs(): Promise<number | null>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A server as a child process with the statement counter preloaded, ready when `ready` says so. */
async function startServer(target: Target, script: string[], env: NodeJS.ProcessEnv, ready: (url: string) => Promise<boolean>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', COUNTER, ...script], {
    cwd: packageRoot,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn', DB_POOL_MAX: POOL_MAX },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited) throw new Error(`${target} exited during start-up:\n${redactText(output)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${target} was not ready in 180 s:\n${redactText(output)}`);
    }
    if (await ready(url).catch(() => false)) break;
    await sleep(200);
  }
  return {
    target,
    url,
    child,
    statements: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${target} did not report its statement count`)), 5000);
        child.once('message', (message) => {
          clearTimeout(timer);
          resolve(message as { statements: number; control: number });
        });
        child.send('statements');
      }),
    async peakRssMb() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
      const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Number(kb) / 1024 : null;
    },
    async cpuMs() {
      // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks; the name (field 2) may hold spaces.
      const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8').catch(() => '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields.length > 13 ? ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS : null;
    },
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

const graphqlReady = async (url: string): Promise<boolean> =>
  (await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).ok;

/** What one request to a target looks like: path, body and headers. */
function requestFor(server: Server, query: PortalQuery, partnerToken: string): { url: string; body: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!query.anonymous) headers.authorization = `Bearer ${partnerToken}`;
  const body = server.target === 'PostGraphile' ? query.postgraphile : server.target === 'floor' ? query.floor : query.silta;
  return { url: server.target === 'floor' ? `${server.url}/` : `${server.url}/graphql`, body: JSON.stringify(body), headers };
}

async function send(server: Server, query: PortalQuery, partnerToken: string): Promise<unknown> {
  const { url, body, headers } = requestFor(server, query, partnerToken);
  const response = await fetch(url, { method: 'POST', headers, body });
  const json = (await response.json()) as { data?: unknown; errors?: unknown; error?: unknown };
  if (!response.ok || json.errors || json.error) {
    throw new Error(`${server.target} failed ${query.id} (HTTP ${response.status}): ${JSON.stringify(json.errors ?? json.error ?? json).slice(0, 2000)}`);
  }
  return server.target === 'floor' ? json : json.data;
}

/** The first place two plain structures differ, for a loud failure that says where. */
function firstDifference(a: unknown, b: unknown, at = '$'): string {
  if (isDeepStrictEqual(a, b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
      if (found) return found;
    }
  }
  return `${at}: ${JSON.stringify(a)?.slice(0, 300)} vs ${JSON.stringify(b)?.slice(0, 300)}`;
}

/** Every target returns the same data for every query, or the benchmark stops here. */
async function verify(servers: Server[], queries: PortalQuery[], partnerToken: string): Promise<Map<string, unknown>> {
  const answers = new Map<string, unknown>();
  for (const query of queries) {
    let reference: { target: Target; value: unknown } | undefined;
    for (const server of servers) {
      const data = await send(server, query, partnerToken);
      const value = canonical(server.target === 'PostGraphile' ? query.fromPostgraphile(data) : server.target === 'floor' ? data : query.fromSilta(data));
      if (!reference) reference = { target: server.target, value };
      else if (!isDeepStrictEqual(reference.value, value)) {
        throw new Error(`${query.id}: ${server.target} and ${reference.target} disagree at ${firstDifference(value, reference.value)}`);
      }
    }
    answers.set(query.id, reference?.value);
  }
  return answers;
}

/**
 * Statements per request: the counter's difference over a few sequential requests, the smaller of two
 * rounds (a server's own background work, such as a poll, can land in one of them).
 */
async function statementsPerRequest(server: Server, query: PortalQuery, partnerToken: string): Promise<{ statements: number; control: number }> {
  const n = 5;
  await send(server, query, partnerToken);
  const rounds: { statements: number; control: number }[] = [];
  for (let round = 0; round < 2; round++) {
    const before = await server.statements();
    for (let i = 0; i < n; i++) await send(server, query, partnerToken);
    const after = await server.statements();
    rounds.push({ statements: (after.statements - before.statements) / n, control: (after.control - before.control) / n });
  }
  return rounds.reduce((a, b) => (b.statements + b.control < a.statements + a.control ? b : a));
}

async function load(server: Server, query: PortalQuery, partnerToken: string, connections: number, seconds: number): Promise<autocannon.Result> {
  const { url, body, headers } = requestFor(server, query, partnerToken);
  return autocannon({ url, method: 'POST', headers, body, connections, duration: seconds });
}

/**
 * Waits until no statement runs in the benchmark's database (at most 60 s): requests autocannon gave
 * up on (slow searches) keep PostgreSQL busy after a run, and the next target must not pay for them.
 */
async function settle(ownerUrl: string): Promise<void> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`,
      );
      if (rows[0].n === '0') return;
      await sleep(200);
    }
    log('the database was still busy after 60 s; measuring anyway');
  } finally {
    await client.end();
  }
}

async function measure(
  servers: Server[],
  queries: PortalQuery[],
  partnerToken: string,
  titleOf: (q: PortalQuery) => string,
  ownerUrl: string,
): Promise<Measurement[]> {
  const results: Measurement[] = [];
  for (const query of queries) {
    for (const server of servers) {
      await settle(ownerUrl);
      const counted = await statementsPerRequest(server, query, partnerToken);
      await load(server, query, partnerToken, 10, WARMUP_SECONDS);
      for (const connections of CONCURRENCY) {
        await settle(ownerUrl);
        const cpuBefore = await server.cpuMs();
        const result = await load(server, query, partnerToken, connections, SECONDS);
        const cpuAfter = await server.cpuMs();
        const m: Measurement = {
          query: query.id,
          title: titleOf(query),
          connections,
          target: server.target,
          // Completed requests over the run's time: autocannon's per-second average rounds slow queries to whole requests.
          requestsPerSecond: result.requests.total / result.duration,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          statements: counted.statements,
          controlStatements: counted.control,
          failed: result.errors + result.non2xx + result.timeouts,
          cpuMsPerRequest: cpuBefore == null || cpuAfter == null || !result.requests.total ? null : (cpuAfter - cpuBefore) / result.requests.total,
        };
        results.push(m);
        log(
          `${query.id} c=${connections} ${server.target}: ${m.requestsPerSecond.toFixed(0)} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, ${m.statements} SQL/req, ${m.cpuMsPerRequest?.toFixed(2)} CPU ms/req`,
        );
      }
    }
  }
  return results;
}

/** Picks the query parameters from the generated data (as the owner: the counts are of what anonymous readers see). */
async function pickParams(run: <T>(sql: string) => Promise<T[]>): Promise<QueryParams> {
  const visible = `t.status not in ('DRAFT', 'REJECTED')`;
  const [organisation] = await run<{ businessId: string; n: number }>(
    `select o.business_id as "businessId", count(*)::int as n from organisation o
       join participation x on x.organisation_id = o.id join project t on t.id = x.project_id
      where o.business_id is not null and ${visible}
      group by o.id, o.business_id having count(*) <= 100 order by count(*) desc, o.id limit 1`,
  );
  const [programme] = await run<{ code: string; theme: string; year: number }>(
    `select pr.code, th.code as theme, y as year from project t join programme pr on pr.id = t.programme_id
       join project_theme pt on pt.project_id = t.id join theme th on th.id = pt.theme_id cross join generate_series(2014, 2027) y
      where ${visible} and coalesce(t.actual_start, t.planned_start) <= make_date(y, 12, 31)
        and coalesce(t.actual_end, t.planned_end, 'infinity'::date) >= make_date(y, 1, 1)
      group by pr.code, th.code, y having count(*) <= 50 order by count(*) desc, pr.code, th.code, y limit 1`,
  );
  const ids = (await run<{ id: number }>(`select t.id from project t where ${visible} order by t.id`)).map((row) => Number(row.id));
  const step = Math.max(1, Math.floor(ids.length / 50));
  const projectIds = ids.filter((_, index) => index % step === 0).slice(0, 50);
  return {
    organisation: { businessId: organisation.businessId, participations: organisation.n },
    programme: { code: programme.code, theme: programme.theme, from: `${programme.year}-01-01`, to: `${programme.year}-12-31` },
    searchText: SEARCH_TEXT,
    projectIds,
    nodeIds: projectIds.map((id) => toGlobalId('Project', id)),
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger('warn');
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'silta-bench-portal-'));
  await chmod(workDir, 0o755);
  let embedded: EmbeddedPostgres | undefined;
  let serverUrl = config.databaseUrl;
  if (!serverUrl) {
    embedded = new EmbeddedPostgres({ dataDir: path.join(workDir, 'postgres'), logger });
    serverUrl = await embedded.start();
  }
  const database = `silta_bench_portal_${process.pid}`;
  const servers: Server[] = [];
  try {
    await ensureDatabase(serverUrl, database, logger);
    const ownerUrl = withDatabaseName(serverUrl, database);
    const db = await openDatabase({ ...config, databaseUrl: ownerUrl }, logger);
    let params: QueryParams;
    let partner: BenchViewer & { token: string };
    let dataset: Record<string, number>;
    let postgres: string;
    try {
      await prepareDatabase(db, { seed: 'none' }, logger);
      log(`generating ${PROJECTS} projects, ${ORGANISATIONS} organisations (seed 1)`);
      const generated = await writeGeneratedData(db.orm, { projects: PROJECTS, organisations: ORGANISATIONS, seed: 1 });
      dataset = generated.counts;
      const connection = db.orm.em.getConnection();
      const run = <T>(sql: string): Promise<T[]> => connection.execute<T[]>(sql);
      for (const sql of BENCH_SQL) await connection.execute(sql);
      await provisionAppRole(ownerUrl, undefined, logger);
      // The partner: the lead organisation of the newest draft (by code), so that its page of 50 shows a draft.
      const [draft] = await run<{ organisationId: number }>(
        `select x.organisation_id as "organisationId" from project t join participation x on x.project_id = t.id and x.role = 'LEAD'
          where t.status = 'DRAFT' order by t.code desc limit 1`,
      );
      const em = db.orm.em.fork();
      const account = await createAccount(em, { name: 'Benchmark partner portal', kind: AccountKind.INTEGRATION });
      await addMembership(em, account.id, draft.organisationId, { verified: true });
      const issued = await issueToken(em, account.id, { name: 'bench', scope: TokenScope.READ_ONLY, validDays: 1 });
      partner = { organisationIds: [draft.organisationId], verifiedOrganisationIds: [draft.organisationId], accountId: account.id, token: issued.token };
      params = await pickParams(run);
      await connection.execute('analyze');
      postgres = (await run<{ v: string }>(`select current_setting('server_version') as v`))[0].v;
    } finally {
      await db.close();
    }
    log(`data: ${JSON.stringify(dataset)}; parameters: ${JSON.stringify({ ...params, nodeIds: undefined, projectIds: `${params.projectIds.length} ids` })}`);

    const appUrl = await provisionAppRole(ownerUrl, undefined, logger);
    const siltaEnv = (cache: 'on' | 'off'): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: ownerUrl,
        SILTA_SEED: 'none',
        RESPONSE_CACHE: cache,
        // One client sends everything: the per-client budget and the request timeout are abuse limits,
        // not what this measures (the cost check stays on); budgets kept in memory add no SQL.
        RATE_LIMIT_LEAK_PER_SECOND: '1000000000',
        RATE_LIMIT_STORE: 'memory',
        REQUEST_TIMEOUT_MS: '0',
        // Background workers, not the read path.
        OVERLAP_WORKER: 'off',
        WEBHOOK_WORKER: 'off',
      };
      delete env.DATABASE_APP_URL;
      return env;
    };
    const otherEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: appUrl, BENCH_PARTNER: JSON.stringify(partner) };
    const startSilta = (cache: 'on' | 'off') =>
      startServer(cache === 'on' ? 'Silta cached' : 'Silta', [CLI, 'start'], siltaEnv(cache), async (url) => (await fetch(`${url}/readyz`)).ok);
    servers.push(await startSilta('off'));
    servers.push(await startServer('PostGraphile', [path.join(packageRoot, 'dist/bench/portal/postgraphile-server.js')], otherEnv, graphqlReady));
    servers.push(
      await startServer('floor', [path.join(packageRoot, 'dist/bench/portal/floor-server.js')], otherEnv, async (url) =>
        (await fetch(`${url}/`, { method: 'POST', body: JSON.stringify({ sql: `select '1' as body`, params: [] }) })).ok,
      ),
    );

    const allQueries = portalQueries(params);
    const queries = allQueries.filter((q) => !ONLY || ONLY.includes(q.id));
    const page10 = projectPage('q1@10', 'page of 10', 10, true);
    log('checking that Silta, PostGraphile and the floor return the same data');
    const answers = await verify(servers, [...allQueries, page10], partner.token);
    const q6 = answers.get('q6') as { status: string }[];
    if (!q6.some((row) => row.status === 'DRAFT')) throw new Error('q6: the partner sees no draft on its page; the visibility rules are not exercised');
    if (isDeepStrictEqual(answers.get('q1'), q6)) throw new Error('q6: the partner sees what anonymous readers see');
    if (!(answers.get('q4') as { hits: unknown[] }).hits.length) throw new Error(`q4: no search hits for "${SEARCH_TEXT}"`);
    log('all three agree on every query');

    const siltaServer = servers[0];
    const page10Statements = (await statementsPerRequest(siltaServer, page10, partner.token)).statements;
    const page50Statements = (await statementsPerRequest(siltaServer, queries[0], partner.token)).statements;

    const titleOf = (q: PortalQuery): string => q.title;
    const measurements = await measure(servers, queries, partner.token, titleOf, ownerUrl);
    const peakRssMb: BenchReport['peakRssMb'] = {};
    for (const server of servers) peakRssMb[server.target] = await server.peakRssMb();
    await siltaServer.stop();
    servers.shift();

    const cached = await startSilta('on');
    servers.unshift(cached);
    const anonymousQueries = queries.filter((q) => q.anonymous);
    await verify([cached, ...servers.slice(1)], anonymousQueries, partner.token);
    const cachedMeasurements = await measure([cached], anonymousQueries, partner.token, titleOf, ownerUrl);
    peakRssMb['Silta cached'] = await cached.peakRssMb();

    const order: Target[] = ['Silta', 'Silta cached', 'PostGraphile', 'floor'];
    const all = [...measurements, ...cachedMeasurements].sort(
      (a, b) => a.query.localeCompare(b.query) || a.connections - b.connections || order.indexOf(a.target) - order.indexOf(b.target),
    );
    const cpu = os.cpus();
    const report: BenchReport = {
      date: new Date().toISOString(),
      machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${postgres} (${embedded ? 'embedded' : 'DATABASE_URL'}), load average at start ${os.loadavg()[0].toFixed(1)}`,
      dataset,
      seconds: SECONDS,
      quick: QUICK,
      measurements: all,
      peakRssMb,
      pageSizeStatements: { page10: page10Statements, page50: page50Statements },
    };
    const table = markdownTable(report);
    const targets = targetLines(checkTargets(report));
    const summary = `Portal benchmark (\`npm run bench\`), ${report.date.slice(0, 10)}, ${report.machine}. Data: ${Object.entries(dataset)
      .map(([table, n]) => `${n} ${table}`)
      .join(', ')}. ${SECONDS} s per query, concurrency and target after a ${WARMUP_SECONDS} s warm-up; SQL/req counts statements without session control (in brackets: BEGIN, set_config, COMMIT).`;
    console.log(`${summary}\n\n${table}\n\nTargets:\n${targets}`);
    if (QUICK || ONLY) {
      log('BENCH_QUICK or BENCH_ONLY: README.md and bench/results/latest.json left as they were');
    } else {
      await mkdir(path.join(packageRoot, 'bench/results'), { recursive: true });
      await writeFile(path.join(packageRoot, 'bench/results/latest.json'), `${JSON.stringify({ ...report, targets: checkTargets(report) }, null, 2)}\n`);
      const readmePath = path.join(packageRoot, 'README.md');
      const readme = await readFile(readmePath, 'utf8');
      await writeFile(readmePath, spliceBetweenMarkers(readme, `${summary}\n\n${table}\n\n${targets}\n`));
      log('wrote README.md (between the bench markers) and bench/results/latest.json');
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    for (const server of servers) await server.stop().catch(() => undefined);
    if (embedded) {
      await embedded.stop();
    } else {
      const admin = await openDatabase({ ...config, databaseUrl: serverUrl }, logger);
      await admin.orm.em.getConnection().execute(`drop database if exists "${database}" with (force)`);
      await admin.close();
      await dropAppRole(serverUrl, database);
    }
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? redactText(error.stack ?? error.message) : error);
  process.exit(1);
});
