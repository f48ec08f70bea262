import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Account } from '../modules/auth/account.entity';
import { startProgress } from './progress';
import { exportSiltaJson } from '../modules/exchange/export.service';
import { ADMIN_PERMISSIONS, formatReport, importFile, type ImportActor, type ImportReport } from '../modules/exchange/import.service';
import type { ImportFormat } from '../modules/exchange/readers';

const USAGE_ERROR = 2;
const FORMATS: ImportFormat[] = ['silta-json', 'silta-csv', 'eu-operations', 'leader-decisions'];

interface ImportOptions {
  programme?: string;
  skipInvalid?: boolean;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  format?: ImportFormat;
  mapping?: string;
  as?: string;
}

/** Who the audit trail names: the account given with --as, else the system actor with the OS user's name. */
async function actorFor(em: EntityManager, email: string | undefined): Promise<ImportActor | string> {
  const base = { tokenId: null, requestId: `import-${randomUUID()}`, clientRequestId: null, operation: 'import' };
  if (!email) return { ...base, accountId: null, accountName: `silta import (${userInfo().username})` };
  const account = await em.findOne(Account, { email });
  if (!account || account.disabledAt) return `No active account with the e-mail address ${email}`;
  return { ...base, accountId: account.id, accountName: account.name };
}

/** Prints the report (kept apart so a progress display can be put around the import). */
export function printReport(report: ImportReport, json: boolean): void {
  if (json) console.log(JSON.stringify(report));
  else (report.committed || report.dryRun ? console.log : console.error)(formatReport(report));
}

/**
 * `silta import` and `silta export json`. `withDatabase` opens the migrated database as its owner and
 * closes it again.
 */
export function registerExchangeCommands(program: Command, exporting: Command, withDatabase: <T>(fn: (em: EntityManager) => Promise<T>) => Promise<T>): void {
  program
    .command('import')
    .description('Import programmes, organisations and projects from a file (Silta JSON or CSV); all or nothing unless --skip-invalid')
    .argument('<file>', 'the file to import')
    .option('--programme <code>', 'every row belongs to this programme (CSV)')
    .option('--skip-invalid', 'write the valid rows and report the rest')
    .option('--dry-run', 'validate and report what would change; write nothing')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress bar')
    .addOption(new Option('--format <format>', 'read the file as this format instead of detecting it').choices(FORMATS))
    .option('--mapping <file>', 'column mapping file for EU lists of operations')
    .option('--as <email>', "the account the audit trail names (default: a system actor with the OS user's name)")
    .action(async (file: string, options: ImportOptions, command: Command) => {
      if (!existsSync(file) || !statSync(file).isFile()) command.error(`error: no file ${file}`, { exitCode: USAGE_ERROR });
      if (options.mapping && !existsSync(options.mapping)) command.error(`error: no mapping file ${options.mapping}`, { exitCode: USAGE_ERROR });
      // Progress is the bytes read of the file, the rate its lines per second (a record a line in CSV).
      // The first read only hashes the file, so it does not move the bar.
      const progress = startProgress({ total: statSync(file).size, unit: 'bytes', rateUnit: 'lines', quiet: options.json || options.quiet });
      let opened = 0;
      const report = await withDatabase(async (em) => {
        const actor = await actorFor(em, options.as);
        if (typeof actor === 'string') return actor;
        return importFile(em, {
          open: () => {
            const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
            if (++opened === 1) return stream;
            let lines = 0;
            const counting = new Transform({
              transform(chunk: Buffer, _encoding, done) {
                for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
                progress.update(stream.bytesRead, lines);
                done(null, chunk);
              },
            });
            stream.on('error', (error) => counting.destroy(error));
            counting.on('close', () => stream.destroy());
            return stream.pipe(counting);
          },
          fileName: file,
          format: options.format,
          programmeCode: options.programme,
          mappingFile: options.mapping,
          dryRun: options.dryRun ?? false,
          skipInvalid: options.skipInvalid ?? false,
          actor,
          permissions: ADMIN_PERMISSIONS,
        });
      }).finally(() => progress.stop());
      if (typeof report === 'string') command.error(`error: ${report}`, { exitCode: USAGE_ERROR });
      else {
        printReport(report, options.json ?? false);
        if (report.problemCount > 0 && !report.skipInvalid) process.exitCode = 1;
      }
    });

  exporting
    .command('json')
    .description('Dump programmes, organisations and projects in Silta\'s JSON format (silta/1); `silta import` reads it back')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: { out?: string }) => {
      await withDatabase(async (em) => {
        // One snapshot for the whole dump: pages read later see the same data as the first.
        await em.transactional(
          async (tx) => {
            const output = options.out ? createWriteStream(options.out) : process.stdout;
            await pipeline(Readable.from(exportSiltaJson(tx)), output, { end: Boolean(options.out) });
          },
          { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
        );
      });
      if (options.out) console.error(`Wrote ${options.out}`);
    });
}
