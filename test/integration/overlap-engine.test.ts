/**
 * The overlap engine against a real database: the demo's planted overlaps come out with the right
 * kinds and evidence; a committed change (through the API or any other road) is rescored by the
 * worker; a review survives recomputation. Visibility and the GraphQL API: overlaps-api.test.ts.
 */
import { Pool } from 'pg';
import { recomputeAll } from '../../src/modules/overlap/overlap.engine';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

interface FindingRow {
  kind: string;
  a: string;
  b: string;
  score: number;
  review_status: string | null;
  signals: Array<{ kind: string; evidence: string; score: number }>;
}

async function findings(app: TestApp): Promise<FindingRow[]> {
  return app.sql<FindingRow>(
    `select o.kind, a.code as a, b.code as b, o.score, o.review_status, o.signals from overlap o
       join project a on a.id = o.project_a_id join project b on b.id = o.project_b_id order by a.code, b.code`);
}

function pair(rows: FindingRow[], x: string, y: string): FindingRow | undefined {
  return rows.find((row) => (row.a === x && row.b === y) || (row.a === y && row.b === x));
}

async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function recompute(app: TestApp): Promise<void> {
  const ownerUrl = (app.orm.config.get('clientUrl') as string);
  const pool = new Pool({ connectionString: ownerUrl, max: 1 });
  const client = await pool.connect();
  try {
    await recomputeAll(client);
  } finally {
    client.release();
    await pool.end();
  }
}

describe('overlap engine on the demo data', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('demo', {}, { overlapWorker: true });
  });
  afterAll(async () => app?.close());

  it('finds the planted cases (a)–(e) with the right kinds, and no risk from the rejected near miss', async () => {
    const rows = await findings(app);
    expect(pair(rows, 'KAKE-KUO-2018-04', 'LEADER-KAK-2018-03')?.kind).toBe('DOUBLE_FUNDING_RISK'); // (c)
    expect(pair(rows, 'KAKE-KUO-2018-02', 'LEADER-KAK-2018-01')?.kind).toBe('DUPLICATION_RISK'); // (b)
    expect(pair(rows, 'KAKE-KUO-2018-05', 'LEADER-KAK-2018-04')?.kind).toBe('SYNERGY'); // (e)
    expect(pair(rows, 'KAKE-KUO-2018-07', 'LEADER-KAK-2018-05')?.kind).toBe('SYNERGY'); // (e)
    expect(pair(rows, 'KAKE-KUO-2018-03', 'LEADER-KAK-2018-02')?.kind).toBe('SAME_ORGANISATION'); // (a)
    // (d): shared partners on both sides, not risks by themselves.
    expect(pair(rows, 'KAKE-KUO-2018-10', 'LEADER-KAK-2018-01')?.kind).toBe('SHARED_PARTNER');
    expect(pair(rows, 'KAKE-KUO-2016-06', 'LEADER-KAK-2015-03')?.kind).toBe('SHARED_PARTNER');
    // The rejected near miss (Kotipesä ry's LEADER-KAK-2019-06) raises nothing at all.
    expect(rows.filter((row) => row.a === 'LEADER-KAK-2019-06' || row.b === 'LEADER-KAK-2019-06')).toEqual([]);
    // Only the two planted pairs are risks.
    expect(rows.filter((row) => row.kind.endsWith('_RISK')).map((row) => `${row.a}/${row.b}`).sort()).toEqual([
      'KAKE-KUO-2018-02/LEADER-KAK-2018-01',
      'KAKE-KUO-2018-04/LEADER-KAK-2018-03',
    ]);
  });

  it('explains a finding signal by signal', async () => {
    const doubleFunding = pair(await findings(app), 'KAKE-KUO-2018-04', 'LEADER-KAK-2018-03')!;
    const evidence = Object.fromEntries(doubleFunding.signals.map((signal) => [signal.kind, signal.evidence]));
    expect(evidence.SAME_ORGANISATION).toMatch(/^shared organisation Kierrätyspaja Kiertokuu ry \(\d{7}-\d\): lead in KAKE-KUO-2018-04, lead in LEADER-KAK-2018-03$/);
    expect(evidence.PERIOD_OVERLAP).toBe('periods overlap 2018-10-01 – 2020-08-31 (96 % of the shorter)');
    expect(evidence.SAME_AREA).toMatch(/^shared postal area 70780 /);
    expect(evidence.AMOUNT_MATCH).toBe('granted ESR 33 600,00 € in KAKE-KUO-2018-04 and EAFRD 33 600,00 € in LEADER-KAK-2018-03 (0.0 % apart)');
    expect(evidence.TEXT_SIMILARITY).toMatch(/^titles 0\.\d\d similar, texts 0\.[89]\d similar; shared words: .*kierrätysverstas/);
    expect(doubleFunding.score).toBeGreaterThan(0.7);
  });

  it('rescores a project after a change committed through the API', async () => {
    const token = await app.signIn({ admin: true });
    const [{ id, version }] = await app.sql<{ id: number; version: number }>(`select id, version from project where code = 'LEADER-KAK-2018-01'`);
    const update = (summary: string, expectedVersion: number) =>
      app.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { project { version } userErrors { code message } } }`,
        { input: { id: toGlobalId('Project', id), expectedVersion, summary, purpose: summary } }, { token });
    const original = await app.sql<{ summary: string; purpose: string }>('select summary, purpose from project where id = ?', [id]);

    // The Leader youth project now describes other work: (b) is no longer a duplication risk.
    const changed = dataOf(await update('Metsäpolkujen kunnostus ja opastaulut retkeilijöille.', version)) as { updateProject: { project: { version: number } } };
    await eventually(async () => pair(await findings(app), 'KAKE-KUO-2018-02', 'LEADER-KAK-2018-01')?.kind !== 'DUPLICATION_RISK', 'the rescore');
    expect(await app.sql('select * from overlap_dirty')).toEqual([]);

    // And back.
    await app.gql(`mutation($input: UpdateProjectInput!) { updateProject(input: $input) { userErrors { code } } }`,
      { input: { id: toGlobalId('Project', id), expectedVersion: changed.updateProject.project.version, summary: original[0].summary, purpose: original[0].purpose } }, { token });
    await eventually(async () => pair(await findings(app), 'KAKE-KUO-2018-02', 'LEADER-KAK-2018-01')?.kind === 'DUPLICATION_RISK', 'the second rescore');
  });

  it('rescores data that arrived by another road (SQL written by an importer)', async () => {
    // A copy of the Kake recycling workshop, appearing in the sister programme Kake Joensuu.
    await app.sql(`
      with source as (select * from project where code = 'KAKE-KUO-2018-04'),
           target as (select id from programme where code like 'KAKE-JOE%' order by id limit 1),
           inserted as (
             insert into project (code, title, summary, purpose, status, planned_start, planned_end, programme_id)
             select 'IMPORT-JOE-1', title, summary, purpose, 'SUBMITTED', planned_start, planned_end, (select id from target) from source
             returning id)
      insert into participation (project_id, organisation_id, role)
      select (select id from inserted), organisation_id, role from participation where project_id = (select id from source) and role = 'LEAD'`);
    const found = await eventually(async () => pair(await findings(app), 'IMPORT-JOE-1', 'KAKE-KUO-2018-04'), 'the imported project to be scored');
    expect(found.kind).toBe('DOUBLE_FUNDING_RISK');
    // Deleting it takes its findings with it.
    await app.sql(`delete from participation where project_id = (select id from project where code = 'IMPORT-JOE-1')`);
    await app.sql(`delete from project where code = 'IMPORT-JOE-1'`);
    expect((await findings(app)).filter((row) => row.a === 'IMPORT-JOE-1' || row.b === 'IMPORT-JOE-1')).toEqual([]);
  });

  it('keeps a review through a full recompute and through the finding disappearing and coming back', async () => {
    const [{ a, b }] = await app.sql<{ a: number; b: number }>(
      `select project_a_id as a, project_b_id as b from overlap o join project p on p.id = o.project_a_id or p.id = o.project_b_id
        where p.code = 'KAKE-KUO-2018-02' and o.kind = 'DUPLICATION_RISK'`);
    await app.sql(`insert into overlap_review (project_a_id, project_b_id, status, note) values (?, ?, 'DISMISSED', 'Kylän ja kaupungin nuoret eri ryhmiä')`, [a, b]);
    expect(pair(await findings(app), 'KAKE-KUO-2018-02', 'LEADER-KAK-2018-01')?.review_status).toBe('DISMISSED');

    await recompute(app);
    expect(pair(await findings(app), 'KAKE-KUO-2018-02', 'LEADER-KAK-2018-01')?.review_status).toBe('DISMISSED');

    await app.sql('delete from overlap where project_a_id = ? and project_b_id = ?', [a, b]);
    await app.sql(`update project set updated_at = now() where id = ?`, [a]); // any committed change queues it
    const back = await eventually(async () => pair(await findings(app), 'KAKE-KUO-2018-02', 'LEADER-KAK-2018-01'), 'the finding to come back');
    expect(back.review_status).toBe('DISMISSED');
  });
});
