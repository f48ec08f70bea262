import { Readable } from 'node:stream';
import { Arg, Ctx, Field, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { setWriting } from '../../shared/db/session';
import { forbidden } from '../../shared/errors';
import { requireWriter } from '../mutation/mutation.runner';
import { UserError, UserErrorCode, userError } from '../../shared/mutations/user-error';
import { isAdmin, isCoordinator } from '../auth/viewer';
import { ADMIN_PERMISSIONS, hashStream, mayCommit, recordImportRun, writeImport, type ImportReport, type ImportRequest } from './import.service';
import type { WriteOutcome } from './import.writer';

/** What the mutation needs of the configuration (IMPORT_MAX_BYTES). */
export interface ImportContext {
  importMaxBytes: number;
}

@InputType({ description: 'A file to import: Silta JSON (silta/1) or CSV, as text.' })
export class ImportProjectsInput {
  @Field(() => String, { description: 'The file\'s content as text (UTF-8), at most IMPORT_MAX_BYTES bytes.' })
  content!: string;

  @Field(() => String, { description: 'The file\'s name, as problems and the import record name it.' })
  fileName!: string;

  @Field(() => String, { nullable: true, description: 'Every row belongs to this programme (code, e.g. "KAKE-KUOPIO-2021"), for CSV files.' })
  programme?: string | null;

  @Field(() => Boolean, { defaultValue: false, description: 'Write the valid rows and report the rest (default: all or nothing).' })
  skipInvalid!: boolean;

  @Field(() => Boolean, { defaultValue: false, description: 'Validate and report what would change; write nothing.' })
  dryRun!: boolean;
}

@ObjectType({ description: 'What an import did (or would do) to one kind of record.' })
export class ImportKindCounts {
  @Field(() => Int, { description: 'Records created.' })
  created!: number;

  @Field(() => Int, { description: 'Records changed.' })
  updated!: number;

  @Field(() => Int, { description: 'Records already as the file has them (nothing written).' })
  unchanged!: number;

  @Field(() => Int, { description: 'Records refused for problems.' })
  invalid!: number;
}

@ObjectType('ImportCounts', { description: 'Counts per kind of record.' })
export class ImportCountsReport {
  @Field(() => ImportKindCounts, { description: 'Organisations.' })
  organisations!: ImportKindCounts;

  @Field(() => ImportKindCounts, { description: 'Programmes.' })
  programmes!: ImportKindCounts;

  @Field(() => ImportKindCounts, { description: 'Projects.' })
  projects!: ImportKindCounts;
}

@ObjectType('ImportProblem', { description: 'A problem with one row or record of an imported file.' })
export class ImportProblemReport {
  @Field(() => String, { description: 'The file name.' })
  file!: string;

  @Field(() => Int, { description: 'The physical line in the file (a CSV header is line 1; a JSON record\'s first line).' })
  line!: number;

  @Field(() => String, { nullable: true, description: 'The CSV column or the JSON path, e.g. "projects[3].plannedEnd".' })
  column!: string | null;

  @Field(() => String, { description: 'What is wrong.' })
  message!: string;
}

@ObjectType({ description: 'A new organisation without any ID whose name resembles an existing one: for a person to decide whether they are one body.' })
export class ImportNearDuplicate {
  @Field(() => Int, { description: 'Line of the record in the file.' })
  line!: number;

  @Field(() => String, { description: 'The name in the file.' })
  name!: string;

  @Field(() => String, { description: 'The similar name already in Silta.' })
  similarName!: string;

  @Field(() => String, { nullable: true, description: 'The Y-tunnus of the similar organisation, if it has one.' })
  similarBusinessId!: string | null;
}

@ObjectType('ImportReport', { description: 'The report of an import, the same as `silta import --json` prints.' })
export class ImportReportType {
  @Field(() => String, { description: 'The file name.' })
  fileName!: string;

  @Field(() => String, { description: 'SHA-256 of the file content (UTF-8), hexadecimal.' })
  fileHash!: string;

  @Field(() => String, { description: 'The format the file was read as, e.g. "silta-json" or "csv".' })
  format!: string;

  @Field(() => Boolean, { description: 'True for a dry run: nothing was written.' })
  dryRun!: boolean;

  @Field(() => Boolean, { description: 'True when the changes were committed.' })
  committed!: boolean;

  @Field(() => ImportCountsReport, { description: 'What the import did (or would do) per kind of record.' })
  counts!: ImportCountsReport;

  @Field(() => [ImportProblemReport], { description: 'The problems, at most 10 000 of them (see problemCount).' })
  problems!: ImportProblemReport[];

  @Field(() => Int, { description: 'The number of problems found.' })
  problemCount!: number;

  @Field(() => [ImportNearDuplicate], { description: 'New organisations without an ID whose names resemble existing ones.' })
  nearDuplicates!: ImportNearDuplicate[];
}

@ObjectType({ description: 'Result of `importProjects`.' })
export class ImportProjectsPayload {
  @Field(() => ImportReportType, { nullable: true, description: 'The report; null when the input itself was refused (see userErrors).' })
  report!: ImportReportType | null;

  @Field(() => [UserError], { description: 'Problems with the input (too large, no permission for a row\'s programme is in the report); empty when the file was read.' })
  userErrors!: UserError[];
}

function reportType(report: ImportReport): ImportReportType {
  return {
    fileName: report.fileName,
    fileHash: report.fileHash,
    format: report.format,
    dryRun: report.dryRun,
    committed: report.committed,
    counts: { organisations: report.counts.organisation, programmes: report.counts.programme, projects: report.counts.project },
    problems: report.problems,
    problemCount: report.problemCount,
    nearDuplicates: report.nearDuplicates,
  };
}

class RollBack extends Error {
  constructor(readonly outcome: WriteOutcome) {
    super('import rolled back');
  }
}

@Resolver()
export class ImportMutationResolver {
  @Mutation(() => ImportProjectsPayload, {
    nullable: true,
    description:
      'Import a Silta JSON or CSV file (the same as `silta import`): all or nothing unless skipInvalid; dryRun only reports. Administrators may import anything; coordinators only projects of the programmes they coordinate, and they cannot change organisations already in Silta.',
  })
  async importProjects(@Arg('input', () => ImportProjectsInput, { description: 'The file and how to import it.' }) input: ImportProjectsInput, @Ctx() ctx: Context & ImportContext): Promise<ImportProjectsPayload> {
    requireWriter(ctx);
    const viewer = ctx.viewer;
    if (!isAdmin(viewer) && !isCoordinator(viewer)) throw forbidden('Only administrators and programme coordinators may import');
    const bytes = Buffer.from(input.content, 'utf8');
    if (bytes.length > ctx.importMaxBytes) {
      return { report: null, userErrors: [userError(UserErrorCode.INVALID_VALUE, 'input.content', `The file is larger than ${ctx.importMaxBytes} bytes (IMPORT_MAX_BYTES); use silta import on the server`)] };
    }
    // Control characters (NUL above all) cannot be stored, and have no business in a file name.
    const fileName = input.fileName.replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, 500) || 'upload';
    const request: ImportRequest = {
      open: () => Readable.from([bytes]),
      fileName,
      programmeCode: input.programme ?? undefined,
      dryRun: input.dryRun,
      skipInvalid: input.skipInvalid,
      actor: { accountId: viewer.accountId, accountName: viewer.accountName ?? `account ${viewer.accountId}`, tokenId: viewer.tokenId, requestId: ctx.requestId, clientRequestId: ctx.clientRequestId, operation: 'importProjects' },
      permissions: isAdmin(viewer) ? ADMIN_PERMISSIONS : { programmes: false, programmeIds: new Set(viewer.coordinatedProgrammeIds), organisationUpdates: false },
    };
    if (ctx.transaction.isAbandoned) throw new Error('The request was abandoned after its timeout');
    const started = new Date();
    const fileHash = await hashStream(request.open());
    let outcome: WriteOutcome;
    let committed = false;
    try {
      // A savepoint in the request's transaction, under row-level security as the viewer; writes only
      // inside the write window, each batch with its audit rows.
      outcome = await ctx.em.fork({ keepTransactionContext: true }).transactional(async (em) => {
        const result = await writeImport(em, request, async (batchEm, batch) => {
          await setWriting(batchEm, true);
          await batch.write(batchEm);
          await setWriting(batchEm, false);
        });
        if (!mayCommit(request, result)) throw new RollBack(result);
        return result;
      });
      committed = true;
    } catch (error) {
      if (!(error instanceof RollBack)) throw error;
      outcome = error.outcome;
    }
    const format = bytes.subarray(0, 64).toString('utf8').replace(/^\uFEFF/, '').trimStart().startsWith('{') ? 'silta-json' : 'csv';
    const report = await recordImportRun(ctx.em.fork({ keepTransactionContext: true }), request, started, fileHash, format, outcome, committed);
    return { report: reportType(report), userErrors: [] };
  }
}
