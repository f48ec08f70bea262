import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FinnishBusinessIds } from 'finnish-business-ids';
import { withDatabaseName } from '../../src/db/database-url';
import type { TruthPair } from '../../src/db/generate/generate';
import { packageRoot } from '../../src/shared/package-root';
import { testEnv } from '../support/environment';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/** The compiled `silta` command (npm test builds first), run as a child process against the test app's database. */
const CLI = path.join(packageRoot, 'dist/src/cli/silta.js');
let app: TestApp;
let databaseUrl: string;

function silta(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  app = await startTestApp('empty');
  databaseUrl = withDatabaseName(testEnv('serverUrl'), new URL(app.servingUrl).pathname.slice(1));
});
afterAll(() => app.close());

describe('silta generate', () => {
  const truthFile = path.join(mkdtempSync(path.join(tmpdir(), 'silta-generate-')), 'truth.json');
  let summary: { counts: Record<string, number>; planted: number; hardNegatives: number; truthFile: string; ms: number };

  it('refuses bad options as usage errors (exit 2)', async () => {
    for (const args of [['--projects', '0'], ['--projects', 'many'], ['--organisations', '5'], ['--seed', '-1']]) {
      const run = await silta(['generate', ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/is invalid\. Expected a whole number/);
    }
  });

  it('loads 500 projects with their organisations, programmes and rows, and writes the ground truth', async () => {
    const run = await silta(['generate', '--projects', '500', '--seed', '3', '--truth', truthFile, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    summary = JSON.parse(run.stdout);
    expect(summary.counts).toMatchObject({ project: 500, organisation: 125 });
    const [counts] = await app.sql<Record<string, string>>(
      `select (select count(*) from project) as project, (select count(*) from organisation) as organisation,
              (select count(*) from participation) as participation, (select count(*) from funding_line) as funding_line,
              (select count(*) from project where code not like 'GEN-%' or is_demo) as foreign_projects,
              (select count(*) from programme where code not like 'GEN-%' or is_demo) as foreign_programmes`,
    );
    expect(counts).toMatchObject({ project: '500', organisation: '125', participation: String(summary.counts.participation), funding_line: String(summary.counts.funding_line), foreign_projects: '0', foreign_programmes: '0' });
    const businessIds = await app.sql<{ business_id: string }>('select business_id from organisation');
    expect(businessIds.filter((row) => !FinnishBusinessIds.isValidBusinessId(row.business_id))).toEqual([]);
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as { seed: number; pairs: TruthPair[] };
    expect(truth.seed).toBe(3);
    expect(truth.pairs.length).toBe(summary.planted + summary.hardNegatives);
    const codes = truth.pairs.flatMap((pair) => pair.projects);
    const stored = new Set((await app.sql<{ code: string }>('select code from project')).map((row) => row.code));
    expect(codes.filter((code) => !stored.has(code))).toEqual([]);
    // New rows after the generated ones get the next identifiers (the sequences were moved on).
    const [{ next }] = await app.sql<{ next: string }>(`select nextval(pg_get_serial_sequence('project', 'id')) as next`);
    expect(Number(next)).toBe(501);
  });

  it('refuses to mix generated data into a database that already holds some', async () => {
    const run = await silta(['generate', '--projects', '10', '--truth', `${truthFile}.again`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/already holds organisations, programmes or projects/);
    const [{ count }] = await app.sql<{ count: string }>('select count(*) from project');
    expect(count).toBe('500');
  });

  it('is served by the API: a planted project, the project list and Finnish search', async () => {
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as { pairs: TruthPair[] };
    const pair = truth.pairs.find((candidate) => candidate.kind === 'DOUBLE_FUNDING_RISK')!;
    const query = `query($a: String!, $b: String!) {
      a: project(code: $a) { code title programme { code } leadOrganisation { businessId } fundingLines { nodes { source } } }
      b: project(code: $b) { code title programme { code } leadOrganisation { businessId } fundingLines { nodes { source } } }
      projects(first: 1) { totalCount }
      search(query: "nuorten", first: 5) { totalCount }
    }`;
    const data = dataOf(await app.gql(query, { a: pair.projects[0], b: pair.projects[1] }));
    expect(data.a.programme.code).toMatch(/^GEN-KAKE-/);
    expect(data.b.programme.code).toMatch(/^GEN-LEADER-/);
    expect(data.a.leadOrganisation.businessId).toBe(pair.sharedOrganisation);
    expect(data.b.leadOrganisation.businessId).toBe(pair.sharedOrganisation);
    expect(data.a.fundingLines.nodes.map((line: { source: string }) => line.source)).toContain('ESR');
    expect(data.b.fundingLines.nodes.map((line: { source: string }) => line.source)).toContain('EAFRD');
    // Anonymous readers see every project but drafts and rejected ones (row-level security).
    const [{ visible }] = await app.sql<{ visible: string }>(`select count(*) as visible from project where status not in ('DRAFT', 'REJECTED')`);
    expect(data.projects.totalCount).toBe(Number(visible));
    expect(data.search.totalCount).toBeGreaterThan(0);
  });
});
