import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { ensureDatabase, withDatabaseName } from '../src/db/database-url';
import { prepareDatabase } from '../src/db/prepare';
import { addMembership, createAccount, issueToken } from '../src/modules/auth/account.service';
import { TokenScope } from '../src/modules/auth/auth.enums';
import { isSessionControl } from '../src/shared/db/session';
import { createLogger } from '../src/shared/logger';

/**
 * A private profiling harness for the read path (not the benchmark): serves Silta on DATABASE_URL
 * (database `silta_profile`, prepared once with the demo data plus PROFILE_PROJECTS synthetic
 * projects), prints SQL statements per request for the portal queries, then drives each one with the
 * autocannon CLI in a child process, so that `node --cpu-prof dist/bench/profile-read.js` profiles the
 * server alone. PROFILE_SECONDS (5) and PROFILE_CONNECTIONS (10) set the load; PROFILE_ONLY picks queries.
 */
const PROJECTS = Number(process.env.PROFILE_PROJECTS ?? 5000);
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.PROFILE_CONNECTIONS ?? 10);
const ONLY = process.env.PROFILE_ONLY?.split(',');

const PAGE = `query Page($first: Int!) { projects(first: $first, filter: { scheme: KAKE }) { totalCount nodes { id code title status
  leadOrganisation { name businessId } programme { code name } fundingTotals { planned granted paid bySource { source granted paid } } } } }`;

export const PORTAL_QUERIES: Record<string, { query: string; variables?: Record<string, unknown>; signedIn?: boolean }> = {
  page: { query: PAGE, variables: { first: 50 } },
  organisation: {
    query: `query Org($first: Int!) { organisations(first: 1, orderBy: { field: GRANTED_AMOUNT, direction: DESC }) { nodes { name
      participations(first: $first) { totalCount nodes { role project { code title status programme { code name } } } } } } }`,
    variables: { first: 100 },
  },
  programme: {
    query: `query Prog($first: Int!) { programmes(first: 1, filter: { scheme: KAKE }) { nodes { name
      projects(first: $first, filter: { theme: "COMMUNITY", activeOn: "2016-06-01" }) { totalCount nodes { code title
        participations(first: 10) { nodes { role organisation { name } } } fundingLines(first: 10) { nodes { source granted } } } } } } }`,
    variables: { first: 50 },
  },
  search: { query: '{ search(query: "nuorten kohtaamispaikka", first: 20) { edges { score node { ... on Project { code title } ... on Organisation { name } ... on Programme { code } } } } }' },
  nodes: { query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Project { code title programme { code } } } }' },
  partner: { query: PAGE, variables: { first: 50 }, signedIn: true },
};

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const loaded = loadConfig();
  const config = { ...loaded, limits: { ...loaded.limits, leakPerSecond: 1_000_000_000, requestTimeoutMs: 0 } };
  const serverUrl = config.databaseUrl;
  if (!serverUrl) throw new Error('Set DATABASE_URL to a PostgreSQL server');
  const database = 'silta_profile';
  await ensureDatabase(serverUrl, database, logger);
  const db = await openDatabase({ ...config, databaseUrl: withDatabaseName(serverUrl, database) }, logger);
  const owner = db.orm.em.getConnection();
  const present = await owner.execute<{ n: string }[]>("select count(*) as n from information_schema.tables where table_name = 'project'");
  const seeded = present[0].n !== '0' && (await owner.execute<{ n: string }[]>("select count(*) as n from project where code like 'BENCH-%'"))[0].n !== '0';
  if (!seeded) {
    await prepareDatabase(db, { seed: 'demo' }, logger);
    await addSyntheticProjects(owner, PROJECTS);
  }
  const em = db.orm.em.fork();
  const [lead] = await owner.execute<{ id: number }[]>('select id from organisation order by id limit 1');
  const account = await createAccount(em, { name: 'Profiler', globalRoles: [] });
  await addMembership(em, account.id, lead.id, { verified: true });
  const { token } = await issueToken(em, account.id, { name: 'profile', scope: TokenScope.READ_ONLY });

  let statements = 0;
  const serving = await db.openServingOrm();
  serving.em.getKnex().on('query', (query: { sql: string }) => {
    if (!isSessionControl(query.sql)) statements += 1;
  });
  const app = await createApp({ orm: serving, config, logger });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}/graphql`;
  const headersOf = (signedIn?: boolean): Record<string, string> => ({
    'content-type': 'application/json',
    ...(signedIn ? { authorization: `Bearer ${token}` } : {}),
  });
  const post = async (body: { query: string; variables?: Record<string, unknown> }, signedIn?: boolean): Promise<{ data: unknown }> => {
    const response = await fetch(url, { method: 'POST', headers: headersOf(signedIn), body: JSON.stringify(body) });
    const json = (await response.json()) as { data: unknown; errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    return json;
  };
  const ids = ((await post({ query: '{ projects(first: 50, orderBy: { field: START_DATE }) { nodes { id } } }' })).data as {
    projects: { nodes: { id: string }[] };
  }).projects.nodes.map((node) => node.id);
  PORTAL_QUERIES.nodes.variables = { ids };

  console.log(`NODE_ENV=${process.env.NODE_ENV ?? ''} ${SECONDS}s × ${CONNECTIONS} connections`);
  console.log('| query | statements | response | req/s | p50 ms | p99 ms | server CPU ms/request |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, { signedIn, ...body }] of Object.entries(PORTAL_QUERIES)) {
    if (ONLY && !ONLY.includes(name)) continue;
    for (let i = 0; i < 30; i++) await post(body, signedIn);
    const before = statements;
    const answer = await post(body, signedIn);
    const perRequest = statements - before;
    const size = JSON.stringify(answer.data).length;
    const out = `/tmp/autocannon-${process.pid}.json`;
    await writeFile(`${out}.body`, JSON.stringify(body));
    // PROFILE_CPU=<dir>: a CPU profile of the server under load only (no start-up, no warm-up).
    const session = process.env.PROFILE_CPU ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const cpuBefore = process.cpuUsage();
    const result = await new Promise<string>((resolve, reject) => {
      const args = ['-c', String(CONNECTIONS), '-d', String(SECONDS), '-m', 'POST', '-j', '-i', `${out}.body`];
      for (const [k, v] of Object.entries(headersOf(signedIn))) args.push('-H', `${k}=${v}`);
      const child = spawn('node_modules/.bin/autocannon', [...args, url], { stdio: ['ignore', 'pipe', 'ignore'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`autocannon exited ${code}`))));
    });
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(`${process.env.PROFILE_CPU}/${name}.cpuprofile`, JSON.stringify(profile));
      session.disconnect();
    }
    const cpu = process.cpuUsage(cpuBefore);
    const load = JSON.parse(result) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
    const cpuPerRequest = (cpu.user + cpu.system) / 1000 / Math.max(1, load.requests.total);
    const failed = load.non2xx + load.errors;
    console.log(`| ${name} | ${perRequest} | ${size} B | ${Math.round(load.requests.average)}${failed ? ` (${failed} failed)` : ''} | ${load.latency.p50} | ${load.latency.p99} | ${cpuPerRequest.toFixed(1)} |`);
  }
  console.log(`RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
  await app.stop();
  await serving.close(true);
  await db.close();
}

/** Bulk projects over the real programmes, with leads, partners, themes, locations and funding lines. */
async function addSyntheticProjects(connection: { execute: (sql: string, params?: unknown[]) => Promise<unknown> }, n: number): Promise<void> {
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
    `insert into participation (project_id, organisation_id, role)
     select p.id, (select id from organisation order by id offset ((p.id + 7) % 40) limit 1), 'PARTNER' from project p where p.code like 'BENCH-%'`,
  );
  await connection.execute(
    `insert into project_theme (project_id, theme_id)
     select p.id, t.id from project p join theme t on t.code = (array['COMMUNITY','YOUTH_PARTICIPATION'])[1 + p.id % 2] where p.code like 'BENCH-%'`,
  );
  await connection.execute(
    `insert into funding_line (project_id, source, planned, granted, paid)
     select p.id, s.source, 1000 + p.id % 9000, 900 + p.id % 8000, p.id % 5000
     from project p cross join (values ('ESR'::funding_source), ('STATE'::funding_source), ('MUNICIPAL'::funding_source)) s(source)
     where p.code like 'BENCH-%'`,
  );
  await connection.execute('analyze');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
