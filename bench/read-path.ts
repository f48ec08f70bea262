import 'reflect-metadata';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { ensureDatabase, withDatabaseName } from '../src/db/database-url';
import { EmbeddedPostgres } from '../src/db/embedded-postgres';
import { prepareDatabase } from '../src/db/prepare';
import { isSessionControl } from '../src/shared/db/session';
import { createLogger } from '../src/shared/logger';

/**
 * Read-path benchmark: typical partner-portal queries over HTTP against the demo data plus a
 * synthetic bulk of projects (BENCH_PROJECTS, default 5000), on the embedded PostgreSQL or
 * DATABASE_URL. Prints SQL statements per request, sequential latency and throughput under load.
 */
const EXTRA_PROJECTS = Number(process.env.BENCH_PROJECTS ?? 5000);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);

const QUERIES: Record<string, { query: string; variables?: Record<string, unknown> }> = {
  'page of 50 projects + lead, programme, totals': {
    query: `{ projects(first: 50, filter: { scheme: KAKE }) { totalCount nodes { code title status
      leadOrganisation { name businessId } programme { code name } fundingTotals { granted paid bySource { source granted } } } } }`,
  },
  'organisation with all its projects': {
    query: `{ organisations(first: 1, orderBy: { field: GRANTED_AMOUNT, direction: DESC }) { nodes { name
      participations(first: 100) { totalCount nodes { role project { code title status programme { code } fundingTotals { granted } } } } } } }`,
  },
  'programme two levels deep': {
    query: `{ programme(code: "KAKE-KUOPIO-2018") { name ceilings { annualAmount sources } decisions { reference }
      territory(first: 100) { nodes { areaType postalArea { postalCode nameFi } } }
      projects(first: 50) { totalCount nodes { code title participations { nodes { role organisation { name } } } fundingLines { nodes { source granted } } } } } }`,
  },
  'search "nuorten kohtaamispaikka"': {
    query: `{ search(query: "nuorten kohtaamispaikka", first: 20) { edges { score node { ... on Project { code title } ... on Organisation { name } ... on Programme { code } } } } }`,
  },
  'nodes(ids:) × 50': { query: '' },
};

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const loaded = loadConfig();
  // One client sends everything here: lift the per-client budget and the per-request timeout, which
  // are abuse limits, not what this measures (the cost check itself stays on).
  const config = { ...loaded, limits: { ...loaded.limits, leakPerSecond: 1_000_000_000, requestTimeoutMs: 0 } };
  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let serverUrl = config.databaseUrl;
  if (!serverUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'silta-bench-'));
    await chmod(dataDir, 0o755);
    embedded = new EmbeddedPostgres({ dataDir, logger });
    serverUrl = await embedded.start();
  }
  const database = `silta_bench_${process.pid}`;
  await ensureDatabase(serverUrl, database, logger);
  const db = await openDatabase({ ...config, databaseUrl: withDatabaseName(serverUrl, database) }, logger);
  try {
    await prepareDatabase(db, { seed: 'demo' }, logger);
    await addSyntheticProjects(db.orm.em.getConnection(), EXTRA_PROJECTS);
    let statements = 0;
    // Served as the unprivileged role (row-level security on), as in production.
    const serving = await db.openServingOrm();
    serving.em.getKnex().on('query', (query: { sql: string }) => {
      if (!isSessionControl(query.sql)) statements += 1;
    });
    const app = await createApp({ orm: serving, config, logger });
    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}/graphql`;
    const post = async (body: unknown): Promise<unknown> => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await response.json()) as { errors?: unknown };
      if (json.errors) throw new Error(JSON.stringify(json.errors));
      return json;
    };
    const ids = ((await post({ query: '{ projects(first: 50, orderBy: { field: START_DATE }) { nodes { id } } }' })) as {
      data: { projects: { nodes: { id: string }[] } };
    }).data.projects.nodes.map((node) => node.id);
    QUERIES['nodes(ids:) × 50'] = {
      query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Project { title programme { code } } } }',
      variables: { ids },
    };

    const [{ count }] = await db.orm.em.getConnection().execute<{ count: string }[]>('select count(*) from project');
    console.log(`Silta read-path benchmark: ${count} projects, ${DURATION_S}s per query at ${CONNECTIONS} connections, Node ${process.version}, ${os.cpus().length} cores`);
    console.log('| query | SQL statements | sequential p50 ms | sequential p95 ms | req/s under load | p99 ms under load |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, body] of Object.entries(QUERIES)) {
      for (let i = 0; i < 20; i++) await post(body); // warm up
      const before = statements;
      await post(body);
      const perRequest = statements - before;
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const started = process.hrtime.bigint();
        await post(body);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      times.sort((a, b) => a - b);
      const load = await autocannon({
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        connections: CONNECTIONS,
        duration: DURATION_S,
      });
      const failed = load.errors + load.non2xx;
      console.log(
        `| ${name} | ${perRequest} | ${times[99].toFixed(1)} | ${times[189].toFixed(1)} | ${Math.round(load.requests.average)}${failed ? ` (${failed} failed)` : ''} | ${load.latency.p99} |`,
      );
    }
    const memory = process.memoryUsage();
    console.log(`\nServer process memory after the run: RSS ${Math.round(memory.rss / 2 ** 20)} MiB, heap used ${Math.round(memory.heapUsed / 2 ** 20)} MiB`);
    await app.stop();
  } finally {
    await db.orm.em.getConnection().execute('select 1');
    await db.close();
    if (embedded) {
      await embedded.stop();
      await rm(dataDir!, { recursive: true, force: true });
    } else {
      const admin = await openDatabase({ ...config, databaseUrl: serverUrl }, logger);
      await admin.orm.em.getConnection().execute(`drop database if exists "${database}" with (force)`);
      await admin.close();
    }
  }
}

/** Bulk projects spread over the real programmes, with leads, locations and funding lines, in SQL. */
async function addSyntheticProjects(connection: { execute: (sql: string, params?: unknown[]) => Promise<unknown> }, n: number): Promise<void> {
  if (n <= 0) return;
  await connection.execute(
    `insert into project (code, title, summary, status, planned_start, planned_end, programme_id)
     select 'BENCH-' || g, 'Synteettinen hanke ' || g || ' nuorten ja kylien yhteisöllisyys', 'Kuormitustestin hanke ' || g,
            (array['ONGOING','COMPLETED','APPROVED','SUBMITTED']::project_status[])[1 + g % 4],
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
  await connection.execute(
    `insert into project_location (project_id, postal_code)
     select p.id, (select postal_code from programme_area a where a.programme_id = p.programme_id order by postal_code offset (p.id % 5) limit 1)
     from project p where p.code like 'BENCH-%' and exists (select 1 from programme_area a where a.programme_id = p.programme_id)`,
  );
  await connection.execute('analyze');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
