import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditActor } from '../audit/audit.recorder';
import type { ImportProblem } from './exchange.records';
import { ImportRun, type ImportCounts } from './import-run.entity';
import type { BatchWrite } from './import.store';
import { ImportWriter, type ImportPermissions, type NearDuplicate, type WriteOutcome } from './import.writer';
import { readRecords, type ImportFormat } from './readers';
import { loadReadContext } from './readers/read-context';

/** Who imports, for the audit trail and the import record. */
export interface ImportActor {
  accountId: number | null;
  /** The account's name, or "silta import (OS user)" for the command line's system actor. */
  accountName: string;
  tokenId: number | null;
  requestId: string;
  clientRequestId: string | null;
  /** The audit trail's operation: `import` (command line) or `importProjects` (GraphQL). */
  operation: string;
}

export interface ImportRequest {
  /** Opens the file (again): once to hash it, once to read it. */
  open: () => Readable;
  fileName: string;
  format?: ImportFormat;
  programmeCode?: string;
  mappingFile?: string;
  dryRun: boolean;
  skipInvalid: boolean;
  actor: ImportActor;
  permissions: ImportPermissions;
}

/** What an import did, or would do: the command prints it, the mutation returns it. */
export interface ImportReport {
  fileName: string;
  /** SHA-256 of the file's bytes. */
  fileHash: string;
  format: string;
  dryRun: boolean;
  skipInvalid: boolean;
  /** True when the changes were committed; false for a dry run and for a refused file. */
  committed: boolean;
  counts: ImportCounts;
  /** The problems (at most MAX_LISTED_PROBLEMS of them; `problemCount` counts all). */
  problems: ImportProblem[];
  problemCount: number;
  nearDuplicates: NearDuplicate[];
  importRunId: number | null;
}

export const ADMIN_PERMISSIONS: ImportPermissions = { programmes: true, programmeIds: null, organisationUpdates: true };

export async function hashStream(input: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of input) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The format a file is read as: forced, or told by its first character (JSON) or its header (CSV). */
async function formatOf(request: ImportRequest): Promise<string> {
  if (request.format) return request.format;
  for await (const chunk of request.open()) {
    const text = (chunk as Buffer).subarray(0, 64).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return text.startsWith('{') ? 'silta-json' : 'csv';
  }
  return 'empty';
}

/** Whether an outcome may be committed: never for a dry run; with problems only under skip-invalid. */
export function mayCommit(request: Pick<ImportRequest, 'dryRun' | 'skipInvalid'>, outcome: WriteOutcome): boolean {
  return !request.dryRun && (request.skipInvalid || outcome.problemCount === 0);
}

/**
 * Reads and writes one file inside the caller's transaction; `flush` writes each batch with its audit
 * rows (`batch.write(em)`, in the caller's write window). The caller commits or rolls back (see `mayCommit`).
 */
export async function writeImport(em: EntityManager, request: ImportRequest, flush: (em: EntityManager, batch: BatchWrite) => Promise<void>): Promise<WriteOutcome> {
  const context = await loadReadContext(em);
  const items = readRecords(request.open(), { fileName: request.fileName, programmeCode: request.programmeCode, format: request.format, mappingFile: request.mappingFile, context });
  return new ImportWriter(em, { skipInvalid: request.skipInvalid, permissions: request.permissions, context, actor: auditActor(request.actor), flush }).write(items);
}

export function auditActor(actor: ImportActor): AuditActor {
  return { accountId: actor.accountId, accountName: actor.accountName, tokenId: actor.tokenId, organisationId: null, operation: actor.operation, requestId: actor.requestId, clientRequestId: actor.clientRequestId };
}

/** Records the run (dry runs and refused files too) and completes the report. */
export async function recordImportRun(em: EntityManager, request: ImportRequest, started: Date, fileHash: string, format: string, outcome: WriteOutcome, committed: boolean): Promise<ImportReport> {
  const run = em.create(ImportRun, {
    startedAt: started,
    fileName: request.fileName.slice(0, 500),
    fileHash,
    format,
    accountId: request.actor.accountId ?? undefined,
    actorName: request.actor.accountName.slice(0, 200),
    dryRun: request.dryRun,
    skipInvalid: request.skipInvalid,
    committed,
    counts: outcome.counts,
    problemCount: outcome.problemCount,
  });
  await em.persistAndFlush(run);
  return {
    fileName: request.fileName,
    fileHash,
    format,
    dryRun: request.dryRun,
    skipInvalid: request.skipInvalid,
    committed,
    counts: outcome.counts,
    problems: outcome.problems,
    problemCount: outcome.problemCount,
    nearDuplicates: outcome.nearDuplicates,
    importRunId: run.id,
  };
}

class RollBack extends Error {}

/**
 * `silta import`: one transaction for the whole file, as the database owner (the command line is
 * trusted like `psql`), committed only when `mayCommit` says so; then the run is recorded.
 */
export async function importFile(em: EntityManager, request: ImportRequest): Promise<ImportReport> {
  const started = new Date();
  const fileHash = await hashStream(request.open());
  const format = await formatOf(request);
  let outcome: WriteOutcome | undefined;
  let committed = false;
  try {
    await em.fork().transactional(async (tx) => {
      outcome = await writeImport(tx, request, (batchEm, batch) => batch.write(batchEm));
      if (!mayCommit(request, outcome)) throw new RollBack();
    });
    committed = true;
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  return recordImportRun(em.fork(), request, started, fileHash, format, outcome!, committed);
}

/** The report in text: counts, then each problem as `file:line: column: message`. */
export function formatReport(report: ImportReport): string {
  const lines: string[] = [];
  for (const problem of report.problems) lines.push(`${problem.file}:${problem.line}: ${problem.column ?? '-'}: ${problem.message}`);
  if (report.problemCount > report.problems.length) lines.push(`… and ${report.problemCount - report.problems.length} more problems`);
  for (const duplicate of report.nearDuplicates) {
    lines.push(`${duplicate.file}:${duplicate.line}: name: "${duplicate.name}" resembles "${duplicate.similarName}"${duplicate.similarBusinessId ? ` (${duplicate.similarBusinessId})` : ''}; created anyway, without an ID to match on: merge them by hand if they are one body`);
  }
  for (const [kind, counts] of Object.entries(report.counts)) {
    if (counts.created + counts.updated + counts.unchanged + counts.invalid === 0) continue;
    // Nothing was written when the import was refused or a dry run: the counts are what it would do.
    const [created, updated] = report.committed ? ['created', 'updated'] : ['to create', 'to update'];
    lines.push(`${`${kind}s:`.padEnd(15)} ${counts.created} ${created}, ${counts.updated} ${updated}, ${counts.unchanged} unchanged, ${counts.invalid} invalid`);
  }
  const total = Object.values(report.counts).reduce((sum, counts) => ({ created: sum.created + counts.created, updated: sum.updated + counts.updated }), { created: 0, updated: 0 });
  if (report.dryRun) lines.push(`Dry run: nothing written (${total.created} created, ${total.updated} updated if imported).`);
  else if (!report.committed) lines.push(`${report.problemCount} problem(s): nothing written. Fix the rows, or import the valid ones with --skip-invalid.`);
  else lines.push(`Imported ${report.fileName}: ${total.created} created, ${total.updated} updated${report.problemCount > 0 ? `, ${report.problemCount} problem(s) skipped` : ''}.`);
  return lines.join('\n');
}
