import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'csv-stringify/sync';
import { FundingSource } from '../funding/funding.enums';
import { Scheme } from '../programme/programme.enums';
import { cents, checkLooRow, euros, kohesioDate, LOO_COLUMNS, percentage, type LooProblem, type LooRow } from './loo.rules';
import { publicProjectPages, type PublicProject } from './public-projects';

/** Where an export writes: resolves once the chunk is accepted (waits for 'drain' when the reader is slow). */
export type ExportSink = (chunk: string) => Promise<void>;

export interface ExportOptions {
  programmeId?: number;
  /** Called after each page with the number of projects read so far. */
  onProgress?: (projectsRead: number) => void;
}

/** A project the export left out, and why. */
export interface SkippedProject {
  code: string;
  problems: Array<{ column: string; message: string }>;
}

export interface LooReport {
  format: 'loo';
  rows: number;
  skipped: SkippedProject[];
}

const EU_SOURCES: readonly FundingSource[] = [FundingSource.ESR, FundingSource.EAFRD];

/** Kohesio's fund codes and names; ESR is ESF+ from the 2021–2027 period on. */
function funds(project: PublicProject): Array<{ code: string; name: string }> {
  let sources = EU_SOURCES.filter((source) => project.fundingLines.some((line) => line.source === source));
  if (sources.length === 0) {
    if (project.programme.scheme === Scheme.KAKE) sources = [FundingSource.ESR];
    if (project.programme.scheme === Scheme.LEADER) sources = [FundingSource.EAFRD];
  }
  return sources.map((source) =>
    source === FundingSource.EAFRD
      ? { code: 'EAFRD', name: 'European Agricultural Fund for Rural Development' }
      : project.programme.periodStart >= '2021-01-01'
        ? { code: 'ESF+', name: 'European Social Fund Plus' }
        : { code: 'ESF', name: 'European Social Fund' },
  );
}

/**
 * One project as a row of the list of operations. Dates are the actual ones where known, else the
 * planned ones; the total eligible expenditure is the granted total over every source (public, private
 * and in kind, as the funding decision sets the eligible costs), or the planned total before a decision.
 */
export function looRow(project: PublicProject): LooRow {
  const granted = project.fundingLines.reduce((sum, line) => sum + cents(line.granted), 0n);
  const useGranted = granted > 0n;
  const amount = (line: { planned: string; granted: string }) => cents(useGranted ? line.granted : line.planned);
  const total = project.fundingLines.reduce((sum, line) => sum + amount(line), 0n);
  const eu = project.fundingLines.filter((line) => EU_SOURCES.includes(line.source)).reduce((sum, line) => sum + amount(line), 0n);
  const fund = funds(project);
  return {
    Operation_Unique_Identifier: project.code,
    Operation_Local_Identifier: project.euraCode ?? project.hyrraNumber ?? '',
    Operation_Name_Programme_Language: project.title,
    Operation_Summary_Programme_Language: project.summary ?? project.purpose ?? '',
    Operation_Start_Date: kohesioDate(project.actualStart ?? project.plannedStart),
    Operation_End_Date: kohesioDate(project.actualEnd ?? project.plannedEnd),
    Country: 'Finland',
    Location_Indicator_Postcode: project.locations.map((location) => location.postalCode).join(';'),
    Location_Indicator_NUTS_code: '',
    Location_Indicator_latitude_longitude: '',
    Total_Eligible_Expenditure_amount: euros(total),
    Total_Eligible_Expenditure_Currency: 'EUR',
    Total_Eligible_Expenditure_Exchange_Rate: '',
    Project_EU_Budget: euros(eu),
    Cofinancing_Rate: percentage(eu, total),
    Beneficiary_Name: project.beneficiary?.name ?? '',
    Beneficiary_Local_Identifier: project.beneficiary?.businessId ?? '',
    Fund_Code: fund.map((f) => f.code).join('|'),
    Fund_Name: fund.map((f) => f.name).join('|'),
    Programme_Code: project.programme.code,
    Programme_Name: project.programme.name,
    Programming_Period: `${project.programme.periodStart.slice(0, 4)}-${project.programme.periodEnd.slice(0, 4)}`,
  };
}

/**
 * Writes the public projects as Kohesio's list-of-operations CSV (RFC 4180: comma, CRLF, header row),
 * one row per project, a page at a time. Every row passes the three validator rules or is left out
 * and reported.
 */
export async function exportLoo(em: EntityManager, write: ExportSink, options: ExportOptions = {}): Promise<LooReport> {
  const report: LooReport = { format: 'loo', rows: 0, skipped: [] };
  let read = 0;
  await write(stringify([[...LOO_COLUMNS]], { record_delimiter: 'windows' }));
  for await (const page of publicProjectPages(em, { programmeId: options.programmeId })) {
    const rows: LooRow[] = [];
    for (const project of page) {
      const row = looRow(project);
      const problems: LooProblem[] = checkLooRow(row);
      if (problems.length > 0) {
        report.skipped.push({ code: project.code, problems: problems.map(({ column, message }) => ({ column, message })) });
      } else {
        rows.push(row);
      }
    }
    if (rows.length > 0) await write(stringify(rows, { columns: [...LOO_COLUMNS], record_delimiter: 'windows' }));
    report.rows += rows.length;
    read += page.length;
    options.onProgress?.(read);
  }
  return report;
}
