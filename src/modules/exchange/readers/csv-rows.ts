import { createHash } from 'node:crypto';
import { FundingSource } from '../../funding/funding.enums';
import { validateFundingLineFields } from '../../funding/funding.mutations';
import { validateOrganisationFields } from '../../organisation/organisation.mutations';
import { OrganisationType } from '../../organisation/organisation.enums';
import { Scheme } from '../../programme/programme.enums';
import { ParticipationRole, ProjectStatus } from '../../project/project.enums';
import { validateProjectFields } from '../../project/project.validation';
import type { Checks } from '../../../shared/mutations/validation';
import type { ImportProblem, OrganisationRecord, OrganisationRef, ProjectRecord } from '../exchange.records';
import { fundOfName, organisationTypeOfName, type FundingMeasure, type HeaderMap } from './csv-formats';
import { fromCents, parseAmount, parseBusinessId, parseDate, parseRate, splitList, toCents, type Parsed } from './csv-values';
import { inferProgramme } from './programme-inference';
import type { ReadContext } from './read-context';

/** What a row becomes: the organisations it names (beneficiary, lead) and its project. */
export interface RowRecords {
  organisations: OrganisationRecord[];
  project: ProjectRecord;
}

export interface RowSettings {
  file: string;
  context: ReadContext;
  programmeCode?: string;
  /** Today in Finland, for the status of EU operations by their dates. */
  today: string;
}

/** One data row: its cells by field, and the problems found in it so far. */
export class Row {
  readonly problems: ImportProblem[] = [];

  constructor(
    readonly cells: readonly string[],
    readonly header: HeaderMap,
    readonly line: number,
    readonly settings: RowSettings,
  ) {}

  /** The header of a field as written in the file (null when the file has no such column). */
  column(field: string): string | null {
    return this.header.fields.get(field)?.header ?? null;
  }

  /** The trimmed cell of a field; null when the column is missing or the cell blank. */
  text(field: string): string | null {
    const place = this.header.fields.get(field);
    const value = place === undefined ? undefined : this.cells[place.index];
    const text = value?.normalize('NFC').trim();
    return text ? text : null;
  }

  problem(field: string | null, message: string): void {
    // The column as the file names it; null when the file has no such column.
    this.problems.push({ file: this.settings.file, line: this.line, column: field === null ? null : this.column(field), message });
  }

  /** A cell parsed by a cell parser; a failure becomes a problem naming the column. */
  parsed<T>(field: string, parse: (raw: string) => Parsed<T>): T | null {
    const raw = this.text(field);
    if (raw === null) return null;
    const result = parse(raw);
    if (result.ok) return result.value;
    this.problem(field, result.message);
    return null;
  }

  required(field: string, what: string): string | null {
    const value = this.text(field);
    if (value === null) this.problem(field, `${this.column(field) ?? field} is empty; ${what} is required`);
    return value;
  }

  /**
   * Applies the write API's checks, naming the file's column instead of the API's input field:
   * `fields` maps an input field (`input.title`) to the format's field (`title`).
   */
  applyChecks(checks: Checks, fields: Record<string, string | null>): void {
    for (const error of checks.errors) {
      const inputField = error.field?.replace(/\[\d+\]$/, '') ?? null;
      // A cell the reader already found wrong (empty, unparsable) is reported once, by the reader, whose
      // message quotes the value.
      const mapped = inputField === null ? null : fields[inputField] ?? null;
      if (mapped !== null && this.column(mapped) !== null && this.problems.some((problem) => problem.column === this.column(mapped))) continue;
      const field = inputField === null ? null : fields[inputField] ?? null;
      const column = field === null ? null : this.column(field);
      const message = inputField === null ? error.message : error.message.replaceAll(error.field!, column ?? inputField.replace(/^input\./, ''));
      this.problems.push({ file: this.settings.file, line: this.line, column, message });
    }
  }
}

/** Where a row is: its postal codes and the municipalities they (or a municipality name) lie in. */
interface Place {
  postalCodes: string[];
  municipalityCodes: string[];
}

// A NUTS region code (FI1D, FI1D3) locates nothing finer than a region: read, not stored.
const NUTS = /^FI[0-9A-Z]{1,3}$/;

/** A place cell: postal codes (`70100`, `70100|70780`) or a municipality name (`Kuopio`), as Silta knows them. */
function readPlace(row: Row, field: string): Place {
  const place: Place = { postalCodes: [], municipalityCodes: [] };
  const raw = row.text(field);
  if (raw === null) return place;
  const { municipalityOfPostalCode, municipalityByName, postalCodesByName } = row.settings.context;
  for (const part of raw.split(/[|,;/]/).map((item) => item.trim()).filter((item) => item !== '')) {
    const code = /^\d{5}$/.test(part) ? part : /^\d{5}\s+\p{L}/u.test(part) ? part.slice(0, 5) : null;
    const name = part.toLocaleLowerCase('fi');
    const byName = municipalityByName.get(name);
    const areaCodes = postalCodesByName?.get(name);
    if (code === null && NUTS.test(part)) continue;
    if (code === null && byName === undefined && areaCodes !== undefined) {
      // A village or district: its postal code when Posti has one area of that name, else its municipality.
      const municipalities = new Set(areaCodes.map((areaCode) => municipalityOfPostalCode.get(areaCode)!));
      if (areaCodes.length === 1) place.postalCodes.push(areaCodes[0]);
      place.municipalityCodes.push(...municipalities);
      continue;
    }
    if (code !== null) {
      const municipality = municipalityOfPostalCode.get(code);
      if (municipality === undefined) row.problem(field, `Postal code ${code} is not one Silta knows (Posti's postal areas)`);
      else {
        place.postalCodes.push(code);
        place.municipalityCodes.push(municipality);
      }
    } else if (byName !== undefined) place.municipalityCodes.push(byName);
    else row.problem(field, `"${part}" is neither a five-digit postal code nor the name of a Finnish municipality or postal area`);
  }
  return place;
}

function statusByDates(start: string | null, end: string | null, today: string): ProjectStatus {
  if (end !== null && end < today) return ProjectStatus.COMPLETED;
  if (start !== null && start <= today) return ProjectStatus.ONGOING;
  return ProjectStatus.APPROVED;
}

/** The programme of a row: `--programme`, else inferred from fund, place and dates. */
function programmeOf(row: Row, clues: Parameters<typeof inferProgramme>[1], field: string | null): string | null {
  if (row.settings.programmeCode) return row.settings.programmeCode;
  const inferred = inferProgramme(row.settings.context.programmes, clues);
  if (inferred.ok) return inferred.value;
  row.problem(field, inferred.message);
  return null;
}

function programmeScheme(row: Row, code: string | null): Scheme | null {
  return row.settings.context.programmes.find((programme) => programme.code === code)?.scheme ?? null;
}

/** The organisation a row names, with the API's organisation checks; its reference for the project. */
function readOrganisation(
  row: Row,
  name: string | null,
  businessId: string | null,
  extra: Partial<OrganisationRecord>,
  fields: Record<string, string | null>,
): { record: OrganisationRecord | null; ref: OrganisationRef | null } {
  if (name === null) return { record: null, ref: businessId !== null ? { businessId } : null };
  const record: OrganisationRecord = { name, type: extra.type ?? organisationTypeOfName(name), ...extra };
  if (businessId !== null) record.businessId = businessId;
  else if (!record.externalIds?.length) record.key = `name:${name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('fi')}`;
  row.applyChecks(validateOrganisationFields({ name, businessId }, true), fields);
  const ref: OrganisationRef = businessId !== null ? { businessId } : record.key ? { key: record.key } : { externalId: record.externalIds![0] };
  return { record, ref };
}

const PROJECT_FIELDS = (fields: Partial<Record<string, string>>): Record<string, string | null> => ({
  'input.code': fields.code ?? null,
  'input.euraCode': fields.euraCode ?? null,
  'input.hyrraNumber': fields.hyrraNumber ?? null,
  'input.recordNumber': fields.recordNumber ?? null,
  'input.title': fields.title ?? null,
  'input.summary': fields.summary ?? null,
  'input.purpose': fields.purpose ?? null,
  'input.achievements': fields.achievements ?? null,
  'input.internalNotes': fields.internalNotes ?? null,
  'input.plannedEnd': fields.plannedEnd ?? null,
  'input.plannedStart': fields.plannedStart ?? null,
  'input.actualEnd': fields.actualEnd ?? null,
  'input.actualStart': fields.actualStart ?? null,
  'input.themes': fields.themeCodes ?? null,
  'input.targetGroups': fields.targetGroupCodes ?? null,
  'input.locations': fields.postalCodes ?? null,
});

function checkProject(row: Row, project: ProjectRecord, fields: Partial<Record<string, string>>): void {
  const checks = validateProjectFields(
    {
      ...project,
      themes: project.themeCodes,
      targetGroups: project.targetGroupCodes,
      locations: project.postalCodes,
    },
    null,
  );
  row.applyChecks(checks, PROJECT_FIELDS(fields));
}

function enumValue<T extends string>(row: Row, field: string, values: Record<string, T>): T | null {
  const raw = row.text(field);
  if (raw === null) return null;
  const value = Object.values(values).find((candidate) => candidate === raw.toUpperCase());
  if (value === undefined) row.problem(field, `"${raw}" is not one of ${Object.values(values).join(', ')}`);
  return value ?? null;
}

/** Silta's own CSV: one row per project (docs/import-export.md, "CSV formats"). */
export function readSiltaRow(row: Row): RowRecords | null {
  const code = row.required('code', 'the project code');
  const title = row.required('title', 'the project title');
  const status = row.text('status') === null ? (row.required('status', 'the status'), null) : enumValue(row, 'status', ProjectStatus);
  const date = (field: string) => row.parsed(field, parseDate);
  const project: ProjectRecord = { code: code ?? '', programmeCode: '', title: title ?? '', status: status ?? ProjectStatus.DRAFT };
  for (const field of ['euraCode', 'hyrraNumber', 'recordNumber', 'summary', 'purpose', 'achievements', 'parentCode', 'internalNotes'] as const) {
    if (row.column(field) !== null) project[field] = row.text(field);
  }
  for (const field of ['plannedStart', 'plannedEnd', 'actualStart', 'actualEnd'] as const) {
    if (row.column(field) !== null) project[field] = date(field);
  }
  for (const field of ['themeCodes', 'targetGroupCodes', 'postalCodes'] as const) {
    if (row.column(field) !== null) project[field] = splitList(row.text(field) ?? '');
  }
  // Vocabulary codes are upper case with underscores (YOUTH_PARTICIPATION); a spreadsheet may not be.
  for (const field of ['themeCodes', 'targetGroupCodes'] as const) {
    if (project[field]) project[field] = project[field].map((code) => code.trim().toUpperCase().replace(/[\s-]+/g, '_'));
  }
  const place = { postalCodes: [] as string[], municipalityCodes: [] as string[] };
  for (const postalCode of project.postalCodes ?? []) {
    const municipality = row.settings.context.municipalityOfPostalCode.get(postalCode);
    if (municipality !== undefined) place.municipalityCodes.push(municipality);
    else if (!/^\d{5}$/.test(postalCode)) row.problem('postalCodes', `"${postalCode}" is not a postal code; a postal code has five digits, e.g. 70100`);
    else row.problem('postalCodes', `Postal code ${postalCode} is not one Silta knows (Posti's postal areas)`);
  }

  const lines = new Map<FundingSource, NonNullable<ProjectRecord['fundingLines']>[number]>();
  for (const { measure, source, index, header } of row.header.funding) {
    const raw = row.cells[index]?.trim() ?? '';
    if (raw === '') continue;
    const line = lines.get(source) ?? { source };
    lines.set(source, line);
    const parse = measureParser(measure);
    const result = parse(raw);
    if (!result.ok) row.problems.push({ file: row.settings.file, line: row.line, column: header, message: result.message });
    else (line as Record<FundingMeasure, string | null | undefined>)[measure] = result.value;
  }
  for (const line of lines.values()) {
    const checks = validateFundingLineFields(
      { decisionReference: line.decisionReference },
      { granted: line.granted ?? '0.00', decisionDate: line.decisionDate ?? null },
    );
    const header = (measure: FundingMeasure) => row.header.funding.find((f) => f.source === line.source && f.measure === measure)?.header ?? `${measure}_${line.source}`;
    for (const error of checks.errors) {
      const measure = error.field === 'input.decisionDate' ? 'decisionDate' : 'decisionReference';
      row.problems.push({
        file: row.settings.file,
        line: row.line,
        column: header(measure),
        message:
          measure === 'decisionDate'
            ? `${header('granted')} is granted without a decision date; fill in ${header('decisionDate')} (the API needs the date of the funding decision)`
            : error.message.replaceAll(error.field ?? '', header(measure)),
      });
    }
  }
  // Funding columns present replace the project's lines, as any present column replaces its field.
  if (row.header.funding.length > 0) project.fundingLines = [...lines.values()];

  const organisations: OrganisationRecord[] = [];
  const participations: NonNullable<ProjectRecord['participations']> = [];
  const leadBusinessId = row.parsed('leadBusinessId', parseBusinessId);
  if (row.text('leadName') !== null || leadBusinessId !== null) {
    const type = enumValue(row, 'leadType', OrganisationType) ?? undefined;
    const lead = readOrganisation(row, row.text('leadName'), leadBusinessId, type ? { type } : {}, { 'input.name': 'leadName', 'input.businessId': 'leadBusinessId' });
    if (lead.record) organisations.push(lead.record);
    if (lead.ref) participations.push({ organisation: lead.ref, role: ParticipationRole.LEAD });
  }
  for (const raw of splitList(row.text('partnerBusinessIds') ?? '')) {
    const result = parseBusinessId(raw);
    if (result.ok) participations.push({ organisation: { businessId: result.value }, role: ParticipationRole.PARTNER });
    else row.problem('partnerBusinessIds', result.message);
  }
  if (row.column('leadName') !== null || row.column('leadBusinessId') !== null || row.column('partnerBusinessIds') !== null) project.participations = participations;

  const programmeCode = row.text('programmeCode');
  if (programmeCode !== null) {
    if (!row.settings.context.programmes.some((programme) => programme.code === programmeCode)) {
      row.problem('programmeCode', `No programme has the code "${programmeCode}"`);
    } else if (row.settings.programmeCode && row.settings.programmeCode !== programmeCode) {
      row.problem('programmeCode', `The row names programme ${programmeCode} but --programme says ${row.settings.programmeCode}; leave the cell blank or drop --programme`);
    }
    project.programmeCode = programmeCode;
  } else {
    const fund = [...lines.keys()].find((source) => source === FundingSource.ESR || source === FundingSource.EAFRD) ?? null;
    const start = project.plannedStart ?? project.actualStart ?? null;
    const end = project.plannedEnd ?? project.actualEnd ?? null;
    project.programmeCode = programmeOf(row, { fund, municipalityCodes: place.municipalityCodes, start, end }, row.column('programmeCode') ? 'programmeCode' : null) ?? '';
  }
  checkProject(row, project, SILTA_PROJECT_FIELDS);
  return row.problems.length > 0 ? null : { organisations, project };
}

const RECORD_FIELD_OF_INPUT: Record<string, string> = { themes: 'themeCodes', targetGroups: 'targetGroupCodes', locations: 'postalCodes' };

/** In Silta's CSV the columns are the record's fields: each API input field names its own column. */
const SILTA_PROJECT_FIELDS: Record<string, string> = Object.fromEntries(
  Object.keys(PROJECT_FIELDS({})).map((input) => {
    const field = input.replace(/^input\./, '');
    const column = RECORD_FIELD_OF_INPUT[field] ?? field;
    return [column, column];
  }),
);

function measureParser(measure: FundingMeasure): (raw: string) => Parsed<string> {
  if (measure === 'decisionDate') return parseDate;
  if (measure === 'decisionReference') return (raw) => ({ ok: true, value: raw });
  return parseAmount;
}

/** An EU list of operations row (CPR 2021/1060 Art. 49(3), or the 2014–2020 Annex XII list). */
export function readEuOperationRow(row: Row): RowRecords | null {
  const code = row.required('operationCode', 'the operation code');
  const title = row.required('operationName', 'the operation name');
  const beneficiary = row.required('beneficiaryName', 'the beneficiary name');
  const totalRaw = row.required('totalCost', 'the total cost');
  const total = totalRaw === null ? null : row.parsed('totalCost', parseAmount);
  const start = row.parsed('startDate', parseDate);
  const end = row.parsed('endDate', parseDate);
  const rate = row.parsed('coFinancingRate', parseRate);
  const euGiven = row.parsed('euContribution', parseAmount);
  const decisionDate = row.parsed('decisionDate', parseDate);
  const country = row.text('country');
  if (country !== null && !/^(fi|fin|finland|suomi|finland\/suomi|suomi\/finland)$/i.test(country)) {
    row.problem('country', `"${country}" is not Finland; Silta reads Finnish operations only (FI, Suomi, Finland)`);
  }
  const place = { postalCodes: [] as string[], municipalityCodes: [] as string[] };
  for (const field of ['postalCode', 'location']) {
    const found = readPlace(row, field);
    place.postalCodes.push(...found.postalCodes.filter((code) => !place.postalCodes.includes(code)));
    place.municipalityCodes.push(...found.municipalityCodes);
  }

  const fundRaw = row.text('fund');
  let fund = fundRaw === null ? null : fundOfName(fundRaw);
  if (fundRaw !== null && fund === null) row.problem('fund', `"${fundRaw}" is not a fund Silta tracks; expected ESF+/ESR (European Social Fund) or EAFRD/Maaseuturahasto`);
  const programmeCode = fundRaw !== null && fund === null ? null : programmeOf(row, { fund, municipalityCodes: place.municipalityCodes, start, end }, null);
  if (fund === null && fundRaw === null) {
    const scheme = programmeScheme(row, programmeCode);
    fund = scheme === Scheme.KAKE ? FundingSource.ESR : scheme === Scheme.LEADER ? FundingSource.EAFRD : null;
    if (programmeCode !== null && fund === null) row.problem('fund', `The fund is not given and programme ${programmeCode} is neither a Kake nor a Leader programme; add a fund column (ESF+ or EAFRD)`);
  }

  const fundingLines: NonNullable<ProjectRecord['fundingLines']> = [];
  if (total !== null && fund !== null) {
    let euCents: bigint | null = null;
    if (euGiven !== null) euCents = toCents(euGiven);
    else if (rate !== null) euCents = (toCents(total) * BigInt(rate) + 500_000n) / 1_000_000n;
    else row.problem('coFinancingRate', `Neither ${row.column('coFinancingRate') ?? 'an EU co-financing rate'} nor ${row.column('euContribution') ?? 'an EU contribution'} is given; the EU share of the total cost cannot be told`);
    if (euCents !== null && euCents > toCents(total)) row.problem('euContribution', `The EU contribution ${fromCents(euCents)} exceeds the total cost ${total}`);
    else if (euCents !== null) {
      const measure = decisionDate !== null ? 'granted' : 'planned';
      const decision = decisionDate !== null ? { decisionDate } : {};
      fundingLines.push({ source: fund, [measure]: fromCents(euCents), ...decision });
      fundingLines.push({ source: FundingSource.STATE, [measure]: fromCents(toCents(total) - euCents), ...decision });
    }
  }

  const rawId = row.text('beneficiaryId');
  let businessId: string | null = null;
  const extra: Partial<OrganisationRecord> = {};
  if (rawId !== null) {
    const parsed = parseBusinessId(rawId);
    if (parsed.ok) businessId = parsed.value;
    else if (/^(FI)?\s*\d{7}-?\s*\d$/i.test(rawId.trim())) row.problem('beneficiaryId', parsed.message);
    else extra.externalIds = [{ system: 'eu-beneficiary-id', value: rawId }];
  }
  const organisation = readOrganisation(row, beneficiary, businessId, extra, { 'input.name': 'beneficiaryName', 'input.businessId': 'beneficiaryId' });

  const combined = row.text('purposeAndAchievements');
  const project: ProjectRecord = {
    code: code ?? '',
    programmeCode: programmeCode ?? '',
    title: title ?? '',
    status: statusByDates(start, end, row.settings.today),
    purpose: row.text('purpose') ?? combined,
    achievements: row.text('achievements'),
    plannedStart: start,
    plannedEnd: end,
    postalCodes: place.postalCodes,
    participations: organisation.ref ? [{ organisation: organisation.ref, role: ParticipationRole.LEAD }] : [],
    fundingLines,
  };
  if (fund === FundingSource.ESR) project.euraCode = code;
  leaveOutAbsent(row, project, { purpose: ['purpose', 'purposeAndAchievements'], achievements: ['achievements'], plannedStart: ['startDate'], plannedEnd: ['endDate'], postalCodes: ['postalCode', 'location'] });
  checkProject(row, project, {
    code: 'operationCode',
    euraCode: 'operationCode',
    title: 'operationName',
    purpose: row.text('purpose') !== null ? 'purpose' : 'purposeAndAchievements',
    achievements: 'achievements',
    plannedStart: 'startDate',
    plannedEnd: 'endDate',
  });
  return row.problems.length > 0 ? null : { organisations: organisation.record ? [organisation.record] : [], project };
}

/**
 * A field whose columns the file does not have is left out of the record ("unknown: leave as it is"),
 * rather than null ("clear it"): a Leader list without dates must not clear dates kept in Silta.
 */
function leaveOutAbsent(row: Row, project: ProjectRecord, columns: Partial<Record<keyof ProjectRecord, string[]>>): void {
  for (const [key, fields] of Object.entries(columns)) {
    if (fields.every((field) => row.column(field) === null)) delete project[key as keyof ProjectRecord];
  }
}

/** A code for a Leader decision without a Hyrrä number: stable for the same applicant, date and title. */
export function leaderDecisionCode(businessId: string | null, decisionDate: string, title: string): string {
  const digest = createHash('sha256').update(title.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('fi')).digest('hex').slice(0, 8);
  return `LEADER-${businessId ?? 'NOID'}-${decisionDate.replaceAll('-', '')}-${digest}`.toUpperCase();
}

/** A Leader board decision: applicant, Y-tunnus, place, project, aid and decision date. */
export function readLeaderDecisionRow(row: Row): RowRecords | null {
  const applicant = row.required('applicant', 'the applicant');
  const title = row.required('title', 'the project name');
  const aidRaw = row.required('aid', 'the aid in euros');
  const aid = aidRaw === null ? null : row.parsed('aid', parseAmount);
  const dateRaw = row.required('decisionDate', 'the decision date');
  const decisionDate = dateRaw === null ? null : row.parsed('decisionDate', parseDate);
  const businessId = row.parsed('businessId', parseBusinessId);
  const start = row.parsed('startDate', parseDate);
  const end = row.parsed('endDate', parseDate);
  const place = readPlace(row, 'place');
  const hyrraNumber = row.text('hyrraNumber');
  const programmeCode = programmeOf(
    row,
    { fund: FundingSource.EAFRD, municipalityCodes: place.municipalityCodes, start: start ?? decisionDate, end: end ?? decisionDate },
    null,
  );
  const organisation = readOrganisation(row, applicant, businessId, {}, { 'input.name': 'applicant', 'input.businessId': 'businessId' });
  const code = hyrraNumber ?? (decisionDate !== null && title !== null ? leaderDecisionCode(businessId, decisionDate, title) : null);
  const project: ProjectRecord = {
    // Without a Hankenumero the code comes from the date and title, whose problems are reported already.
    code: code ?? '',
    programmeCode: programmeCode ?? '',
    title: title ?? '',
    status: start !== null || end !== null ? statusByDates(start, end, row.settings.today) : ProjectStatus.APPROVED,
    purpose: row.text('purpose'),
    plannedStart: start,
    plannedEnd: end,
    postalCodes: place.postalCodes,
    participations: organisation.ref ? [{ organisation: organisation.ref, role: ParticipationRole.LEAD }] : [],
    fundingLines: aid !== null && decisionDate !== null ? [{ source: FundingSource.EAFRD, granted: aid, decisionDate }] : [],
  };
  if (hyrraNumber !== null) project.hyrraNumber = hyrraNumber;
  leaveOutAbsent(row, project, { purpose: ['purpose'], plannedStart: ['startDate'], plannedEnd: ['endDate'], postalCodes: ['place'] });
  checkProject(row, { ...project, code: code ?? 'derived' }, { code: 'hyrraNumber', hyrraNumber: 'hyrraNumber', title: 'title', purpose: 'purpose', plannedStart: 'startDate', plannedEnd: 'endDate' });
  return row.problems.length > 0 ? null : { organisations: organisation.record ? [organisation.record] : [], project };
}
