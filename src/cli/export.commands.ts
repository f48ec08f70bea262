import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { Command } from 'commander';
import type { EntityManager } from '@mikro-orm/postgresql';
import { exportLoo, type ExportOptions, type ExportSink, type SkippedProject } from '../modules/exchange/loo.export';
import { exportThreeSixtyGiving } from '../modules/exchange/threesixty.export';
import { countPublicProjects, programmeIdOf, readAsPublic } from '../modules/exchange/public-projects';
import { withServingOrm } from './cli-database';
import { startProgress } from './progress';

interface ExportCliOptions {
  out?: string;
  programme?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Where the data goes: a file (written beside it, renamed into place when complete) or stdout. */
interface Output {
  write: ExportSink;
  commit(): Promise<void>;
  abort(): void;
  /** Where the report goes: stdout when the data is in a file, stderr when stdout carries the data. */
  report: NodeJS.WriteStream;
  name: string;
}

function writeTo(stream: NodeJS.WritableStream | WriteStream): ExportSink {
  return (chunk) =>
    new Promise<void>((resolve, reject) => {
      stream.write(chunk, (error?: Error | null) => (error ? reject(error) : resolve()));
    });
}

function openOutput(file: string | undefined): Output {
  if (!file || file === '-') {
    return { write: writeTo(process.stdout), commit: async () => undefined, abort: () => undefined, report: process.stderr, name: 'stdout' };
  }
  const target = path.resolve(file);
  const partial = `${target}.partial`;
  const stream = createWriteStream(partial);
  let failed: Error | undefined;
  stream.on('error', (error) => {
    failed = error;
  });
  return {
    write: async (chunk) => {
      if (failed) throw failed;
      await writeTo(stream)(chunk);
    },
    commit: async () => {
      stream.end();
      await once(stream, 'close');
      if (failed) throw failed;
      renameSync(partial, target);
    },
    abort: () => {
      stream.destroy();
      rmSync(partial, { force: true });
    },
    report: process.stdout,
    name: target,
  };
}

type Exporter<R> = (em: EntityManager, write: ExportSink, options: ExportOptions) => Promise<R>;

/** Runs one export as the anonymous public, with a progress bar on a terminal; returns its report. */
async function runExport<R extends { skipped: SkippedProject[] }>(exporter: Exporter<R>, options: ExportCliOptions, output: Output): Promise<R> {
  try {
    const report = await withServingOrm((orm) =>
      readAsPublic(orm, async (em) => {
        const programmeId = options.programme ? await programmeIdOf(em, options.programme) : undefined;
        const progress = startProgress({ total: await countPublicProjects(em, programmeId), unit: 'projects', quiet: options.json || options.quiet });
        try {
          return await exporter(em, output.write, { programmeId, onProgress: (n) => progress.update(n) });
        } finally {
          progress.stop();
        }
      }),
    );
    await output.commit();
    return report;
  } catch (error) {
    output.abort();
    throw error;
  }
}

/** Prints what was left out (one line each, on stderr) and sets exit status 1 when anything was. */
function reportSkipped(skipped: SkippedProject[], what: string): void {
  if (skipped.length === 0) return;
  for (const project of skipped) {
    for (const problem of project.problems) console.error(`${project.code}: ${problem.column}: ${problem.message}`);
  }
  console.error(`Left out ${skipped.length} project(s) that would not be valid ${what}.`);
  process.exitCode = 1;
}

function addCommonOptions(command: Command): Command {
  return command
    .option('--out <file>', 'write to this file (default: stdout); it appears only once complete')
    .option('--programme <code>', 'only the projects of this programme')
    .option('--json', 'print the report as one JSON line')
    .option('--quiet', 'print nothing but errors');
}

/**
 * `silta export …`: open-standard exports of what the public may see. Returns the group so that other
 * formats (`export json`) can add their subcommands to it.
 */
export function registerExportCommands(program: Command): Command {
  const group = program.command('export').description("Export data: what the public may see in open standards (EU list of operations, 360Giving), or a full dump in Silta's JSON format");

  addCommonOptions(
    group
      .command('loo')
      .description("The EU list of operations as CSV with Kohesio's column names: one row per public project, each passing the three Kohesio validator rules"),
  ).action(async (options: ExportCliOptions) => {
    const output = openOutput(options.out);
    const report = await runExport(exportLoo, options, output);
    if (options.json) {
      output.report.write(`${JSON.stringify({ ...report, out: output.name })}\n`);
    } else if (!options.quiet) {
      output.report.write(`Wrote ${report.rows} operation(s) to ${output.name}.\n`);
    }
    if (!options.json) reportSkipped(report.skipped, 'rows of a list of operations');
    else if (report.skipped.length > 0) process.exitCode = 1;
  });

  addCommonOptions(
    group
      .command('360giving')
      .description('The granted funding lines of public projects as a 360Giving JSON package (schema 1.4)'),
  ).action(async (options: ExportCliOptions) => {
    const output = openOutput(options.out);
    const report = await runExport(exportThreeSixtyGiving, options, output);
    if (options.json) {
      output.report.write(`${JSON.stringify({ ...report, out: output.name })}\n`);
    } else if (!options.quiet) {
      output.report.write(`Wrote ${report.grants} grant(s) to ${output.name} (${report.notAwarded} funding line(s) with nothing granted left out).\n`);
    }
    if (!options.json) reportSkipped(report.skipped, '360Giving grants');
    else if (report.skipped.length > 0) process.exitCode = 1;
  });

  return group;
}
