import 'reflect-metadata';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createApp, type App } from '../src/app';
import { loadConfig, type Config } from '../src/config';
import { openDatabase } from '../src/db/database';
import { ensureDatabase, withDatabaseName } from '../src/db/database-url';
import { EmbeddedPostgres } from '../src/db/embedded-postgres';
import { prepareDatabase } from '../src/db/prepare';
import { createLogger } from '../src/shared/logger';

/**
 * The response cache on and off (npm run bench:response-cache): the anonymous page of 50 projects
 * with lead, programme and funding totals, against two instances on one database (RESPONSE_CACHE
 * on and off), measured alternately so that the busy machine's noise falls on both. BENCH_PROJECTS
 * (default 5000) synthetic projects on top of the demo data; BENCH_SECONDS per round, BENCH_ROUNDS.
 */
const EXTRA_PROJECTS = Number(process.env.BENCH_PROJECTS ?? 5000);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 10;
const PAGE = {
  query: `{ projects(first: 50, filter: { scheme: KAKE }) { totalCount nodes { code title status
    leadOrganisation { name businessId } programme { code name } fundingTotals { granted paid bySource { source granted } } } } }`,
};

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const loaded = loadConfig();
  // One client sends everything: its budget must not run dry (the charge itself still happens).
  const base: Config = { ...loaded, limits: { ...loaded.limits, leakPerSecond: 1_000_000_000, requestTimeoutMs: 0 } };
  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let serverUrl = base.databaseUrl;
  if (!serverUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'silta-bench-cache-'));
    await chmod(dataDir, 0o755);
    embedded = new EmbeddedPostgres({ dataDir, logger });
    serverUrl = await embedded.start();
  }
  const database = `silta_bench_cache_${process.pid}`;
  await ensureDatabase(serverUrl, database, logger);
  const db = await openDatabase({ ...base, databaseUrl: withDatabaseName(serverUrl, database) }, logger);
  const apps: App[] = [];
  try {
    await prepareDatabase(db, { seed: 'demo' }, logger);
    await addProjects(db.orm.em.getConnection(), EXTRA_PROJECTS);
    const urls: Record<'off' | 'on', string> = { off: '', on: '' };
    for (const mode of ['off', 'on'] as const) {
      const serving = await db.openServingOrm();
      const app = await createApp({ orm: serving, config: { ...base, responseCache: { ...base.responseCache, enabled: mode === 'on' } }, logger });
      apps.push(app);
      await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
      urls[mode] = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}/graphql`;
    }
    const bodies = await Promise.all(
      (['off', 'on'] as const).map(async (mode) => {
        const response = await fetch(urls[mode], { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(PAGE) });
        const json = (await response.json()) as { data?: unknown; errors?: unknown };
        if (json.errors || !json.data) throw new Error(JSON.stringify(json.errors));
        return JSON.stringify(json.data);
      }),
    );
    if (bodies[0] !== bodies[1]) throw new Error('the cached and uncached instances answer differently');
    const [{ count }] = await db.orm.em.getConnection().execute<{ count: string }[]>('select count(*) from project');
    console.log(`Response cache: ${count} projects, page of 50 with lead, programme and totals; ${CONNECTIONS} connections, ${DURATION_S} s a round, ${ROUNDS} rounds each, alternating; budget store ${base.limits.store.kind}; Node ${process.version}, ${os.cpus().length} cores`);
    console.log('| round | RESPONSE_CACHE | req/s | p50 ms | p99 ms |');
    console.log('|---|---|---|---|---|');
    const totals = { off: [] as number[], on: [] as number[] };
    const run = (url: string, seconds: number) =>
      autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(PAGE), connections: CONNECTIONS, duration: seconds });
    for (const mode of ['off', 'on'] as const) await run(urls[mode], 1); // warm up
    for (let round = 1; round <= ROUNDS; round++) {
      for (const mode of ['off', 'on'] as const) {
        const result = await run(urls[mode], DURATION_S);
        const failed = result.errors + result.non2xx;
        totals[mode].push(result.requests.average);
        console.log(`| ${round} | ${mode} | ${Math.round(result.requests.average)}${failed ? ` (${failed} failed)` : ''} | ${result.latency.p50} | ${result.latency.p99} |`);
      }
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    console.log(`\ncached / uncached throughput: ${(mean(totals.on) / mean(totals.off)).toFixed(1)}×`);
  } finally {
    for (const app of apps) await app.stop();
    await db.close();
    if (embedded) {
      await embedded.stop();
      await rm(dataDir!, { recursive: true, force: true });
    } else {
      const admin = await openDatabase({ ...base, databaseUrl: serverUrl }, logger);
      await admin.orm.em.getConnection().execute(`drop database if exists "${database}" with (force)`);
      await admin.close();
    }
  }
}

/** Bulk projects over the real programmes, each with a lead and three funding lines, in SQL. */
async function addProjects(connection: { execute: (sql: string, params?: unknown[]) => Promise<unknown> }, n: number): Promise<void> {
  if (n <= 0) return;
  await connection.execute(
    `insert into project (code, title, status, planned_start, planned_end, programme_id)
     select 'BENCH-' || g, 'Synteettinen hanke ' || g, (array['ONGOING','COMPLETED','APPROVED']::project_status[])[1 + g % 3],
            date '2015-01-01' + (g % 1500), date '2015-01-01' + (g % 1500) + 500,
            (select id from programme where scheme <> 'OTHER' order by id offset (g % 6) limit 1)
     from generate_series(1, ?) g`,
    [n],
  );
  await connection.execute(
    `insert into participation (project_id, organisation_id, role)
     select p.id, (select id from organisation order by id offset (p.id % 40) limit 1), 'LEAD' from project p where p.code like 'BENCH-%'`,
  );
  await connection.execute(
    `insert into funding_line (project_id, source, planned, granted, paid)
     select p.id, s.source, 1000 + p.id % 9000, 900 + p.id % 8000, p.id % 5000
     from project p cross join (values ('ESR'::funding_source), ('STATE'::funding_source), ('MUNICIPAL'::funding_source)) s(source)
     where p.code like 'BENCH-%'`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
