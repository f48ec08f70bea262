import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IsolationLevel } from '@mikro-orm/core';
import { withDatabaseName } from '../../src/db/database-url';
import { exportSiltaJson } from '../../src/modules/exchange/export.service';
import { importFile, type ImportReport, type ImportRequest } from '../../src/modules/exchange/import.service';
import { packageRoot } from '../../src/shared/package-root';
import { testEnv } from '../support/environment';
import { importFixture, importRequest } from '../support/import';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * `silta import`, `silta export json` and the importProjects mutation against a real PostgreSQL:
 * exact reports, the database afterwards, the audit trail and the activity log. Every test that
 * writes gets a database of its own (cloned from the empty or demo template).
 */
const fixture = importFixture;
const request = importRequest;

function importInto(app: TestApp, file: string, options: Partial<ImportRequest> = {}): Promise<ImportReport> {
  return importFile(app.orm.em.fork(), request(file, options));
}

async function count(app: TestApp, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const [row] = await app.sql<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params);
  return row.n;
}

async function exportJson(app: TestApp): Promise<string> {
  const chunks: string[] = [];
  await app.orm.em.fork().transactional(
    async (em) => {
      for await (const chunk of exportSiltaJson(em)) chunks.push(chunk);
    },
    { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
  );
  return chunks.join('');
}

/** Tables an import writes, with the trail it leaves. */
const TABLES = ['organisation', 'contact_person', 'external_id', 'programme', 'programme_area', 'programme_funder', 'programme_objective', 'programme_ceiling', 'programme_decision', 'project', 'project_theme', 'project_target_group', 'project_location', 'participation', 'funding_line', 'audit_event', 'activity_event'];

async function snapshot(app: TestApp): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(TABLES.map(async (table) => [table, await count(app, table)] as const)));
}

const zero = { created: 0, updated: 0, unchanged: 0, invalid: 0 };

describe('silta import (Silta JSON)', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp('empty');
  });
  afterEach(() => app.close());

  it('imports a good file: exact counts, the graph in the database, the audit trail, the activity log and the import record', async () => {
    const report = await importInto(app, fixture('good.json'));
    expect(report.problems).toEqual([]);
    expect(report.counts).toEqual({
      organisation: { ...zero, created: 2 },
      programme: { ...zero, created: 1 },
      project: { ...zero, created: 2 },
    });
    expect(report.committed).toBe(true);
    expect(report.fileHash).toMatch(/^[0-9a-f]{64}$/);

    const [project] = await app.sql<Record<string, unknown>>(
      `select p.title, p.status, p.eura_code, p.planned_start::text, p.planned_end::text, g.code as programme, parent.code as parent
         from project p join programme g on g.id = p.programme_id left join project parent on parent.id = p.parent_id where p.code = 'IMP-P-2'`,
    );
    expect(project).toEqual({ title: 'Tuvan pilotti', status: 'APPROVED', eura_code: null, planned_start: null, planned_end: null, programme: 'IMP-KAKE-2024', parent: 'IMP-P-1' });
    expect(await app.sql(`select t.code from project_theme pt join theme t on t.id = pt.theme_id join project p on p.id = pt.project_id where p.code = 'IMP-P-1' order by t.code`)).toEqual([
      { code: 'COMMUNITY' },
      { code: 'CULTURE' },
    ]);
    expect(await app.sql(`select source, planned::text, granted::text, paid::text, decision_date::text from funding_line f join project p on p.id = f.project_id where p.code = 'IMP-P-1'`)).toEqual([
      { source: 'ESR', planned: '50000.00', granted: '40000.50', paid: '0.00', decision_date: '2024-02-15' },
    ]);
    expect(await app.sql(`select o.business_id, pa.role, pa.budget_share::text from participation pa join organisation o on o.id = pa.organisation_id join project p on p.id = pa.project_id where p.code = 'IMP-P-2'`)).toEqual([
      { business_id: '1683672-6', role: 'LEAD', budget_share: '1200.00' },
    ]);
    expect(await app.sql(`select o.business_id from programme p join organisation o on o.id = p.administering_organisation_id where p.code = 'IMP-KAKE-2024'`)).toEqual([{ business_id: '1411893-1' }]);
    expect(await count(app, 'programme_area')).toBe(2);

    const audit = await app.sql<{ entity_type: string; action: string; account_name: string }>(
      `select entity_type, action, account_name from audit_event where operation = 'import' and entity_type in ('Project', 'Organisation', 'Programme') order by entity_type, id`,
    );
    expect(audit).toEqual([
      { entity_type: 'Organisation', action: 'CREATE', account_name: 'silta import (test)' },
      { entity_type: 'Organisation', action: 'CREATE', account_name: 'silta import (test)' },
      { entity_type: 'Programme', action: 'CREATE', account_name: 'silta import (test)' },
      { entity_type: 'Project', action: 'CREATE', account_name: 'silta import (test)' },
      { entity_type: 'Project', action: 'CREATE', account_name: 'silta import (test)' },
      // The pilot's umbrella is set once the batch's projects have their keys.
      { entity_type: 'Project', action: 'UPDATE', account_name: 'silta import (test)' },
    ]);
    // The triggers put imported projects in the activity log, where subscribers and webhooks read them.
    const events = await app.sql<{ type: string }>(`select a.type from activity_event a join project p on p.id = a.project_id where p.code = 'IMP-P-1' order by a.id`);
    expect(events.map((event) => event.type)).toContain('PROJECT_CREATED');
    expect(await app.sql(`select file_name, format, actor_name, dry_run, committed, problem_count from import_run`)).toEqual([
      { file_name: 'good.json', format: 'silta-json', actor_name: 'silta import (test)', dry_run: false, committed: true, problem_count: 0 },
    ]);
  });

  it('imports the same file twice: the second time 0 created, 0 updated, and neither the audit trail nor the activity log grows', async () => {
    await importInto(app, fixture('good.json'));
    const before = await snapshot(app);
    const second = await importInto(app, fixture('good.json'));
    expect(second.counts).toEqual({
      organisation: { ...zero, unchanged: 2 },
      programme: { ...zero, unchanged: 1 },
      project: { ...zero, unchanged: 2 },
    });
    expect(second.problems).toEqual([]);
    expect(await snapshot(app)).toEqual(before);
    expect(await count(app, 'import_run')).toBe(2);
  });

  it('changes only what differs on a second import, and says so', async () => {
    await importInto(app, fixture('good.json'));
    const dir = mkdtempSync(path.join(tmpdir(), 'silta-import-'));
    const changed = readFileSync(fixture('good.json'), 'utf8').replace('"title": "Nuorten tupa"', '"title": "Nuorten tupa (laajennettu)"');
    writeFileSync(path.join(dir, 'changed.json'), changed);
    const auditBefore = await count(app, 'audit_event');
    const report = await importInto(app, path.join(dir, 'changed.json'));
    expect(report.counts.project).toEqual({ ...zero, updated: 1, unchanged: 1 });
    expect(await count(app, 'audit_event') - auditBefore).toBe(1);
    const [audit] = await app.sql<{ changes: unknown }>(`select changes from audit_event where entity_type = 'Project' and action = 'UPDATE' order by id desc limit 1`);
    expect(audit.changes).toEqual({ title: { before: 'Nuorten tupa', after: 'Nuorten tupa (laajennettu)' } });
  });

  it('audits every row a second import changes: an organisation, its replaced contact people, a programme part, a removed participation', async () => {
    await importInto(app, fixture('good.json'));
    const dir = mkdtempSync(path.join(tmpdir(), 'silta-import-'));
    const file = JSON.parse(readFileSync(fixture('good.json'), 'utf8')) as {
      organisations: Array<Record<string, unknown>>;
      programmes: Array<{ objectives: Array<Record<string, unknown>> }>;
      projects: Array<{ participations: unknown[] }>;
    };
    file.organisations[1].description = 'Nuorisoseura Tuontilassa';
    file.organisations[1].contactPeople = [];
    file.programmes[0].objectives[0].title = 'Osallisuus';
    file.projects[0].participations = file.projects[0].participations.slice(0, 1);
    writeFileSync(path.join(dir, 'second.json'), JSON.stringify(file));
    const [{ last }] = await app.sql<{ last: string }>('select max(id)::text as last from audit_event');
    const report = await importInto(app, path.join(dir, 'second.json'));
    expect(report.counts).toEqual({ organisation: { ...zero, updated: 1, unchanged: 1 }, programme: { ...zero, updated: 1 }, project: { ...zero, updated: 1, unchanged: 1 } });
    const rows = await app.sql<{ entity_type: string; action: string; changes: Record<string, { before: unknown; after: unknown }> }>(
      'select entity_type, action, changes from audit_event where id > ? order by entity_type',
      [last],
    );
    expect(rows.map(({ entity_type, action }) => `${entity_type} ${action}`)).toEqual(['ContactPerson DELETE', 'Organisation UPDATE', 'Participation DELETE', 'ProgrammeObjective UPDATE']);
    expect(rows[1].changes).toEqual({ description: { before: null, after: 'Nuorisoseura Tuontilassa' } });
    expect(rows[0].changes).toMatchObject({ name: { before: 'Aino Tuoja', after: null }, email: { before: 'aino@example.fi', after: null } });
    expect(rows[3].changes).toEqual({ title: { before: 'Osallisuuden lisääminen', after: 'Osallisuus' } });
    expect(rows[2].changes).toMatchObject({ role: { before: 'FUNDER', after: null }, version: { before: 1, after: null } });
  });

  it('refuses a file with bad rows as a whole: every problem reported with line and JSON path, nothing written', async () => {
    await importInto(app, fixture('good.json'));
    const before = await snapshot(app);
    const report = await importInto(app, fixture('bad.json'));
    expect(report.committed).toBe(false);
    expect(report.problems).toEqual([
      { file: 'bad.json', line: 7, column: 'projects[3].status', message: 'Expected one of DRAFT, SUBMITTED, APPROVED, REJECTED, ONGOING, COMPLETED, CANCELLED' },
      { file: 'bad.json', line: 4, column: 'projects[1].plannedEnd', message: 'plannedEnd ends (2024-12-31) before it starts (2025-01-01)' },
      { file: 'bad.json', line: 6, column: 'projects[2].postalCodes[1]', message: 'Unknown postal code "00001"' },
    ]);
    expect(report.counts.project).toEqual({ ...zero, created: 1, invalid: 3 });
    expect(await snapshot(app)).toEqual(before);
    expect(await count(app, 'project', "code like 'IMP-BAD%'")).toBe(0);
    expect(await app.sql(`select committed, problem_count from import_run order by id desc limit 1`)).toEqual([{ committed: false, problem_count: 3 }]);
  });

  it('writes the valid rows of a bad file with skipInvalid and reports the rest', async () => {
    await importInto(app, fixture('good.json'));
    const report = await importInto(app, fixture('bad.json'), { skipInvalid: true });
    expect(report.committed).toBe(true);
    expect(report.problemCount).toBe(3);
    expect(report.counts.project).toEqual({ ...zero, created: 1, invalid: 3 });
    expect(await app.sql(`select code from project where code like 'IMP-BAD%'`)).toEqual([{ code: 'IMP-BAD-OK' }]);
  });

  it('reports what a dry run would change and writes nothing', async () => {
    const before = await snapshot(app);
    const report = await importInto(app, fixture('good.json'), { dryRun: true });
    expect(report.counts.project).toEqual({ ...zero, created: 2 });
    expect(report.counts.organisation).toEqual({ ...zero, created: 2 });
    expect(report.committed).toBe(false);
    expect(await snapshot(app)).toEqual(before);
    expect(await app.sql('select dry_run, committed from import_run')).toEqual([{ dry_run: true, committed: false }]);
  });

  it('refuses a project code twice in one file, and reports a near-duplicate organisation name without an ID for a person to decide', async () => {
    await importInto(app, fixture('good.json'));
    const report = await importInto(app, fixture('duplicated.json'), { skipInvalid: true });
    expect(report.problems).toEqual([{ file: 'duplicated.json', line: 7, column: 'projects[1].code', message: 'IMP-DUP-1 appears twice in the file (first on line 6)' }]);
    expect(report.nearDuplicates).toEqual([{ file: 'duplicated.json', line: 3, name: 'Tuontilan Nuorisoseura', similarName: 'Tuontilan Nuorisoseura ry', similarBusinessId: '1683672-6' }]);
    expect(await app.sql(`select title from project where code = 'IMP-DUP-1'`)).toEqual([{ title: 'Ensimmäinen' }]);
  });
});

describe('the importProjects mutation', () => {
  let app: TestApp;
  let programmeId: number;
  let otherProgrammeId: number;
  const content = (code: string, programme: string): string =>
    JSON.stringify({ format: 'silta/1', projects: [{ code, programmeCode: programme, title: `Projekti ${code}`, status: 'SUBMITTED', postalCodes: ['70100'] }] });
  const MUTATION = `mutation($input: ImportProjectsInput!) { importProjects(input: $input) {
    report { fileName committed dryRun problemCount counts { projects { created updated unchanged invalid } } problems { file line column message } }
    userErrors { field code message } } }`;

  beforeAll(async () => {
    app = await startTestApp('empty', { importMaxBytes: 4096 });
    await importInto(app, fixture('good.json'));
    const [row] = await app.sql<{ id: number }>(`select id from programme where code = 'IMP-KAKE-2024'`);
    programmeId = row.id;
    await app.sql(`insert into programme (code, name, scheme, period_start, period_end) values ('IMP-LEADER-2024', 'Toinen', 'LEADER', '2024-01-01', '2027-12-31')`);
    const [other] = await app.sql<{ id: number }>(`select id from programme where code = 'IMP-LEADER-2024'`);
    otherProgrammeId = other.id;
  });
  afterAll(() => app.close());

  it('imports for the coordinator of the programme, through the audit trail under their name', async () => {
    const token = await app.signIn({ name: 'Kaisa Koordinaattori', coordinatorOf: [programmeId] });
    const response = await app.gql(MUTATION, { input: { content: content('IMP-M-1', 'IMP-KAKE-2024'), fileName: 'oma.json' } }, { token });
    expect(dataOf(response).importProjects).toEqual({
      report: { fileName: 'oma.json', committed: true, dryRun: false, problemCount: 0, counts: { projects: { ...zero, created: 1 } }, problems: [] },
      userErrors: [],
    });
    expect(await app.sql(`select account_name, operation from audit_event where entity_type = 'Project' and entity_id = (select id::text from project where code = 'IMP-M-1')`)).toEqual([
      { account_name: 'Kaisa Koordinaattori', operation: 'importProjects' },
    ]);
  });

  it("refuses rows of a programme the coordinator does not coordinate, and writes nothing", async () => {
    const token = await app.signIn({ coordinatorOf: [programmeId] });
    const response = await app.gql(MUTATION, { input: { content: content('IMP-M-2', 'IMP-LEADER-2024'), fileName: 'vieras.json' } }, { token });
    const { report } = dataOf(response).importProjects;
    expect(report.committed).toBe(false);
    expect(report.problems).toEqual([{ file: 'vieras.json', line: 1, column: 'projects[0].programmeCode', message: 'You do not coordinate programme IMP-LEADER-2024' }]);
    expect(await count(app, 'project', "code = 'IMP-M-2'")).toBe(0);
    expect(otherProgrammeId).toBeGreaterThan(0);
  });

  it('refuses anonymous callers and accounts that coordinate nothing', async () => {
    const anonymous = await app.gql(MUTATION, { input: { content: content('IMP-M-3', 'IMP-KAKE-2024'), fileName: 'a.json' } });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const partner = await app.signIn({});
    const refused = await app.gql(MUTATION, { input: { content: content('IMP-M-3', 'IMP-KAKE-2024'), fileName: 'a.json' } }, { token: partner });
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await count(app, 'project', "code = 'IMP-M-3'")).toBe(0);
  });

  it('refuses a file over IMPORT_MAX_BYTES with a user error', async () => {
    const token = await app.signIn({ admin: true });
    const response = await app.gql(MUTATION, { input: { content: `${content('IMP-M-4', 'IMP-KAKE-2024')}${' '.repeat(5000)}`, fileName: 'iso.json' } }, { token });
    expect(dataOf(response).importProjects).toEqual({
      report: null,
      userErrors: [{ field: 'input.content', code: 'INVALID_VALUE', message: 'The file is larger than 4096 bytes (IMPORT_MAX_BYTES); use silta import on the server' }],
    });
  });
});

describe('silta export json', () => {
  it('round trip: demo database → export → import into an empty database → export again gives the same file (apart from siltaId)', async () => {
    const demo = await startTestApp('demo');
    const empty = await startTestApp('empty');
    try {
      const first = await exportJson(demo);
      const dir = mkdtempSync(path.join(tmpdir(), 'silta-export-'));
      writeFileSync(path.join(dir, 'dump.json'), first);
      const report = await importInto(empty, path.join(dir, 'dump.json'));
      expect(report.problems).toEqual([]);
      expect(report.counts.project.created).toBeGreaterThan(50);
      const second = await exportJson(empty);
      const withoutIds = (text: string): string => text.replace(/"siltaId":"[^"]*",/g, '');
      expect(withoutIds(second)).toEqual(withoutIds(first));
      // And importing the dump into the database it came from changes nothing.
      const again = await importInto(demo, path.join(dir, 'dump.json'));
      expect(Object.values(again.counts).every((counts) => counts.created === 0 && counts.updated === 0 && counts.invalid === 0)).toBe(true);
    } finally {
      await demo.close();
      await empty.close();
    }
  });
});

describe('the silta command, as a new user runs it', () => {
  it('prints the three bad rows of a file as file:line: column: message, exits 1 and changes nothing', async () => {
    const app = await startTestApp('empty');
    try {
      await importInto(app, fixture('good.json'));
      const before = await snapshot(app);
      const databaseUrl = withDatabaseName(testEnv('serverUrl'), app.database);
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [path.join(packageRoot, 'dist/src/cli/silta.js'), 'import', fixture('bad.json')], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
        );
      });
      expect(run.code).toBe(1);
      const file = fixture('bad.json');
      expect(run.stderr).toContain(`${file}:4: projects[1].plannedEnd: plannedEnd ends (2024-12-31) before it starts (2025-01-01)`);
      expect(run.stderr).toContain(`${file}:6: projects[2].postalCodes[1]: Unknown postal code "00001"`);
      expect(run.stderr).toContain(`${file}:7: projects[3].status: Expected one of`);
      expect(run.stderr).toContain('3 problem(s): nothing written.');
      expect(await snapshot(app)).toEqual(before);
    } finally {
      await app.close();
    }
  });
});
