import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Client } from 'pg';
import { withDatabaseName } from '../../src/db/database-url';
import { HIDDEN_STATUSES } from '../../src/modules/auth/visibility-matrix';
import { checkLooRow, LOO_COLUMNS, type LooRow } from '../../src/modules/exchange/loo.rules';
import { packageRoot } from '../../src/shared/package-root';
import { testEnv } from '../support/environment';

/**
 * The `silta` command's conventions, `check`, and the open-standard exports, run as the compiled CLI
 * (npm test builds first) in child processes against databases cloned from the demo template.
 */
const CLI = path.join(packageRoot, 'dist/src/cli/silta.js');
const FIXTURES = path.join(packageRoot, 'test/fixtures/360giving');
const VERSION = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
const out = mkdtempSync(path.join(tmpdir(), 'silta-export-'));
const databases: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function silta(args: string[], databaseUrl: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function sql<T extends object = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from a template, and the URL the CLI gets for it. */
async function cloneDatabase(template: 'demoTemplate' | 'emptyTemplate'): Promise<string> {
  const name = `silta_test_export_${randomBytes(4).toString('hex')}`;
  await sql(testEnv('serverUrl'), `create database "${name}" template "${testEnv(template)}"`);
  databases.push(name);
  return withDatabaseName(testEnv('serverUrl'), name);
}

/** RFC 4180 as the export writes it (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

function looRows(file: string): { header: string[]; rows: LooRow[] } {
  const [header, ...rest] = parseCsv(readFileSync(file, 'utf8'));
  return { header, rows: rest.map((cells) => Object.fromEntries(header.map((column, i) => [column, cells[i]])) as LooRow) };
}

/** The projects the public may see, by the visibility matrix, read as the owner. */
async function publicCodes(url: string): Promise<string[]> {
  const rows = await sql<{ code: string }>(url, 'select code from project where not (status = any($1::project_status[])) order by code', [HIDDEN_STATUSES]);
  return rows.map((row) => row.code);
}

let demoUrl: string;

beforeAll(async () => {
  demoUrl = await cloneDatabase('demoTemplate');
});
afterAll(async () => {
  for (const name of databases) await sql(testEnv('serverUrl'), `drop database if exists "${name}" with (force)`);
  rmSync(out, { recursive: true, force: true });
});

describe('conventions of the silta command', () => {
  it('prints its version from package.json and its help, with exit status 0', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await silta([flag], demoUrl);
      expect(run).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    }
    const help = await silta(['--help'], demoUrl);
    expect(help.code).toBe(0);
    for (const command of ['check', 'export', 'generate', 'migrate', 'token']) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    const exportHelp = await silta(['export', 'loo', '--help'], demoUrl);
    expect(exportHelp.code).toBe(0);
    expect(exportHelp.stdout).toMatch(/--out <file>[\s\S]*--programme <code>[\s\S]*--json[\s\S]*--quiet/);
  });

  it.each([
    [['export'], /Usage: silta export/],
    [['export', 'xml'], /unknown command 'xml'/],
    [['export', 'loo', '--bogus'], /unknown option '--bogus'/],
    [['export', 'loo', '--out'], /option '--out <file>' argument missing/],
    [['check', '--bogus'], /unknown option '--bogus'/],
  ])('exits 2 on the usage error %j, saying so on stderr', async (args, message) => {
    const run = await silta(args, demoUrl);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails with one line on stderr and exit 1, with a stack trace only under --verbose', async () => {
    const unknown = await silta(['export', 'loo', '--programme', 'NO-SUCH-PROGRAMME', '--out', path.join(out, 'none.csv')], demoUrl);
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: 'silta: No programme with code NO-SUCH-PROGRAMME.\n' });
    expect(existsSync(path.join(out, 'none.csv'))).toBe(false);
    expect(existsSync(path.join(out, 'none.csv.partial'))).toBe(false);
    const verbose = await silta(['--verbose', 'export', 'loo', '--programme', 'NO-SUCH-PROGRAMME'], demoUrl);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/^silta: No programme with code NO-SUCH-PROGRAMME\.\n[\s\S]*\n\s+at /);
  });
});

describe('silta check', () => {
  it('passes on a current database and counts the main tables, in text and in JSON', async () => {
    const text = await silta(['check'], demoUrl);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Database: reachable\nMigrations: current\n/);
    const json = await silta(['check', '--json'], demoUrl);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as { ok: boolean; pendingMigrations: string[]; counts: Record<string, number> };
    const [owner] = await sql<{ projects: string; lines: string }>(demoUrl, 'select (select count(*) from project) as projects, (select count(*) from funding_line) as lines');
    expect(result).toMatchObject({ ok: true, pendingMigrations: [], counts: { project: Number(owner.projects), funding_line: Number(owner.lines) } });
    expect(Number(owner.projects)).toBeGreaterThan(0);
    expect((await silta(['check', '--quiet'], demoUrl)).stdout).toBe('');
  });

  it('fails (exit 1) on a database that is behind, naming the pending migration', async () => {
    const url = await cloneDatabase('emptyTemplate');
    const [last] = await sql<{ name: string }>(url, 'delete from mikro_orm_migrations where id = (select max(id) from mikro_orm_migrations) returning name');
    const text = await silta(['check'], url);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Migrations: 1 pending');
    expect(text.stderr).toBe(`1 migration(s) pending: ${last.name.replace(/\.[jt]s$/, '')}. Fix: silta migrate\n`);
    const json = await silta(['check', '--json'], url);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, database: 'reachable', pendingMigrations: [last.name.replace(/\.[jt]s$/, '')] });
  });

  it('fails (exit 1) when the database is unreachable, without printing the password', async () => {
    const run = await silta(['check', '--json'], 'postgresql://silta:hunter2-wrong-pw@127.0.0.1:1/silta');
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { ok: boolean; database: string; problems: string[] };
    expect(result).toMatchObject({ ok: false, database: 'unreachable' });
    expect(result.problems[0]).toMatch(/^The database is unreachable: /);
    expect(run.stdout + run.stderr).not.toContain('hunter2-wrong-pw');
  });
});

describe('silta export loo', () => {
  it("writes one row per public project with Kohesio's columns, never a draft or an internal note", async () => {
    await sql(demoUrl, "update project set internal_notes = 'SALAINEN-MUISTIINPANO' where status = 'ONGOING'");
    const file = path.join(out, 'loo.csv');
    const run = await silta(['export', 'loo', '--out', file], demoUrl);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { header, rows } = looRows(file);
    expect(run.stdout).toBe(`Wrote ${rows.length} operation(s) to ${file}.\n`);
    expect(header).toEqual([...LOO_COLUMNS]);

    const visible = await publicCodes(demoUrl);
    const [{ hidden }] = await sql<{ hidden: string }>(demoUrl, 'select count(*) as hidden from project where status = any($1::project_status[])', [HIDDEN_STATUSES]);
    expect(Number(hidden)).toBeGreaterThan(0);
    expect(rows.map((row) => row.Operation_Unique_Identifier).sort()).toEqual(visible);
    expect(readFileSync(file, 'utf8')).not.toContain('SALAINEN-MUISTIINPANO');
    for (const row of rows) {
      expect(checkLooRow(row)).toEqual([]);
      expect(row.Total_Eligible_Expenditure_Currency).toBe('EUR');
      expect(row.Operation_Start_Date).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    }

    // Amounts agree with the database's own exact sums: granted where a decision exists, else planned.
    const sums = await sql<{ code: string; total: string; eu: string }>(
      demoUrl,
      `select p.code,
              (case when sum(f.granted) > 0 then sum(f.granted) else sum(f.planned) end)::text as total,
              (case when sum(f.granted) > 0 then coalesce(sum(f.granted) filter (where f.source in ('ESR', 'EAFRD')), 0)
                    else coalesce(sum(f.planned) filter (where f.source in ('ESR', 'EAFRD')), 0) end)::numeric(14,2)::text as eu
         from project p join funding_line f on f.project_id = p.id group by p.code`,
    );
    const byCode = new Map(sums.map((sum) => [sum.code, sum]));
    for (const row of rows) {
      const sum = byCode.get(row.Operation_Unique_Identifier);
      if (!sum) continue;
      expect([row.Operation_Unique_Identifier, row.Total_Eligible_Expenditure_amount, row.Project_EU_Budget]).toEqual([row.Operation_Unique_Identifier, sum.total, sum.eu]);
    }
  });

  it('writes to stdout, filters by programme, and reports in JSON', async () => {
    const [programme] = await sql<{ code: string; n: string }>(
      demoUrl,
      `select g.code, count(p.id) as n from programme g join project p on p.programme_id = g.id
        where not (p.status = any($1::project_status[])) group by g.code order by count(p.id) desc limit 1`,
      [HIDDEN_STATUSES],
    );
    const run = await silta(['export', 'loo', '--programme', programme.code, '--json'], demoUrl);
    expect(run.code).toBe(0);
    const rows = parseCsv(run.stdout).slice(1);
    expect(rows).toHaveLength(Number(programme.n));
    expect(JSON.parse(run.stderr)).toEqual({ format: 'loo', rows: Number(programme.n), skipped: [], out: 'stdout' });
  });

  it('leaves out and reports rows that break the three EU rules, and exits 1', async () => {
    const url = await cloneDatabase('demoTemplate');
    const codes = await publicCodes(url);
    const [noLocation, noDates, startAfterEnd] = codes.slice(0, 3);
    await sql(url, 'delete from project_location where project_id = (select id from project where code = $1)', [noLocation]);
    await sql(url, 'update project set planned_start = null, planned_end = null, actual_start = null, actual_end = null where code = $1', [noDates]);
    await sql(url, 'update project set actual_start = planned_end + 1, actual_end = null where code = $1', [startAfterEnd]);

    const file = path.join(out, 'loo-bad.csv');
    const run = await silta(['export', 'loo', '--out', file], url);
    expect(run.code).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    // Reported in the order the export reads the projects; the summary comes last.
    expect(lines).toHaveLength(5);
    expect(lines).toEqual(
      expect.arrayContaining([
        `${noLocation}: Location_Indicator_Postcode: no location: one of Location_Indicator_Postcode, Location_Indicator_NUTS_code, Location_Indicator_latitude_longitude is required`,
        `${noDates}: Operation_Start_Date: no start date (planned or actual)`,
        `${noDates}: Operation_End_Date: no end date (planned or actual)`,
        expect.stringMatching(new RegExp(`^${startAfterEnd}: Operation_Start_Date: start date \\d{2}/\\d{2}/\\d{4} is after end date \\d{2}/\\d{2}/\\d{4}$`)),
      ]),
    );
    expect(lines[4]).toBe('Left out 3 project(s) that would not be valid rows of a list of operations.');
    const { rows } = looRows(file);
    expect(rows.map((row) => row.Operation_Unique_Identifier).sort()).toEqual(codes.filter((code) => ![noLocation, noDates, startAfterEnd].includes(code)));

    const json = await silta(['export', 'loo', '--out', file, '--json'], url);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { rows: number; skipped: Array<{ code: string; problems: Array<{ column: string }> }> };
    expect(report.rows).toBe(codes.length - 3);
    expect(report.skipped.map((skipped) => skipped.code).sort()).toEqual([noLocation, noDates, startAfterEnd].sort());
  });
});

describe('silta export 360giving', () => {
  const packageSchema = JSON.parse(readFileSync(path.join(FIXTURES, '360-giving-package-schema.json'), 'utf8')) as { properties: { grants: { items: { $ref: string } } } };
  const grantSchema = JSON.parse(readFileSync(path.join(FIXTURES, '360-giving-schema.json'), 'utf8')) as object;
  const regrantCodes = readFileSync(path.join(FIXTURES, 'regrantType.csv'), 'utf8').split('\n').slice(1).map((line) => line.split(',')[0]).filter(Boolean);

  /** The standard names draft 2020-12 by `http://`; its canonical ID, which Ajv knows, is `https://`. */
  function canonical<T extends object>(schema: T): T {
    return { ...schema, $schema: 'https://json-schema.org/draft/2020-12/schema' };
  }

  function validator() {
    // Strict, except that the standard lists required fields in oneOf branches, beside their properties.
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    addFormats(ajv);
    // 360Giving's own annotations (which codelist a field draws from), not validation keywords.
    for (const keyword of ['codelist', 'openCodelist', 'rollUp']) ajv.addKeyword({ keyword, schemaType: ['string', 'boolean', 'array'] });
    // The package schema (1.4.3) refers to the grant schema by its 1.4.2 address.
    ajv.addSchema(canonical(grantSchema), packageSchema.properties.grants.items.$ref);
    return ajv.compile(canonical(packageSchema));
  }

  interface Grant {
    id: string;
    amountAwarded: number;
    recipientOrganization: Array<{ id: string }>;
    relatedActivity?: string[];
    regrantType?: string;
  }

  it("is a valid 360Giving package of the public projects' grants, with related activities and regrant types", async () => {
    // A draft with a granted line: it must stay out all the same.
    const drafted = await sql(
      demoUrl,
      `update funding_line set granted = 1234.00, decision_date = '2019-06-01' where id = (
         select f.id from funding_line f join project p on p.id = f.project_id
          where p.status = 'DRAFT' and f.source = 'ESR' order by f.id limit 1) returning id`,
    );
    expect(drafted).toHaveLength(1);
    const file = path.join(out, 'grants.json');
    const run = await silta(['export', '360giving', '--out', file], demoUrl);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const data = JSON.parse(readFileSync(file, 'utf8')) as { grants: Grant[] };
    const validate = validator();
    expect(validate(data) ? [] : validate.errors).toEqual([]);
    expect(run.stdout).toMatch(new RegExp(`^Wrote ${data.grants.length} grant\\(s\\) to `));

    // The schema must be able to fail: a grant without its recipient is refused.
    const broken = structuredClone(data);
    delete (broken.grants[0] as Partial<Grant>).recipientOrganization;
    expect(validate(broken)).toBe(false);

    const visible = new Set(await publicCodes(demoUrl));
    const lines = await sql<{ code: string; id: number; granted: string; umbrella: boolean }>(
      demoUrl,
      `select p.code, f.id, f.granted::text as granted,
              exists (select 1 from project c where c.parent_id = p.id and not (c.status = any($1::project_status[]))) as umbrella
         from funding_line f join project p on p.id = f.project_id
        where f.granted > 0 and f.source in ('ESR', 'EAFRD', 'STATE', 'MUNICIPAL')`,
      [HIDDEN_STATUSES],
    );
    const expected = lines.filter((line) => visible.has(line.code));
    expect(data.grants.map((grant) => grant.id).sort()).toEqual(expected.map((line) => `360G-silta-${line.code}-${line.id}`).sort());
    expect(lines.length).toBeGreaterThan(expected.length); // hidden projects had grants too

    const grantsOf = new Map<string, string[]>();
    for (const line of expected) grantsOf.set(line.code, [...(grantsOf.get(line.code) ?? []), `360G-silta-${line.code}-${line.id}`]);
    const umbrellas = new Set(expected.filter((line) => line.umbrella).map((line) => line.code));
    expect(umbrellas.size).toBeGreaterThan(0);
    for (const line of expected) {
      const grant = data.grants.find((candidate) => candidate.id === `360G-silta-${line.code}-${line.id}`)!;
      expect(grant.amountAwarded).toBe(Number(line.granted));
      expect(grant.recipientOrganization[0].id).toMatch(/^(FI-PRO-\d{7}-\d|360G-silta-org-\d+)$/);
      const others = grantsOf.get(line.code)!.filter((id) => id !== grant.id).sort();
      expect((grant.relatedActivity ?? []).slice().sort()).toEqual(others);
      expect(grant.regrantType).toBe(umbrellas.has(line.code) ? 'FRG010' : undefined);
      if (grant.regrantType) expect(regrantCodes).toContain(grant.regrantType);
    }
  });
});
