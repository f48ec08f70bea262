import type { Command } from 'commander';
import { pendingMigrations } from '../db/migrations';
import { redactText } from '../shared/redact';
import { withCliDatabase } from './cli-database';

/** The tables whose row counts `silta check` prints. */
export const COUNTED_TABLES = ['organisation', 'programme', 'project', 'participation', 'funding_line', 'account', 'api_token', 'activity_event', 'audit_event'] as const;

export interface CheckResult {
  ok: boolean;
  database: 'reachable' | 'unreachable';
  pendingMigrations: string[];
  /** Rows per table; null when the table does not exist yet. */
  counts: Record<string, number | null>;
  problems: string[];
}

async function inspect(): Promise<CheckResult> {
  const result: CheckResult = { ok: false, database: 'unreachable', pendingMigrations: [], counts: {}, problems: [] };
  try {
    await withCliDatabase(async (db) => {
      const connection = db.orm.em.getConnection();
      await connection.execute('select 1');
      result.database = 'reachable';
      result.pendingMigrations = await pendingMigrations(db.orm);
      for (const table of COUNTED_TABLES) {
        const [{ exists }] = await connection.execute<Array<{ exists: boolean }>>('select to_regclass(?) is not null as exists', [`public.${table}`]);
        // The names are the constants above, never input.
        const counted = exists ? await connection.execute<Array<{ n: string }>>(`select count(*) as n from "${table}"`) : [];
        result.counts[table] = exists ? Number(counted[0].n) : null;
      }
    });
  } catch (error) {
    result.problems.push(`The database is unreachable: ${redactText(error instanceof Error ? error.message : String(error))}`);
  }
  if (result.pendingMigrations.length > 0) {
    result.problems.push(`${result.pendingMigrations.length} migration(s) pending: ${result.pendingMigrations.join(', ')}. Fix: silta migrate`);
  }
  result.ok = result.problems.length === 0;
  return result;
}

/** `silta check`: is the database reachable, are its migrations current, how many rows are in the main tables. */
export function registerCheckCommand(program: Command): Command {
  return program
    .command('check')
    .description('Check that the database is reachable and its migrations are current, and count the main tables; exits 1 when something is wrong')
    .option('--json', 'print the result as one JSON line')
    .option('--quiet', 'print nothing but problems')
    .action(async (options: { json?: boolean; quiet?: boolean }) => {
      const result = await inspect();
      if (options.json) {
        console.log(JSON.stringify(result));
      } else {
        if (!options.quiet) {
          console.log(`Database: ${result.database}`);
          if (result.database === 'reachable') {
            console.log(`Migrations: ${result.pendingMigrations.length === 0 ? 'current' : `${result.pendingMigrations.length} pending`}`);
            for (const [table, n] of Object.entries(result.counts)) console.log(`  ${table.padEnd(16)} ${n ?? 'missing'}`);
          }
        }
        for (const problem of result.problems) console.error(problem);
      }
      if (!result.ok) process.exitCode = 1;
    });
}
