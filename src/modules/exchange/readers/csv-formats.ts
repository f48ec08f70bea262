import { readFileSync } from 'node:fs';
import { FundingSource } from '../../funding/funding.enums';
import { OrganisationType } from '../../organisation/organisation.enums';
import { headerKey } from './csv-values';
import bundled from './eu-operations.mapping.json';

/** The CSV formats, told apart by their header; each maps the file's headers to the fields it knows. */
export type CsvFormat = 'silta-csv' | 'eu-operations' | 'leader-decisions';

export interface ColumnMapping {
  /** Fields a header must have for the format. */
  required: string[];
  /** Field → the headers (any case) that name it. */
  columns: Record<string, string[]>;
}

/** A header matched to a format: field → its index and its header as written in the file. */
export interface HeaderMap {
  format: CsvFormat;
  fields: Map<string, { index: number; header: string }>;
  /** Silta CSV funding columns: `<measure>_<SOURCE>` → index and header. */
  funding: Array<{ measure: FundingMeasure; source: FundingSource; index: number; header: string }>;
  /** Headers no field of the format takes. */
  unknown: string[];
  /** Headers of a field that an earlier column already has. */
  repeated: string[];
}

export type FundingMeasure = 'planned' | 'granted' | 'paid' | 'decisionDate' | 'decisionReference';
export const FUNDING_MEASURES: readonly FundingMeasure[] = ['planned', 'granted', 'paid', 'decisionDate', 'decisionReference'];

/** Silta's own CSV: one column per `ProjectRecord` field (names as in the record), lists `|`-separated. */
export const SILTA_CSV_COLUMNS: ColumnMapping = {
  required: ['code', 'title', 'status'],
  columns: Object.fromEntries(
    [
      'code', 'programmeCode', 'title', 'status', 'euraCode', 'hyrraNumber', 'recordNumber', 'summary', 'purpose', 'achievements',
      'plannedStart', 'plannedEnd', 'actualStart', 'actualEnd', 'parentCode', 'internalNotes', 'themeCodes', 'targetGroupCodes',
      'postalCodes', 'leadBusinessId', 'leadName', 'leadType', 'partnerBusinessIds',
    ].map((field) => [field, [field]]),
  ),
};

/** Leader board decisions (Kalakukko ry's and other local action groups' lists), Finnish or English. */
export const LEADER_DECISION_COLUMNS: ColumnMapping = {
  required: ['applicant', 'title', 'aid', 'decisionDate'],
  columns: {
    applicant: ['Hakija', 'Tuensaaja', 'Hakijan nimi', 'Applicant', 'Beneficiary'],
    businessId: ['Y-tunnus', 'Ytunnus', 'Y-tunnus/rek.nro', 'Business ID', 'Business-ID'],
    place: ['Paikka', 'Kunta', 'Kylä', 'Sijainti', 'Postinumero', 'Place', 'Municipality', 'Location', 'Postal code'],
    title: ['Hanke', 'Hankkeen nimi', 'Hankkeen nimi / kuvaus', 'Project', 'Project name', 'Project title'],
    aid: ['Tuki €', 'Tuki', 'Tuki (€)', 'Tuki, €', 'Myönnetty tuki', 'Myönnetty tuki €', 'Julkinen tuki €', 'Aid €', 'Aid', 'Aid (€)', 'Grant €', 'Granted aid'],
    decisionDate: ['Päätöspäivä', 'Päätöspvm', 'Päätös', 'Hallituksen päätöspäivä', 'Decision date', 'Board decision date'],
    hyrraNumber: ['Hankenumero', 'Hyrrä-numero', 'Hyrrä-tunnus', 'Hankkeen numero', 'Project number'],
    purpose: ['Kuvaus', 'Hankkeen kuvaus', 'Tavoite', 'Description', 'Purpose'],
    startDate: ['Alkaa', 'Aloituspäivä', 'Alkamispäivä', 'Start date'],
    endDate: ['Päättyy', 'Päättymispäivä', 'End date'],
  },
};

/** The EU list-of-operations mapping: `eu-operations.mapping.json` beside this file, or `--mapping FILE`. */
export function euOperationsMapping(mappingFile?: string): ColumnMapping {
  if (mappingFile) return parseMapping(readFileSync(mappingFile, 'utf8'), mappingFile);
  return bundled;
}

function parseMapping(text: string, name: string): ColumnMapping {
  const value = JSON.parse(text) as Partial<ColumnMapping>;
  const valid =
    Array.isArray(value.required) &&
    typeof value.columns === 'object' &&
    value.columns !== null &&
    Object.values(value.columns).every((headers) => Array.isArray(headers) && headers.every((header) => typeof header === 'string'));
  if (!valid) throw new Error(`${name} is not a column mapping: expected { "required": [field…], "columns": { field: [header…] } }`);
  return value as ColumnMapping;
}

const FUNDING_COLUMN = new RegExp(`^(${FUNDING_MEASURES.join('|')})_(${Object.values(FundingSource).join('|')})$`, 'i');

/** Matches a header against one format; null when a required field has no column. */
export function matchHeader(format: CsvFormat, headers: readonly string[], mapping: ColumnMapping): HeaderMap | null {
  const byHeader = new Map<string, string>();
  for (const [field, names] of Object.entries(mapping.columns)) for (const name of names) byHeader.set(headerKey(name), field);
  const result: HeaderMap = { format, fields: new Map(), funding: [], unknown: [], repeated: [] };
  headers.forEach((header, index) => {
    const key = headerKey(header);
    if (key === '') return;
    const field = byHeader.get(key);
    const funding = format === 'silta-csv' ? FUNDING_COLUMN.exec(header.trim()) : null;
    if (field !== undefined && !result.fields.has(field)) result.fields.set(field, { index, header: header.trim() });
    else if (field !== undefined) result.repeated.push(header.trim());
    else if (funding) {
      if (result.funding.some((column) => column.header.toLowerCase() === header.trim().toLowerCase())) {
        result.repeated.push(header.trim());
        return;
      }
      const measure = FUNDING_MEASURES.find((name) => name.toLowerCase() === funding[1].toLowerCase())!;
      result.funding.push({ measure, source: funding[2].toUpperCase() as FundingSource, index, header: header.trim() });
    } else result.unknown.push(header.trim());
  });
  return mapping.required.every((field) => result.fields.has(field)) ? result : null;
}

/** The format whose required columns the header has (Silta's own first, then Leader, then the EU list). */
export function detectFormat(headers: readonly string[], mappingFile?: string, forced?: CsvFormat): HeaderMap | null {
  const candidates: Array<[CsvFormat, () => ColumnMapping]> = [
    ['silta-csv', () => SILTA_CSV_COLUMNS],
    ['leader-decisions', () => LEADER_DECISION_COLUMNS],
    ['eu-operations', () => euOperationsMapping(mappingFile)],
  ];
  for (const [format, mapping] of candidates) {
    if (forced && forced !== format) continue;
    const match = matchHeader(format, headers, mapping());
    if (match) return match;
  }
  return null;
}

// A whole word, where a letter of any alphabet (ä, ö, å) counts as part of a word.
const word = (words: string): RegExp => new RegExp(`(?<![\\p{L}\\d])(?:${words})(?![\\p{L}\\d])`, 'iu');

/** What an organisation's name says of its type, first match wins; OTHER when none does. */
export const TYPE_BY_NAME: ReadonlyArray<[RegExp, OrganisationType]> = [
  [word('seurakunta|seurakuntayhtymä|församling'), OrganisationType.PARISH],
  [word('kunta|kaupunki|stad|kommun|municipality|city of'), OrganisationType.MUNICIPALITY],
  [word('säätiö|sr|stiftelse|foundation'), OrganisationType.FOUNDATION],
  [word('leader|toimintaryhmä|local action group'), OrganisationType.LOCAL_ACTION_GROUP],
  [word('ry|rf|r\\.y\\.|yhdistys|association'), OrganisationType.ASSOCIATION],
  [word('oy|oyj|ab|abp|ky|tmi|osk|osuuskunta|ltd|ay'), OrganisationType.COMPANY],
  [word('ely-keskus|virasto|ministeriö|keskus|authority'), OrganisationType.AUTHORITY],
  [word('opisto|koulu|yliopisto|ammattikorkeakoulu|oppilaitos|university|college'), OrganisationType.EDUCATIONAL],
];

export function organisationTypeOfName(name: string): OrganisationType {
  return TYPE_BY_NAME.find(([pattern]) => pattern.test(name))?.[1] ?? OrganisationType.OTHER;
}

/** EU fund names as lists of operations write them → Silta's funding source. */
export const FUND_NAMES: ReadonlyArray<[RegExp, FundingSource]> = [
  [/^(esf\+?|esr\+?|european social fund(\s*plus|\s*\+)?|euroopan sosiaalirahasto(\s*plus|\s*\+)?|sosiaalirahasto)$/i, FundingSource.ESR],
  [/^(eafrd|maaseuturahasto|euroopan maaseudun kehittämisen maatalousrahasto|european agricultural fund for rural development|maaseuturahasto\s*\(eafrd\)|leader)$/i, FundingSource.EAFRD],
];

export function fundOfName(name: string): FundingSource | null {
  const text = name.trim().replace(/\s+/g, ' ');
  return FUND_NAMES.find(([pattern]) => pattern.test(text))?.[1] ?? null;
}
