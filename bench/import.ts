import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../src/config';
import { ensureDatabase, withDatabaseName } from '../src/db/database-url';
import { EmbeddedPostgres } from '../src/db/embedded-postgres';
import { createLogger } from '../src/shared/logger';
import { packageRoot } from '../src/shared/package-root';
import { redactText } from '../src/shared/redact';

/**
 * Import benchmark (`npm run bench:import`, issue 11 "Streaming"): writes an N-row file, creates a
 * fresh database (embedded PostgreSQL, or DATABASE_URL's server), loads reference data, then runs
 * `silta import` on the file twice as a child process: rows/s, wall time, peak RSS, and the second
 * run's counts (which must be 0 created, 0 updated). Targets: < 60 s and < 300 MB for 100 000 rows.
 */

const CLI = path.join(packageRoot, 'dist', 'src', 'cli', 'silta.js');
const PEAK_RSS_PRELOAD = path.join(__dirname, 'peak-rss.js');
const TARGETS = { seconds: 60, peakRssMb: 300 };

/**
 * The formats the generator can write: an EU list of operations CSV (the realistic register import,
 * the default) or Silta JSON.
 */
export type BenchFormat = 'eu-operations' | 'silta-json';
export const BENCH_FORMATS: BenchFormat[] = ['eu-operations', 'silta-json'];
const BENCH_PROGRAMME = 'BENCH-KAKE-2024';
const EU_HEADER = 'Operation code,Operation name,Beneficiary name,Beneficiary ID,Purpose of the operation and its expected or actual achievements,Start date,End date,Total cost,Fund,Specific objective,EU co-financing rate,Postal code,Country,Type of intervention';

const POSTAL_CODES = ['70100', '70110', '70200', '70300', '70600', '70780', '71800', '73100'];
const THEMES = ['COMMUNITY', 'CULTURE', 'YOUTH_PARTICIPATION', 'EMPLOYMENT'];
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2];

/** The n-th valid Y-tunnus of a deterministic sequence (check digits 1 are skipped, as the registry does). */
export function businessIdOf(n: number): string {
  for (let body = 2_000_000 + n * 3; ; body++) {
    const digits = String(body).padStart(7, '0');
    const remainder = [...digits].reduce((sum, digit, index) => sum + Number(digit) * WEIGHTS[index], 0) % 11;
    if (remainder === 1) continue;
    return `${digits}-${remainder === 0 ? 0 : 11 - remainder}`;
  }
}

/** The records of a benchmark file: one programme, rows / 4 organisations and `rows` projects. */
export function* benchRecords(rows: number): Generator<{ list: 'programmes' | 'organisations' | 'projects'; record: object }> {
  const organisations = Math.max(1, Math.floor(rows / 4));
  yield {
    list: 'programmes',
    record: { code: 'BENCH-KAKE-2024', name: 'Benchmark Kake 2024–2030', scheme: 'KAKE', periodStart: '2024-01-01', periodEnd: '2030-12-31', areas: POSTAL_CODES.map((postalCode) => ({ postalCode, areaType: 'URBAN' })) },
  };
  for (let i = 0; i < organisations; i++) {
    yield { list: 'organisations', record: { key: `o${i}`, name: `Benchmark-yhdistys ${i} ry`, type: 'ASSOCIATION', businessId: businessIdOf(i), postalCode: POSTAL_CODES[i % POSTAL_CODES.length] } };
  }
  for (let i = 0; i < rows; i++) {
    const year = 2024 + (i % 5);
    yield {
      list: 'projects',
      record: {
        code: `BENCH-${String(i).padStart(6, '0')}`,
        programmeCode: 'BENCH-KAKE-2024',
        title: `Benchmark-hanke ${i}: asukastoiminta ja nuorten osallisuus`,
        status: 'ONGOING',
        summary: `Hanke ${i} kokoaa asukkaat, yhdistykset ja kaupungin palvelut yhteen.`,
        plannedStart: `${year}-01-01`,
        plannedEnd: `${year + 1}-12-31`,
        themeCodes: [THEMES[i % THEMES.length]],
        postalCodes: [POSTAL_CODES[i % POSTAL_CODES.length]],
        participations: [{ organisation: { businessId: businessIdOf(i % organisations) }, role: 'LEAD' }],
        fundingLines: [{ source: 'ESR', planned: `${10_000 + (i % 90_000)}.00`, granted: `${10_000 + (i % 90_000)}.00`, decisionDate: `${year - 1}-12-01`, decisionReference: `BENCH-${i}` }],
      },
    };
  }
}

/** The programme alone, as Silta JSON: a list of operations names no programme, so it is imported first. */
export async function writeBenchProgramme(file: string): Promise<void> {
  const [programme] = benchRecords(0);
  await writeFile(file, JSON.stringify({ format: 'silta/1', programmes: [programme.record] }));
}

/** The same projects as an EU list of operations (English Article 49(3) headers, one row per project). */
function* euOperationRows(rows: number): Generator<string> {
  const organisations = Math.max(1, Math.floor(rows / 4));
  yield `${EU_HEADER}\n`;
  for (let i = 0; i < rows; i++) {
    const year = 2024 + (i % 5);
    const organisation = i % organisations;
    yield `BENCH-${String(i).padStart(6, '0')},Benchmark-hanke ${i}: asukastoiminta ja nuorten osallisuus,Benchmark-yhdistys ${organisation} ry,${businessIdOf(organisation)},"Hanke ${i} kokoaa asukkaat, yhdistykset ja kaupungin palvelut yhteen.",${year}-01-01,${year + 1}-12-31,${10_000 + (i % 90_000)}.00,ESF+,ESO4.11,60 %,${POSTAL_CODES[organisation % POSTAL_CODES.length]},FI,152\n`;
  }
}

/** Writes the benchmark file in `format`, streaming (backpressure respected). */
export async function writeBenchFile(file: string, rows: number, format: BenchFormat): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (format === 'eu-operations') {
    for (const row of euOperationRows(rows)) await write(row);
    out.end();
    await once(out, 'finish');
    return;
  }
  await write('{"format":"silta/1"');
  let list: string | null = null;
  for (const { list: next, record } of benchRecords(rows)) {
    if (next !== list) {
      await write(`${list ? '\n]' : ''},\n${JSON.stringify(next)}:[\n`);
      list = next;
    } else await write(',\n');
    await write(JSON.stringify(record));
  }
  await write('\n]}\n');
  out.end();
  await once(out, 'finish');
}

interface Run {
  ms: number;
  peakRssMb: number | null;
  report: { counts: Record<string, { created: number; updated: number; unchanged: number; invalid: number }>; problemCount: number; committed: boolean };
}

async function runCli(args: string[], env: NodeJS.ProcessEnv, workDir: string): Promise<{ stdout: string; ms: number; peakRssMb: number | null }> {
  const rssFile = path.join(workDir, `rss-${process.hrtime.bigint()}`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--require', PEAK_RSS_PRELOAD, CLI, ...args], { cwd: packageRoot, env: { ...env, SILTA_BENCH_PEAK_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`silta ${args.join(' ')} exited with ${code}:\n${redactText((stderr || stdout).slice(-4000))}`);
  const peakKb = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'));
  return { stdout, ms, peakRssMb: Number.isFinite(peakKb) ? Math.round(peakKb / 1024) : null };
}

async function importOnce(file: string, format: BenchFormat, env: NodeJS.ProcessEnv, workDir: string): Promise<Run> {
  const programme = format === 'eu-operations' ? ['--programme', BENCH_PROGRAMME] : [];
  const { stdout, ms, peakRssMb } = await runCli(['import', file, '--json', ...programme], env, workDir);
  return { ms, peakRssMb, report: JSON.parse(stdout.trim().split('\n').at(-1)!) as Run['report'] };
}

function total(run: Run, key: 'created' | 'updated' | 'unchanged' | 'invalid'): number {
  return Object.values(run.report.counts).reduce((sum, counts) => sum + counts[key], 0);
}

async function main(): Promise<void> {
  const program = new Command('bench:import')
    .option('--rows <n>', 'projects in the file', (raw) => {
      const value = Number(raw);
      if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('Expected a positive whole number.');
      return value;
    }, 100_000)
    .addOption(new Option('--format <format>', 'the file format').choices(BENCH_FORMATS).default('eu-operations'))
    .option('--json', 'print the result as JSON')
    .parse();
  const options = program.opts<{ rows: number; format: BenchFormat; json?: boolean }>();
  const config = loadConfig();
  const logger = createLogger('warn');
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'silta-bench-import-'));
  await chmod(workDir, 0o755);
  let embedded: EmbeddedPostgres | undefined;
  let serverUrl = config.databaseUrl;
  try {
    if (!serverUrl) {
      embedded = new EmbeddedPostgres({ dataDir: path.join(workDir, 'postgres'), logger });
      serverUrl = await embedded.start();
    }
    const database = `silta_bench_import_${process.pid}`;
    await ensureDatabase(serverUrl, database, logger);
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: withDatabaseName(serverUrl, database), LOG_LEVEL: 'warn' };
    delete env.DATABASE_APP_URL;
    const file = path.join(workDir, `bench-${options.rows}.${options.format === 'silta-json' ? 'json' : 'csv'}`);
    const generated = performance.now();
    await writeBenchFile(file, options.rows, options.format);
    const generateMs = performance.now() - generated;
    const bytes = (await stat(file)).size;
    await runCli(['seed', '--no-demo'], env, workDir);
    if (options.format === 'eu-operations') {
      const programmeFile = path.join(workDir, 'bench-programme.json');
      await writeBenchProgramme(programmeFile);
      await runCli(['import', programmeFile, '--json'], env, workDir);
    }
    const first = await importOnce(file, options.format, env, workDir);
    const second = await importOnce(file, options.format, env, workDir);
    const result = {
      rows: options.rows,
      format: options.format,
      fileMb: Math.round(bytes / 1024 / 1024),
      generateSeconds: Number((generateMs / 1000).toFixed(1)),
      database: embedded ? 'embedded' : 'DATABASE_URL',
      cores: os.cpus().length,
      first: { seconds: Number((first.ms / 1000).toFixed(1)), rowsPerSecond: Math.round(options.rows / (first.ms / 1000)), peakRssMb: first.peakRssMb, created: total(first, 'created'), updated: total(first, 'updated'), problems: first.report.problemCount },
      second: { seconds: Number((second.ms / 1000).toFixed(1)), rowsPerSecond: Math.round(options.rows / (second.ms / 1000)), peakRssMb: second.peakRssMb, created: total(second, 'created'), updated: total(second, 'updated'), unchanged: total(second, 'unchanged') },
    };
    const ok = result.first.seconds < TARGETS.seconds && (result.first.peakRssMb ?? 0) < TARGETS.peakRssMb && result.second.created === 0 && result.second.updated === 0;
    if (options.json) console.log(JSON.stringify({ ...result, targets: TARGETS, ok }));
    else {
      const formatName = options.format === 'silta-json' ? 'Silta JSON' : 'EU list of operations CSV';
      console.log(`Import benchmark: ${options.rows} projects (${result.fileMb} MB of ${formatName}, ${Math.max(1, Math.floor(options.rows / 4))} organisations), ${result.database} PostgreSQL, ${result.cores} cores`);
      console.log(`  first import:  ${result.first.seconds} s, ${result.first.rowsPerSecond} rows/s, peak RSS ${result.first.peakRssMb} MB — ${result.first.created} created, ${result.first.updated} updated, ${result.first.problems} problems`);
      console.log(`  second import: ${result.second.seconds} s, ${result.second.rowsPerSecond} rows/s, peak RSS ${result.second.peakRssMb} MB — ${result.second.created} created, ${result.second.updated} updated, ${result.second.unchanged} unchanged`);
      console.log(`  targets: < ${TARGETS.seconds} s and < ${TARGETS.peakRssMb} MB; second run 0 created, 0 updated: ${ok ? 'met' : 'NOT met'}`);
    }
    if (!ok) process.exitCode = 1;
  } finally {
    await embedded?.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(redactText(error instanceof Error ? (error.stack ?? error.message) : String(error)));
    process.exit(1);
  });
}
