#!/usr/bin/env node
// First: sets NODE_ENV before graphql is loaded (see production-mode.ts).
import './production-mode';
import 'reflect-metadata';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { FinnishBusinessIds } from 'finnish-business-ids';
import type { Logger } from 'pino';
import { loadConfig } from '../config';
import { openDatabase, type Database } from '../db/database';
import { ensureDatabase, withDatabaseName } from '../db/database-url';
import { prepareDatabase } from '../db/prepare';
import { applyMigrations, createMigration, migrationProblems } from '../db/migrations';
import { createLogger } from '../shared/logger';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addCoordinator, addMembership, createAccount, issueToken, revokeToken } from '../modules/auth/account.service';
import { AccountKind, GlobalRole, TokenScope } from '../modules/auth/auth.enums';
import { Organisation } from '../modules/organisation/organisation.entity';
import { Programme } from '../modules/programme/programme.entity';
import { packageRoot } from '../shared/package-root';
import { redactText } from '../shared/redact';
import { MAX_VALID_DAYS } from '../modules/auth/tokens';
import { recomputeInThread } from '../modules/overlap/recompute-thread';
import { registerCheckCommand } from './check.command';
import { registerExportCommands } from './export.commands';
import { startProgress } from './progress';
import { registerExchangeCommands } from './exchange.commands';

// The server, the GraphQL schema and the generator are loaded (require) only by the commands that use
// them: `silta import` and the other short commands start without them (issue 11, memory).
const load = createRequire(__filename);

const SCHEMA_FILE = path.join(packageRoot, 'schema.graphql');

/** Exit status of a command-line usage error (bad option or argument), as in most Unix tools. */
const USAGE_ERROR = 2;

/**
 * The `silta` command line: one entry for the server and the maintenance tasks. Commander errors
 * are thrown rather than exiting, so usage errors can exit with status 2 (set before any subcommand
 * is added: they inherit it).
 */
const program = new Command('silta')
  .description('Silta: the Kake–Leader collaboration hub')
  .version((JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version)
  .option('--verbose', 'print the stack trace of an unexpected error')
  .exitOverride();

/** Option and argument parsers: a bad value is a usage error with a message saying what is expected. */
function integerFrom(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

const recordNumber = integerFrom(1, 2_147_483_647);

function textUpTo(max: number): (raw: string) => string {
  return (raw) => {
    const value = raw.trim();
    if (value === '' || [...value].length > max) throw new InvalidArgumentError(`Expected text of 1 to ${max} characters.`);
    return value;
  };
}

function businessId(raw: string): string {
  if (!FinnishBusinessIds.isValidBusinessId(raw)) throw new InvalidArgumentError('Expected a valid Y-tunnus, e.g. 0171450-7.');
  return raw;
}

/** Opens the configured database (embedded or DATABASE_URL), runs fn, and always closes it again. */
async function withDatabase<T>(fn: (db: Database, logger: Logger) => Promise<T>, logLevel?: string): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(logLevel ?? config.logLevel);
  const db = await openDatabase(config, logger);
  try {
    return await fn(db, logger);
  } finally {
    await db.close();
  }
}

/** The same, migrated first, for commands that work on accounts and tokens. */
function withMigratedDatabase<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return withDatabase(async (db, logger) => {
    await applyMigrations(db.orm, logger);
    return fn(db.orm.em.fork());
  }, 'warn');
}

/** Migrated, with the reference data (postal areas, municipalities, vocabularies) an import checks rows against. */
function withPreparedDatabase<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return withDatabase(async (db, logger) => {
    await prepareDatabase(db, { seed: 'none' }, logger);
    return fn(db.orm.em.fork());
  }, 'warn');
}

program
  .command('start')
  .description('Serve the GraphQL API (applies migrations, loads reference and demo data first)')
  .action(async () => {
    const { main } = load('../main') as typeof import('../main');
    await main();
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const applied = await withDatabase((db, logger) => applyMigrations(db.orm, logger));
    console.log(applied.length ? `Applied ${applied.length} migration(s).` : 'The database is up to date.');
  });

program
  .command('seed')
  .description('Apply migrations, load reference geography and vocabularies, and load demo data into an empty database')
  .option('--no-demo', 'load only reference data, no demo data')
  .action(async (options: { demo: boolean }) => {
    await withDatabase((db, logger) => prepareDatabase(db, { seed: options.demo ? 'demo' : 'none' }, logger));
  });

program
  .command('migration:create')
  .description('Create a migration from the difference between the entities and the snapshot')
  .argument('[name]', 'short name for the migration file')
  .action(async (name?: string) => {
    const file = await withDatabase((db) => createMigration(db.orm, name), 'warn');
    console.log(file ? `Created migrations/${file}` : 'No changes: entities match the snapshot.');
  });

program
  .command('migration:check')
  .description('Fail when entities and migrations disagree (migrates a scratch database to compare)')
  .action(async () => {
    const config = loadConfig();
    const logger = createLogger('warn');
    const server = await openDatabase(config, logger);
    const scratch = `silta_migration_check_${randomBytes(4).toString('hex')}`;
    let problems: string[] = [];
    try {
      await ensureDatabase(server.url, scratch, logger);
      const db = await openDatabase({ ...config, databaseUrl: withDatabaseName(server.url, scratch) }, logger);
      try {
        await applyMigrations(db.orm, logger);
        problems = await migrationProblems(db.orm);
      } finally {
        await db.close();
      }
    } finally {
      await server.orm.em.getConnection().execute(`drop database if exists "${scratch}"`);
      await server.close();
    }
    if (problems.length > 0) {
      console.error(problems.join('\n\n'));
      console.error('\nFix: npm run migration:create -- <name>');
      process.exitCode = 1;
    } else {
      console.log('Migrations match the entities.');
    }
  });

program
  .command('generate')
  .description('Load a deterministic national-scale synthetic data set (GEN- codes) with planted overlaps into an empty database, and write its ground truth')
  .option('--projects <n>', 'number of projects', integerFrom(2, 1_000_000), 20_000)
  .option('--organisations <n>', 'number of organisations (default: a quarter of the projects, at least 40)', integerFrom(40, 200_000))
  .option('--seed <n>', 'seed: the same seed gives the same rows', integerFrom(0, 2_147_483_647), 1)
  .option('--truth <file>', 'where to write the planted pairs and hard negatives (JSON)', textUpTo(1000))
  .option('--json', 'print the summary as JSON')
  .option('--quiet', 'no progress bar')
  .action(async (options: { projects: number; organisations?: number; seed: number; truth?: string; json?: boolean; quiet?: boolean }) => {
    const organisations = options.organisations ?? Math.max(40, Math.round(options.projects / 4));
    const truthFile = path.resolve(options.truth ?? `silta-truth-seed${options.seed}-${options.projects}.json`);
    const result = await withDatabase(async (db, logger) => {
      await prepareDatabase(db, { seed: 'none' }, logger);
      const progress = startProgress({ total: options.projects, unit: 'projects', quiet: options.json || options.quiet });
      try {
        const { writeGeneratedData } = load('../db/generate/write') as typeof import('../db/generate/write');
        return await writeGeneratedData(db.orm, { projects: options.projects, organisations, seed: options.seed }, (n) => progress.update(n));
      } finally {
        progress.stop();
      }
    }, 'warn');
    const truth = { seed: options.seed, projects: options.projects, organisations, pairs: result.truth };
    writeFileSync(truthFile, `${JSON.stringify(truth, null, 2)}\n`);
    const planted = result.truth.filter((pair) => pair.planted).length;
    const summary = { counts: result.counts, planted, hardNegatives: result.truth.length - planted, slotCollisions: result.slotCollisions, truthFile, ms: result.ms, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
    if (options.json) {
      console.log(JSON.stringify(summary));
    } else {
      for (const [table, n] of Object.entries(result.counts)) console.log(`${table.padEnd(22)} ${n}`);
      console.log(`Planted ${planted} pairs and ${summary.hardNegatives} hard negatives; ground truth in ${truthFile}`);
      console.log(`Done in ${(result.ms / 1000).toFixed(1)} s (peak memory ${summary.peakRssMb} MB).`);
    }
  });

const overlaps = program.command('overlaps').description('Overlap findings across the Kake–Leader divide');

overlaps
  .command('recompute')
  .description('Recompute every overlap finding and the text statistics (a running server keeps them fresh by itself)')
  .option('--json', 'print the result as JSON')
  .action(async (options: { json?: boolean }) => {
    const result = await withDatabase(async (db, logger) => {
      await applyMigrations(db.orm, logger);
      return recomputeInThread(db.url);
    }, 'warn');
    const summary = { ...result, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
    if (options.json) {
      console.log(JSON.stringify(summary));
    } else {
      console.log(`Scored ${result.candidatePairs} candidate pairs of ${result.projects} projects: ${result.findings} findings.`);
      for (const [kind, n] of Object.entries(result.byKind)) console.log(`  ${kind.padEnd(20)} ${n}`);
      console.log(`Done in ${(result.ms / 1000).toFixed(1)} s (peak memory ${summary.peakRssMb} MB).`);
    }
  });

const account = program.command('account').description('Manage accounts and their roles');

account
  .command('create')
  .description('Create an account (use --admin for the first administrator)')
  .requiredOption('--name <name>', 'display name', textUpTo(200))
  .option('--email <email>', 'e-mail address', textUpTo(320))
  .option('--integration', "a partner portal's integration rather than a person")
  .option('--admin', 'grant the ADMIN role')
  .option('--analyst', 'grant the ANALYST role')
  .action(async (options: { name: string; email?: string; integration?: boolean; admin?: boolean; analyst?: boolean }) => {
    const created = await withMigratedDatabase((em) =>
      createAccount(em, {
        name: options.name,
        email: options.email,
        kind: options.integration ? AccountKind.INTEGRATION : AccountKind.PERSON,
        globalRoles: [...(options.admin ? [GlobalRole.ADMIN] : []), ...(options.analyst ? [GlobalRole.ANALYST] : [])],
      }),
    );
    console.log(`Created account ${created.id} (${created.name}).`);
  });

account
  .command('grant')
  .description('Make an account a verified member (PARTNER) of an organisation, or a COORDINATOR of a programme')
  .argument('<accountId>', 'account number', recordNumber)
  .option('--member <businessId>', 'Y-tunnus of the organisation', businessId)
  .option('--coordinator <programmeCode>', 'code of the programme', textUpTo(60))
  .action(async (accountId: number, options: { member?: string; coordinator?: string }, command: Command) => {
    if (!options.member && !options.coordinator) command.error('error: give --member <businessId> or --coordinator <programmeCode>', { exitCode: USAGE_ERROR });
    await withMigratedDatabase(async (em) => {
      if (options.member) {
        const organisation = await em.findOneOrFail(Organisation, { businessId: options.member });
        await addMembership(em, accountId, organisation.id, { verified: true });
        console.log(`Account ${accountId} is now a verified member of ${organisation.name}.`);
      }
      if (options.coordinator) {
        const programme = await em.findOneOrFail(Programme, { code: options.coordinator });
        await addCoordinator(em, accountId, programme.id);
        console.log(`Account ${accountId} now coordinates ${programme.name}.`);
      }
    });
  });

registerCheckCommand(program);
registerExchangeCommands(program, registerExportCommands(program), withPreparedDatabase);

const token = program.command('token').description('Issue and revoke API tokens');

token
  .command('create')
  .description('Issue an API token; it is shown once and only its hash is stored')
  .requiredOption('--account <id>', 'account number', recordNumber)
  .option('--name <name>', 'what the token is for', textUpTo(200), 'cli')
  .option('--read-only', 'queries only')
  .option('--days <n>', `days until it expires (1–${MAX_VALID_DAYS})`, integerFrom(1, MAX_VALID_DAYS), 90)
  .action(async (options: { account: number; name: string; readOnly?: boolean; days: number }) => {
    const issued = await withMigratedDatabase((em) =>
      issueToken(em, options.account, {
        name: options.name,
        scope: options.readOnly ? TokenScope.READ_ONLY : TokenScope.READ_WRITE,
        validDays: options.days,
      }),
    );
    console.log(`Token ${issued.record.id} (${issued.record.scope}, expires ${issued.record.expiresAt.toISOString()}):`);
    console.log(issued.token);
    console.log('Store it now: it cannot be shown again. Use it as "Authorization: Bearer <token>".');
  });

token
  .command('revoke')
  .description('Revoke an API token')
  .argument('<tokenId>', 'token number', recordNumber)
  .action(async (tokenId: number) => {
    const revoked = await withMigratedDatabase((em) => revokeToken(em, tokenId));
    console.log(revoked ? `Token ${tokenId} revoked.` : `No active token ${tokenId}.`);
    if (!revoked) process.exitCode = 1;
  });


program
  .command('schema:print')
  .description('Write schema.graphql from the code')
  .action(async () => {
    const { buildSiltaSchema, printSiltaSchema } = load('../schema') as typeof import('../schema');
    const schema = printSiltaSchema(await buildSiltaSchema());
    writeFileSync(SCHEMA_FILE, schema);
    console.log(`Wrote ${SCHEMA_FILE}`);
  });

program
  .command('schema:check')
  .description('Fail when schema.graphql differs from what the code generates')
  .action(async () => {
    const { buildSiltaSchema, printSiltaSchema } = load('../schema') as typeof import('../schema');
    const expected = printSiltaSchema(await buildSiltaSchema());
    const actual = existsSync(SCHEMA_FILE) ? readFileSync(SCHEMA_FILE, 'utf8') : '';
    if (actual !== expected) {
      console.error('schema.graphql is out of date with the code. Fix: npm run fix:schema');
      process.exitCode = 1;
    } else {
      console.log('schema.graphql matches the code.');
    }
  });

function loadConfigSafely(): ReturnType<typeof loadConfig> | undefined {
  try {
    return loadConfig();
  } catch {
    return undefined;
  }
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Commander has printed the message (or the help / version, which exit 0).
    process.exitCode = error.exitCode === 0 ? 0 : USAGE_ERROR;
    return;
  }
  // Error messages can quote connection strings; only `token create` may print a secret. One line,
  // no stack trace, unless asked for with --verbose or LOG_LEVEL=debug.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`silta: ${redactText(message)}`);
  if (program.opts<{ verbose?: boolean }>().verbose || /^(debug|trace)$/.test(loadConfigSafely()?.logLevel ?? '') ) {
    if (error instanceof Error && error.stack) console.error(redactText(error.stack));
  }
  process.exitCode = 1;
});
