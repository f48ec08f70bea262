import { Readable } from 'node:stream';
import { parse, type CsvError, type Options, type Parser } from 'csv-parse';
import { todayInFinland } from '../../project/project.validation';
import type { ImportProblem, ReadItem } from '../exchange.records';
import { detectFormat, type CsvFormat, type HeaderMap } from './csv-formats';
import { readEuOperationRow, readLeaderDecisionRow, readSiltaRow, Row, type RowRecords, type RowSettings } from './csv-rows';
import { decodeText } from './csv-text';
import type { ReadOptions } from './index';

/** The longest record the reader accepts (characters); longer ones are a problem, not a memory hazard. */
export const MAX_RECORD_CHARACTERS = 1_000_000;

const ROW_READERS: Record<CsvFormat, (row: Row) => RowRecords | null> = {
  'silta-csv': readSiltaRow,
  'eu-operations': readEuOperationRow,
  'leader-decisions': readLeaderDecisionRow,
};

/** The delimiter of a header line: the most frequent of `;`, `,` and tab outside quotes (`;` on a tie). */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>([[';', 0], [',', 0], ['\t', 0]]);
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  return [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
}

type Parsed = { kind: 'record'; cells: string[]; endLine: number } | { kind: 'error'; error: CsvError };

function parserMessage(error: CsvError): string {
  switch (error.code) {
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'A quoted cell must end with " followed by the delimiter or the end of the line (write "" for a quote inside a quoted cell)';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'A quoted cell that starts on this line (or the next that is not blank) is never closed: a " is missing';
    case 'CSV_MAX_RECORD_SIZE':
      return `The row is longer than ${MAX_RECORD_CHARACTERS} characters (an unclosed quote?)`;
    default:
      return error.message;
  }
}

/**
 * Reads a CSV import streaming, one item per row: the organisations a row names, then its project, or
 * one `invalid` item with all the row's problems. Line numbers are physical (the header is line 1; a
 * row with a quoted multi-line cell counts from the line it starts on). Problems of the file as a
 * whole (no known header, a --programme that does not exist) are one `invalid` item at line 1.
 */
export async function* readCsv(input: AsyncIterable<Buffer>, options: ReadOptions): AsyncGenerator<ReadItem> {
  const file = options.fileName;
  const fileProblem = (message: string, line = 1, column: string | null = null): ReadItem => ({
    kind: 'invalid',
    problems: [{ file, line, column, message }],
    origin: { file, line },
  });
  if (options.programmeCode && !options.context.programmes.some((programme) => programme.code === options.programmeCode)) {
    const known = options.context.programmes.map((programme) => programme.code).join(', ');
    yield fileProblem(`--programme ${options.programmeCode}: no programme has this code (known: ${known || 'none'})`);
    return;
  }
  const text = decodeText(input);
  // The header line decides the delimiter; it is read ahead and replayed to the parser.
  const chunks: string[] = [];
  let headerLine: string | null = null;
  let length = 0;
  for (let next = await text.chunks.next(); !next.done; next = await text.chunks.next()) {
    chunks.push(next.value);
    length += next.value.length;
    const newline = next.value.indexOf('\n');
    if (newline >= 0) {
      headerLine = chunks.join('').split('\n', 1)[0];
      break;
    }
    if (length > MAX_RECORD_CHARACTERS) break;
  }
  headerLine ??= chunks.join('').slice(0, MAX_RECORD_CHARACTERS);
  if (headerLine.trim() === '') {
    yield fileProblem('The file is empty or its first line is blank; the first line must name the columns');
    return;
  }
  // Excel's "sep=;" first line names the delimiter; the header is then line 2.
  const separator = /^sep=([;,\t|])\s*$/i.exec(headerLine);
  const headerLineNumber = separator ? 2 : 1;
  async function* replay(): AsyncGenerator<string> {
    yield* chunks;
    chunks.length = 0;
    yield* text.chunks;
  }

  // eslint-disable-next-line prefer-const -- on_skip refers to the parser before it exists
  let parser: Parser;
  const source = Readable.from(replay(), { objectMode: false });
  const parserOptions: Options<Parsed, string[]> = {
    delimiter: separator?.[1] ?? detectDelimiter(headerLine),
    from_line: headerLineNumber,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARACTERS,
    on_record: (cells: string[], context) => ({ kind: 'record', cells, endLine: context.lines }) satisfies Parsed,
    on_skip: (error) => {
      if (error) parser.push({ kind: 'error', error } satisfies Parsed);
      return undefined;
    },
  };
  parser = parse(parserOptions as unknown as Options);
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);

  const settings: RowSettings = { file, context: options.context, programmeCode: options.programmeCode, today: options.today ?? todayInFinland() };
  let header: HeaderMap | null = null;
  let columns: ReturnType<typeof recordColumns> = { project: {}, organisation: {} };
  let headerCount = 0;
  let lastEndLine = 0;
  const projectLines = new Map<string, number>();
  const organisationsSeen = new Set<string>();
  // Also when the consumer stops early or reading stops at a problem: close the input, not only the parser.
  try {
    for await (const item of parser as AsyncIterable<Parsed>) {
      if (item.kind === 'error') {
        // csv-parse cannot tell reliably where the next row starts after a quoting error, so rows after it
        // could be lost or split silently; reading stops instead, and the report says so.
        const line = item.error.code === 'CSV_QUOTE_NOT_CLOSED' ? lastEndLine + 1 : Number(item.error.lines ?? lastEndLine + 1);
        yield fileProblem(`${parserMessage(item.error)}. Reading stopped here: the rows after this line were not read`, line);
        parser.destroy();
        return;
      }
      const newlines = item.cells.reduce((count, cell) => count + (cell.match(/\n/g)?.length ?? 0), 0);
      const line = item.endLine - newlines;
      lastEndLine = item.endLine;
      if (header === null) {
        if (line !== headerLineNumber) {
          yield fileProblem('The first line is blank; the first line must name the columns');
          parser.destroy();
          return;
        }
        const forced = options.format === 'silta-csv' || options.format === 'eu-operations' || options.format === 'leader-decisions' ? options.format : undefined;
        header = detectFormat(item.cells, options.mappingFile, forced);
        headerCount = item.cells.length;
        if (header === null) {
          yield fileProblem(
            `The header does not match ${forced ?? 'any CSV format Silta reads'}: Silta's own CSV needs code, title and status; ` +
              'a Leader decision list needs Hakija/Applicant, Hanke/Project, Tuki €/Aid € and Päätöspäivä/Decision date; an EU list of operations needs ' +
              'an operation code, operation name, beneficiary name and total cost (see docs/import-export.md)',
          );
          parser.destroy();
          return;
        }
        if (header.repeated.length > 0) {
          yield fileProblem(`Column${header.repeated.length > 1 ? 's' : ''} ${header.repeated.map((name) => `"${name}"`).join(', ')} repeat${header.repeated.length > 1 ? '' : 's'} a column of the same meaning; keep one`);
          parser.destroy();
          return;
        }
        if (header.format === 'silta-csv' && header.unknown.length > 0) {
          yield fileProblem(`Unknown column${header.unknown.length > 1 ? 's' : ''} ${header.unknown.map((name) => `"${name}"`).join(', ')} in Silta's CSV (see docs/import-export.md)`);
          parser.destroy();
          return;
        }
        columns = recordColumns(header);
        continue;
      }
      // Rows of nothing but delimiters (cells Excel kept formatted below the data) are blank lines.
      if (item.cells.every((cell) => cell.trim() === '')) continue;
      const row = new Row(item.cells, header, line, settings);
      const extra = item.cells.slice(headerCount).filter((cell) => cell.trim() !== '').length;
      if (extra > 0) row.problem(null, `The row has ${item.cells.length} cells but the header has ${headerCount} columns (a delimiter inside an unquoted cell?)`);
      else if (item.cells.length < headerCount && item.cells.length > 1) {
        row.problem(null, `The row has ${item.cells.length} cells but the header has ${headerCount} columns (a line break inside an unquoted cell?)`);
      }
      if (item.cells.some((cell) => cell.includes('\uFFFD'))) {
        row.problem(null, `The row is not valid ${text.encoding() === 'utf-8' ? 'UTF-8' : 'text'}; save the whole file as UTF-8 or as Windows-1252 (Excel's "CSV (semicolon delimited)")`);
      }
      const records = row.problems.length > 0 ? null : ROW_READERS[header.format](row);
      if (records !== null) {
        const earlier = projectLines.get(records.project.code);
        if (earlier !== undefined) {
          const field = header.format === 'silta-csv' ? 'code' : header.format === 'eu-operations' ? 'operationCode' : 'hyrraNumber';
          row.problem(row.column(field) ? field : null, `Project ${records.project.code} is already on line ${earlier} of this file; a project has one row`);
        }
      }
      if (records === null || row.problems.length > 0) {
        yield { kind: 'invalid', problems: dedupe(row.problems), origin: { file, line } };
        continue;
      }
      projectLines.set(records.project.code, line);
      for (const organisation of records.organisations) {
        const key = organisation.businessId ?? organisation.key ?? JSON.stringify(organisation.externalIds);
        if (organisationsSeen.has(key)) continue;
        organisationsSeen.add(key);
        yield { kind: 'organisation', record: organisation, origin: { file, line, columns: columns.organisation } };
      }
      yield { kind: 'project', record: records.project, origin: { file, line, columns: columns.project } };
    }
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** One message per column and text: a cell checked by two rules that agree is reported once. */
function dedupe(problems: ImportProblem[]): ImportProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.column}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * For the writer's problems (a name already taken, an unknown organisation, …): the file's header of
 * each record field a row filled, so the report names the column the user can fix.
 */
function recordColumns(header: { fields: Map<string, { header: string }> }): { project: Record<string, string>; organisation: Record<string, string> } {
  const of = (...fields: string[]): string | undefined => fields.map((field) => header.fields.get(field)?.header).find((found) => found !== undefined);
  const project: Record<string, string> = {};
  for (const [field, { header: name }] of header.fields) project[field] = name;
  const pick = (target: Record<string, string>, field: string, ...from: string[]): void => {
    const name = of(...from);
    if (name !== undefined) target[field] = name;
  };
  pick(project, 'code', 'code', 'operationCode', 'hyrraNumber');
  pick(project, 'title', 'title', 'operationName', 'project');
  pick(project, 'participations', 'partnerBusinessIds', 'leadBusinessId', 'beneficiaryId', 'businessId');
  pick(project, 'postalCodes', 'postalCodes', 'postalCode', 'place', 'location');
  const organisation: Record<string, string> = {};
  pick(organisation, 'name', 'leadName', 'beneficiaryName', 'applicant');
  pick(organisation, 'businessId', 'leadBusinessId', 'beneficiaryId', 'businessId');
  pick(organisation, 'type', 'leadType');
  return { project, organisation };
}
