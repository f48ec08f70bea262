import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { dropAppRole } from '../src/db/app-role';
import { openDatabase } from '../src/db/database';
import { ensureDatabase, withDatabaseName } from '../src/db/database-url';
import { EmbeddedPostgres } from '../src/db/embedded-postgres';
import { createRandom } from '../src/db/generate/prng';
import { createAccount, issueToken } from '../src/modules/auth/account.service';
import { GlobalRole, TokenScope } from '../src/modules/auth/auth.enums';
import { createLogger } from '../src/shared/logger';
import { packageRoot } from '../src/shared/package-root';
import { redactText } from '../src/shared/redact';
import {
  assessFindings,
  describeSignals,
  distribution,
  growth,
  meetsQualityTarget,
  OVERLAP_KINDS,
  PRECISION_TARGET,
  RECALL_TARGET,
  RISK_KINDS,
  type Distribution,
  type Finding,
  type Growth,
  type OverlapKindName,
  type Quality,
  type TruthPair,
} from './overlap-quality';

/**
 * Overlap benchmark (`npm run bench:overlaps`, issue 8 "Scale and freshness"). For each scale, in a
 * fresh database on DATABASE_URL's server or an embedded PostgreSQL: generate N synthetic projects
 * with planted overlaps, recompute every finding through the CLI (wall time, peak RSS), start the
 * server and time `project.overlaps(first: 20)` as an analyst, time commit → rescored after
 * updates through the API, and score the findings against the generator's ground truth.
 * The commands run as child processes, as in production, so their time and memory are their own.
 */

const CLI = path.join(packageRoot, 'dist', 'src', 'cli', 'silta.js');
const PEAK_RSS_PRELOAD = path.join(__dirname, 'peak-rss.js');
const WARM_UP_QUERIES = 20;
const POLL_MS = 5;
const RESCORE_TIMEOUT_MS = 10_000;
const QUEUE_DRAIN_TIMEOUT_MS = 120_000;

const TARGETS = { queryP95Ms: 50, rescoreMs: 1000, peakRssMb: 500 };

interface Options {
  scales: number[];
  seed: number;
  queries: number;
  updates: number;
  json: boolean;
  keep: boolean;
}

interface ScaleResult {
  projects: number;
  organisations: number;
  database: string;
  generate: { migrateMs: number; ms: number; counts: Record<string, number>; planted: number; hardNegatives: number };
  recompute: { ms: number; peakRssMb: number | null; reported: Record<string, unknown>; byKind: Record<string, number>; findings: number; queuedAfter: number };
  /** Null when the server has no `Project.overlaps` field yet. */
  queries: (Distribution & { meanEdges: number }) | null;
  incremental: Distribution & { timedOut: number };
  serverPeakRssMb: number | null;
  quality: Quality;
}

interface Report {
  seed: number;
  node: string;
  cores: number;
  database: 'embedded' | 'DATABASE_URL';
  scales: ScaleResult[];
  growth: Growth[];
}

function log(message: string): void {
  process.stderr.write(`[bench:overlaps ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function positive(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('Expected a whole number of at least 1.');
  return value;
}

function scaleList(raw: string): number[] {
  const scales = raw.split(',').map((part) => positive(part.trim()));
  if (scales.some((n) => n < 100)) throw new InvalidArgumentError('Each scale needs at least 100 projects, or there are too few planted pairs to measure.');
  return scales;
}

function parseOptions(): Options {
  const program = new Command('bench:overlaps')
    .description('Overlap benchmark: recompute time and memory, project.overlaps latency, incremental rescoring, precision and recall on planted overlaps')
    .option('--scales <list>', 'comma-separated project counts, one fresh database each', scaleList, [10_000, 100_000])
    .option('--seed <n>', "the generator's seed (and the choice of queried and updated projects)", positive, 1)
    .option('--queries <n>', 'project.overlaps queries to time per scale', positive, 300)
    .option('--updates <n>', 'project updates whose rescoring to time per scale', positive, 20)
    .option('--json', 'print the results as one JSON document')
    .option('--keep', 'keep the databases (and the embedded PostgreSQL folder) afterwards')
    .parse(process.argv);
  const options = program.opts<{ scales: number[]; seed: number; queries: number; updates: number; json?: boolean; keep?: boolean }>();
  return { ...options, json: options.json ?? false, keep: options.keep ?? false };
}

interface ChildResult {
  stdout: string;
  ms: number;
  peakRssMb: number | null;
}

/** Runs the compiled `silta` command as a child; wall time from spawn to exit, peak RSS read from the preload's file. */
async function runCli(args: string[], env: NodeJS.ProcessEnv, workDir: string): Promise<ChildResult> {
  const rssFile = path.join(workDir, `rss-${process.hrtime.bigint()}`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--require', PEAK_RSS_PRELOAD, CLI, ...args], {
    cwd: packageRoot,
    env: { ...env, SILTA_BENCH_PEAK_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`silta ${args.join(' ')} exited with ${code}:\n${redactText((stderr || stdout).slice(-4000))}`);
  const peakKb = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'));
  return { stdout, ms, peakRssMb: Number.isFinite(peakKb) ? Math.round(peakKb / 1024) : null };
}

/** The last line of a command's output that parses as a JSON object. */
function lastJsonLine(stdout: string): Record<string, unknown> {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>;
    } catch {
      // not the JSON line
    }
  }
  throw new Error(`no JSON in the output:\n${stdout.slice(-2000)}`);
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

/** `silta start` as a child (not through npm, so its PID is the server's own), ready when /readyz answers 200. */
async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'start'], {
    cwd: packageRoot,
    // One client sends everything: lift the per-client budget, an abuse limit, not what this measures.
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', RATE_LIMIT_LEAK_PER_SECOND: '1000000000' },
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
    const ready = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
    if (ready) break;
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

/** Peak RSS of a running process (Linux's VmHWM), or null where /proc is not there. */
async function peakRssOf(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface GraphQLBody {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

function graphql(server: Server, token: string) {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as GraphQLBody;
    if (body.errors?.length || !body.data) throw new Error(`GraphQL errors (HTTP ${response.status}): ${JSON.stringify(body.errors)}`);
    return body.data as T;
  };
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Waits until the rescoring queue is empty (null when it is not within the timeout). */
async function drainQueue(client: Client, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  for (;;) {
    const { rows } = await client.query<{ n: string }>('select count(*) as n from overlap_dirty');
    if (Number(rows[0].n) === 0) return performance.now() - started;
    if (performance.now() - started > timeoutMs) return null;
    await sleep(100);
  }
}

/** An analyst (reads every finding) and an admin (may change any project), with a token each. */
async function issueTokens(ownerUrl: string): Promise<{ analyst: string; admin: string }> {
  const logger = createLogger('warn');
  const db = await openDatabase({ ...loadConfig(), databaseUrl: ownerUrl, dbPoolMax: 2 }, logger);
  try {
    const em = db.orm.em.fork();
    const analyst = await createAccount(em, { name: 'Overlap benchmark analyst', globalRoles: [GlobalRole.ANALYST] });
    const admin = await createAccount(em, { name: 'Overlap benchmark admin', globalRoles: [GlobalRole.ADMIN] });
    return {
      analyst: (await issueToken(em, analyst.id, { name: 'bench:overlaps', scope: TokenScope.READ_ONLY, validDays: 1 })).token,
      admin: (await issueToken(em, admin.id, { name: 'bench:overlaps', scope: TokenScope.READ_WRITE, validDays: 1 })).token,
    };
  } finally {
    await db.close();
  }
}

async function readFindings(client: Client, truth: readonly TruthPair[]): Promise<Finding[]> {
  const codes = [...new Set(truth.flatMap((pair) => pair.projects))];
  const { rows: ids } = await client.query<{ id: number }>('select id from project where code = any($1::text[])', [codes]);
  const { rows } = await client.query<{ a: string; b: string; kind: string; score: number; signals: unknown }>(
    `select a.code as a, b.code as b, o.kind, o.score, o.signals
     from overlap o join project a on a.id = o.project_a_id join project b on b.id = o.project_b_id
     where o.project_a_id = any($1::int[]) or o.project_b_id = any($1::int[])`,
    [ids.map((row) => row.id)],
  );
  return rows.map((row) => ({ codes: [row.a, row.b], kind: row.kind, score: row.score, signals: row.signals }));
}

const OVERLAPS_QUERY = 'query($code: String!) { project(code: $code) { overlaps(first: 20) { edges { node { kind score } } } } }';

/** Sequential project.overlaps(first: 20) over random projects: half from planted pairs, half background. */
async function timeQueries(
  ask: ReturnType<typeof graphql>,
  owner: Client,
  truth: readonly TruthPair[],
  options: Options,
): Promise<(Distribution & { meanEdges: number }) | null> {
  const fields = await ask<{ __type: { fields: { name: string }[] } | null }>('{ __type(name: "Project") { fields { name } } }');
  if (!fields.__type?.fields.some((field) => field.name === 'overlaps')) {
    log('the schema has no Project.overlaps yet: query latency skipped');
    return null;
  }
  const random = createRandom(options.seed).fork('queries');
  const plantedCodes = truth.filter((pair) => pair.planted).flatMap((pair) => pair.projects);
  const truthCodes = new Set(truth.flatMap((pair) => pair.projects));
  const { rows } = await owner.query<{ code: string }>("select code from project where code like 'GEN-%' order by code");
  const background = rows.map((row) => row.code).filter((code) => !truthCodes.has(code));
  const half = Math.ceil(options.queries / 2);
  const chosen = random.shuffle([
    ...Array.from({ length: half }, () => random.pick(plantedCodes)),
    ...Array.from({ length: options.queries - half }, () => random.pick(background)),
  ]);
  for (let i = 0; i < WARM_UP_QUERIES; i++) await ask(OVERLAPS_QUERY, { code: random.pick(background) });
  const times: number[] = [];
  let edges = 0;
  for (const code of chosen) {
    const started = performance.now();
    const data = await ask<{ project: { overlaps: { edges: unknown[] } } | null }>(OVERLAPS_QUERY, { code });
    times.push(performance.now() - started);
    if (!data.project) throw new Error(`project ${code} not found`);
    edges += data.project.overlaps.edges.length;
  }
  return { ...distribution(times), meanEdges: edges / chosen.length };
}

/**
 * Commit → rescored after updating a planted project's summary through the API. The commit is when
 * PostgreSQL delivers the trigger's NOTIFY silta_overlaps (sent at commit) or the mutation answers,
 * whichever is first; rescored is the first poll after it (every 5 ms, another connection) that
 * finds the project's overlap_dirty row gone.
 */
async function timeRescoring(
  ask: ReturnType<typeof graphql>,
  ownerUrl: string,
  truth: readonly TruthPair[],
  options: Options,
): Promise<Distribution & { timedOut: number }> {
  const random = createRandom(options.seed).fork('updates');
  const candidates = truth.filter((pair) => pair.planted && (RISK_KINDS as readonly string[]).includes(pair.kind)).map((pair) => pair.projects[random.int(0, 1)]);
  const chosen = random.sample(candidates, options.updates);
  const listener = new Client({ connectionString: ownerUrl });
  const poller = new Client({ connectionString: ownerUrl });
  await listener.connect();
  await poller.connect();
  let committedAt: number | undefined;
  let waiting = false;
  listener.on('notification', () => {
    if (waiting && committedAt === undefined) committedAt = performance.now();
  });
  await listener.query('listen silta_overlaps');
  const latencies: number[] = [];
  let timedOut = 0;
  try {
    for (const [i, code] of chosen.entries()) {
      const { rows } = await poller.query<{ id: number }>('select id from project where code = $1', [code]);
      const projectId = rows[0].id;
      // Nothing else may be queued, or the worker's time would go to other projects first.
      if ((await drainQueue(poller, i === 0 ? QUEUE_DRAIN_TIMEOUT_MS : RESCORE_TIMEOUT_MS)) === null) {
        log(`the rescoring queue did not empty (is the server's overlap worker running?): ${chosen.length - i} updates not timed`);
        timedOut += chosen.length - i;
        break;
      }
      const { project } = await ask<{ project: { id: string; summary: string | null } }>('query($code: String!) { project(code: $code) { id summary } }', { code });
      committedAt = undefined;
      waiting = true;
      const answered = ask<{ updateProject: { userErrors: { code: string; message: string }[] } }>(
        'mutation($input: UpdateProjectInput!) { updateProject(input: $input) { project { id } userErrors { code message } } }',
        { input: { id: project.id, summary: `${project.summary ?? ''} Päivitetty ${i + 1}.` } },
      ).then((data) => {
        committedAt ??= performance.now();
        return data;
      });
      let rescoredAt: number | undefined;
      const deadline = performance.now() + RESCORE_TIMEOUT_MS;
      while (rescoredAt === undefined && performance.now() < deadline) {
        const pollStarted = performance.now();
        const { rows: queued } = await poller.query('select 1 from overlap_dirty where project_id = $1', [projectId]);
        if (committedAt !== undefined && pollStarted >= committedAt && queued.length === 0) rescoredAt = performance.now();
        else await sleep(POLL_MS);
      }
      waiting = false;
      const data = await answered;
      if (data.updateProject.userErrors.length) throw new Error(`updateProject ${code}: ${JSON.stringify(data.updateProject.userErrors)}`);
      if (rescoredAt === undefined || committedAt === undefined) timedOut += 1;
      else latencies.push(rescoredAt - committedAt);
    }
  } finally {
    await listener.end();
    await poller.end();
  }
  return { ...distribution(latencies), timedOut };
}

async function runScale(serverUrl: string, n: number, options: Options, workDir: string): Promise<ScaleResult> {
  const organisations = Math.max(40, Math.round(n / 5));
  const database = `silta_bench_overlaps_${process.pid}_${n}`;
  const logger = createLogger('warn');
  await ensureDatabase(serverUrl, database, logger);
  const ownerUrl = withDatabaseName(serverUrl, database);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: ownerUrl, LOG_LEVEL: 'warn', SILTA_SEED: 'none' };
  delete env.DATABASE_APP_URL; // the server provisions this database's own serving role
  const truthFile = path.join(workDir, `truth-${n}.json`);
  const owner = new Client({ connectionString: ownerUrl });
  await owner.connect();
  let server: Server | undefined;
  try {
    log(`${n} projects: migrating and generating (${organisations} organisations, seed ${options.seed})`);
    const migrated = await runCli(['migrate'], env, workDir);
    const generated = await runCli(
      ['generate', '--projects', String(n), '--organisations', String(organisations), '--seed', String(options.seed), '--truth', truthFile, '--json'],
      env,
      workDir,
    );
    const summary = lastJsonLine(generated.stdout) as { counts: Record<string, number>; planted: number; hardNegatives: number };
    const truth = (JSON.parse(await readFile(truthFile, 'utf8')) as { pairs: TruthPair[] }).pairs;

    log(`${n} projects: full recompute`);
    const recomputed = await runCli(['overlaps', 'recompute', '--json'], env, workDir);
    const reported = lastJsonLine(recomputed.stdout);

    const { rows: kinds } = await owner.query<{ kind: string; n: string }>('select kind, count(*) as n from overlap group by kind');
    const byKind = Object.fromEntries(OVERLAP_KINDS.map((kind) => [kind, Number(kinds.find((row) => row.kind === kind)?.n ?? 0)]));
    const { rows: queue } = await owner.query<{ n: string }>('select count(*) as n from overlap_dirty');
    const quality = assessFindings(truth, await readFindings(owner, truth));

    log(`${n} projects: starting the server`);
    await owner.query('analyze');
    const tokens = await issueTokens(ownerUrl);
    server = await startServer(env);
    if ((await drainQueue(owner, QUEUE_DRAIN_TIMEOUT_MS)) === null) log('warning: the rescoring queue was not empty after two minutes');
    log(`${n} projects: ${options.queries} project.overlaps queries`);
    const queries = await timeQueries(graphql(server, tokens.analyst), owner, truth, options);
    log(`${n} projects: ${options.updates} updates`);
    const incremental = await timeRescoring(graphql(server, tokens.admin), ownerUrl, truth, options);
    const serverPeakRssMb = await peakRssOf(server.process.pid);

    return {
      projects: n,
      organisations,
      database,
      generate: { migrateMs: migrated.ms, ms: generated.ms, counts: summary.counts, planted: summary.planted, hardNegatives: summary.hardNegatives },
      recompute: {
        ms: recomputed.ms,
        peakRssMb: recomputed.peakRssMb,
        reported,
        byKind,
        findings: Object.values(byKind).reduce((sum, count) => sum + count, 0),
        queuedAfter: Number(queue[0].n),
      },
      queries,
      incremental,
      serverPeakRssMb,
      quality,
    };
  } finally {
    await server?.stop();
    await owner.end();
    if (options.keep) {
      log(`kept database ${database}`);
    } else {
      await withClient(serverUrl, (client) => client.query(`drop database if exists "${database}" with (force)`));
      await dropAppRole(serverUrl, database);
    }
  }
}

function fixed(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

function passOrMiss(ok: boolean | null): string {
  return ok === null ? 'n/a' : ok ? 'PASS' : 'MISS';
}

function printHuman(report: Report): void {
  const out = (line = ''): void => console.log(line);
  out(`Silta overlap benchmark: seed ${report.seed}, Node ${report.node}, ${report.cores} cores, PostgreSQL ${report.database === 'embedded' ? 'embedded' : 'via DATABASE_URL'}`);
  out();
  out('| projects | organisations | generate s | full recompute s | recompute peak RSS MB | candidate pairs | findings | overlaps(first: 20) p50 / p95 / max ms | commit → rescored p50 / p95 / max ms | server peak RSS MB |');
  out('|---|---|---|---|---|---|---|---|---|---|');
  for (const scale of report.scales) {
    const q = scale.queries;
    const inc = scale.incremental;
    out(
      `| ${scale.projects} | ${scale.organisations} | ${fixed(scale.generate.ms / 1000)} | ${fixed(scale.recompute.ms / 1000)} | ${scale.recompute.peakRssMb ?? '–'} | ` +
        `${String(scale.recompute.reported.candidatePairs ?? '–')} | ${scale.recompute.findings} | ` +
        `${q ? `${fixed(q.p50)} / ${fixed(q.p95)} / ${fixed(q.max)}` : 'no API yet'} | ` +
        `${fixed(inc.p50, 0)} / ${fixed(inc.p95, 0)} / ${fixed(inc.max, 0)}${inc.timedOut ? ` (${inc.timedOut} of ${inc.n + inc.timedOut} not rescored in ${RESCORE_TIMEOUT_MS / 1000} s)` : ''} | ${scale.serverPeakRssMb ?? '–'} |`,
    );
  }
  out();
  out(`Findings by kind: | projects | ${OVERLAP_KINDS.join(' | ')} |`);
  for (const scale of report.scales) out(`| ${scale.projects} | ${OVERLAP_KINDS.map((kind) => scale.recompute.byKind[kind]).join(' | ')} |`);
  for (const [i, growthRow] of report.growth.entries()) {
    // Candidate pairs are what the recompute scores: their growth usually explains the time's.
    const [before, after] = [report.scales[i], report.scales[i + 1]].map((scale) => Number(scale.recompute.reported.candidatePairs));
    const candidates = before > 0 && after > 0 ? `; candidate pairs ×${fixed(after / before, 1)}` : '';
    out();
    out(
      `Full recompute ${growthRow.from} → ${growthRow.to} projects: ×${fixed(growthRow.factor, 2)} (linear ×${fixed(growthRow.linear, 0)}, quadratic ×${fixed(growthRow.quadratic, 0)}; time ∝ n^${fixed(growthRow.exponent, 2)}${candidates})`,
    );
  }
  for (const scale of report.scales) {
    out();
    out(`Quality at ${scale.projects} projects (${scale.generate.planted} planted pairs, ${scale.generate.hardNegatives} hard negatives; precision judged on findings that involve a project the truth names)`);
    out('| kind | planted pairs | found as that kind | recall | findings on truth projects | right | precision | findings between two truth projects | precision there |');
    out('|---|---|---|---|---|---|---|---|---|');
    for (const kind of scale.quality.byKind) {
      out(
        `| ${kind.kind} | ${kind.truthPairs} | ${kind.found} | ${fixed(kind.recall, 3)} | ${kind.judged} | ${kind.correct} | ${fixed(kind.precision, 3)} | ` +
          `${kind.judgedWithinTruth} | ${fixed(kind.precisionWithinTruth, 3)} |`,
      );
    }
    for (const kind of scale.quality.byKind.filter((entry) => RISK_KINDS.includes(entry.kind as OverlapKindName))) {
      const { right, wrong } = kind.textSimilarity;
      out(
        `${kind.kind}: ${kind.judged - kind.correct} wrong calls (${kind.judgedWithinTruth - kind.correctWithinTruth} between two truth projects); ` +
          `TEXT_SIMILARITY p50 ${fixed(right.p50, 2)} over right calls, ${fixed(wrong.p50, 2)} over wrong ones`,
      );
      const roles = Object.entries(kind.wrongByRoles).sort(([, a], [, b]) => b - a).slice(0, 6);
      if (roles.length) out(`  wrong calls by the projects' truth kinds: ${roles.map(([which, count]) => `${which} ${count}`).join('; ')}`);
    }
    out();
    out('| negative pairs (truth kind) | pairs | given a kind they must not have | which |');
    out('|---|---|---|---|');
    for (const negative of scale.quality.hardNegatives) {
      const which = Object.entries(negative.foundKinds).map(([kind, count]) => `${kind} ${count}`).join(', ');
      out(`| ${negative.truthKind} | ${negative.pairs} | ${negative.violated} | ${which || '–'} |`);
    }
    if (scale.quality.misses.length) {
      out();
      out(`Misses (first ${scale.quality.misses.length}):`);
      for (const miss of scale.quality.misses) {
        out(`- ${miss.codes.join(' ↔ ')} planted ${miss.truthKind} [${miss.variations.join('; ')}]: ${miss.foundKind ? `found as ${miss.foundKind} ${fixed(miss.score, 2)}: ${describeSignals(miss.signals)}` : 'no finding'}`);
      }
    }
    if (scale.quality.falsePositives.length) {
      out();
      out(`False positives (first ${scale.quality.falsePositives.length}):`);
      for (const fp of scale.quality.falsePositives) {
        const roles = fp.truthKind ?? `not a truth pair; ${fp.projectKinds.map((kind, i) => `${fp.codes[i]} ${kind ? `of a ${kind} pair` : 'background'}`).join(', ')}`;
        out(`- ${fp.codes.join(' ↔ ')} found as ${fp.kind} ${fixed(fp.score, 2)} (truth: ${roles}): ${describeSignals(fp.signals)}`);
      }
    }
    if (scale.recompute.queuedAfter > 0) out(`\nNote: ${scale.recompute.queuedAfter} projects were still queued for rescoring after the full recompute.`);
  }
  out();
  out(`Targets | ${report.scales.map((scale) => `${scale.projects} projects`).join(' | ')}`);
  out(`|---|${report.scales.map(() => '---|').join('')}`);
  for (const target of targetRows(report.scales)) out(`| ${target.name} | ${target.cells.join(' | ')} |`);
}

interface TargetRow {
  name: string;
  cells: string[];
  results: (boolean | null)[];
}

function targetRows(scales: ScaleResult[]): TargetRow[] {
  const row = (name: string, cell: (scale: ScaleResult) => [string, boolean | null]): TargetRow => {
    const cells = scales.map(cell);
    return { name, cells: cells.map(([value, ok]) => `${value} ${passOrMiss(ok)}`), results: cells.map(([, ok]) => ok) };
  };
  return [
    row(`overlaps(first: 20) p95 < ${TARGETS.queryP95Ms} ms`, (scale) => [
      `${fixed(scale.queries?.p95)} ms`,
      scale.queries?.p95 == null ? null : scale.queries.p95 < TARGETS.queryP95Ms,
    ]),
    row(`commit → rescored p95 < ${TARGETS.rescoreMs} ms`, (scale) => [
      `${fixed(scale.incremental.p95, 0)} ms${scale.incremental.timedOut ? ` (${scale.incremental.timedOut} timed out)` : ''}`,
      scale.incremental.p95 === null ? false : scale.incremental.p95 < TARGETS.rescoreMs && scale.incremental.timedOut === 0,
    ]),
    row(`peak memory < ${TARGETS.peakRssMb} MB (recompute, server)`, (scale) => {
      const peaks = [scale.recompute.peakRssMb, scale.serverPeakRssMb].filter((value): value is number => value !== null);
      return [`${scale.recompute.peakRssMb ?? '–'}, ${scale.serverPeakRssMb ?? '–'} MB`, peaks.length ? Math.max(...peaks) < TARGETS.peakRssMb : null];
    }),
    ...RISK_KINDS.map((kind) =>
      row(`${kind} recall >= ${RECALL_TARGET} at precision >= ${PRECISION_TARGET}`, (scale) => {
        const quality = scale.quality.byKind.find((entry) => entry.kind === kind)!;
        return [`R ${fixed(quality.recall, 3)} P ${fixed(quality.precision, 3)}`, meetsQualityTarget(quality)];
      }),
    ),
  ];
}

async function main(): Promise<void> {
  const options = parseOptions();
  const config = loadConfig();
  const logger = createLogger('warn');
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'silta-bench-overlaps-'));
  await chmod(workDir, 0o755);
  let embedded: EmbeddedPostgres | undefined;
  let serverUrl = config.databaseUrl;
  if (!serverUrl) {
    embedded = new EmbeddedPostgres({ dataDir: path.join(workDir, 'postgres'), logger });
    serverUrl = await embedded.start();
  }
  const scales: ScaleResult[] = [];
  try {
    for (const n of options.scales) scales.push(await runScale(serverUrl, n, options, workDir));
  } finally {
    await embedded?.stop();
    if (options.keep) log(`kept ${workDir} (truth files${embedded ? ', the embedded PostgreSQL folder' : ''})`);
    else await rm(workDir, { recursive: true, force: true });
  }
  const growthRows: Growth[] = [];
  for (let i = 1; i < scales.length; i++) {
    growthRows.push(growth({ n: scales[i - 1].projects, ms: scales[i - 1].recompute.ms }, { n: scales[i].projects, ms: scales[i].recompute.ms }));
  }
  const report: Report = {
    seed: options.seed,
    node: process.version,
    cores: os.cpus().length,
    database: embedded ? 'embedded' : 'DATABASE_URL',
    scales,
    growth: growthRows,
  };
  if (options.json) console.log(JSON.stringify({ ...report, targets: targetRows(scales).map(({ name, cells, results }) => ({ name, cells, results })) }));
  else printHuman(report);
}

main().catch((error: unknown) => {
  console.error(redactText(error instanceof Error ? (error.stack ?? error.message) : String(error)));
  process.exit(1);
});
