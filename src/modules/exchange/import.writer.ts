import { ref, type Ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uniquenessKey } from '../../shared/mutations/validation';
import { parseGlobalId } from '../../shared/relay/global-id';
import { FundingLine } from '../funding/funding-line.entity';
import { Municipality } from '../geography/municipality.entity';
import { PostalArea } from '../geography/postal-area.entity';
import { ContactPerson } from '../organisation/contact-person.entity';
import { ExternalId } from '../organisation/external-id.entity';
import { Organisation } from '../organisation/organisation.entity';
import { validateOrganisationFields } from '../organisation/organisation.mutations';
import { ProgrammeArea, ProgrammeCeiling, ProgrammeDecision, ProgrammeFunder, ProgrammeObjective } from '../programme/programme-parts.entity';
import { Programme } from '../programme/programme.entity';
import { validateProgrammeFields } from '../programme/programme.mutations';
import { validateFundingLineFields } from '../funding/funding.mutations';
import { Participation } from '../project/participation.entity';
import { Project, ProjectLocation, ProjectTargetGroup, ProjectTheme } from '../project/project.entity';
import { validateProjectFields } from '../project/project.validation';
import { TargetGroup, Theme } from '../project/vocabulary.entity';
import type { ImportProblem, OrganisationRecord, OrganisationRef, ProgrammeRecord, ProjectRecord, ReadItem, RecordOrigin } from './exchange.records';
import type { ImportCounts } from './import-run.entity';
import type { ReadContext } from './readers/read-context';
import { query } from './exchange.sql';

/** Records written per flush; the EntityManager is cleared between batches, so memory stays flat. */
export const BATCH_SIZE = 500;
/** Problems listed in a report; the count goes on (a file of 100 000 bad rows would make a huge report). */
export const MAX_LISTED_PROBLEMS = 10_000;
/** Programmes are held until the file's organisations are written (they refer to them); few in any real file. */
const MAX_PROGRAMMES = 10_000;
/** Trigram similarity from which an organisation's name is reported as a near-duplicate of another. */
const NEAR_DUPLICATE_SIMILARITY = 0.6;

/** A new organisation without any ID whose name resembles an existing one: for a person to decide. */
export interface NearDuplicate {
  file: string;
  line: number;
  name: string;
  similarName: string;
  similarBusinessId: string | null;
}

/** What the writer may touch: administrators everything; a coordinator only projects of their programmes. */
export interface ImportPermissions {
  /** Programme records (create or update a programme). */
  programmes: boolean;
  /** The programmes whose projects may be written; null: any. */
  programmeIds: ReadonlySet<number> | null;
  /** Changing organisations already in the database; without it they are only matched (for references). */
  organisationUpdates: boolean;
}

export interface WriteOptions {
  skipInvalid: boolean;
  permissions: ImportPermissions;
  context: ReadContext;
  /** Flushes the EntityManager's changes with their audit rows (the caller's actor and operation). */
  flush: (em: EntityManager) => Promise<void>;
}

export interface WriteOutcome {
  counts: ImportCounts;
  problems: ImportProblem[];
  problemCount: number;
  nearDuplicates: NearDuplicate[];
}

function emptyCounts(): ImportCounts {
  const kind = (): ImportCounts['project'] => ({ created: 0, updated: 0, unchanged: 0, invalid: 0 });
  return { organisation: kind(), programme: kind(), project: kind() };
}

/** "1234.5" → "1234.50": how PostgreSQL's numeric(14,2) gives it back. */
export function money(value: string): string {
  const [whole, fraction = ''] = value.split('.');
  return `${BigInt(whole)}.${fraction.padEnd(2, '0')}`;
}

/** Whether YYYY-MM-DD names a day of the calendar (the schema checks only the form). */
function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

type Row<R> = { record: R; origin: RecordOrigin };
type Kind = 'organisation' | 'programme' | 'project';

/** Names the field of a record as the report shows it: JSON path, CSV header, or the record field. */
function columnOf(origin: RecordOrigin, field: string): string {
  const top = field.split(/[.[]/, 1)[0];
  const header = origin.columns?.[top];
  if (header) return header;
  return origin.path ? `${origin.path}.${field}` : field;
}

/** Problems of one record, collected; the record is written only when there are none. */
class RowProblems {
  readonly list: ImportProblem[] = [];
  constructor(private readonly origin: RecordOrigin) {}
  add(field: string | null, message: string): void {
    this.list.push({ file: this.origin.file, line: this.origin.line, column: field === null ? (this.origin.path ?? null) : columnOf(this.origin, field), message });
  }
  /** Adopts the services' UserErrors, renaming their `input.x` fields to the record's. */
  adopt(errors: ReadonlyArray<{ field: string | null; message: string }>, rename: Record<string, string> = {}): void {
    for (const error of errors) {
      const field = (error.field ?? '').replace(/^input\./, '');
      const top = field.split(/[.[]/, 1)[0];
      const renamed = rename[top] ? rename[top] + field.slice(top.length) : field;
      this.add(renamed || null, error.message.replace(/input\.(\w+)/g, (_, name: string) => rename[name] ?? name));
    }
  }
  dates(record: Record<string, unknown>, fields: string[]): void {
    for (const field of fields) {
      const value = record[field];
      if (typeof value === 'string' && !isCalendarDate(value)) this.add(field, `"${value}" is not a date of the calendar`);
    }
  }
  get ok(): boolean {
    return this.list.length === 0;
  }
}

/** Sets `entity[key]` when the value differs; returns whether it did. */
function assign<T extends object, K extends keyof T>(entity: T, key: K, value: T[K] | null | undefined): boolean {
  if (value === undefined) return false;
  const current = (entity[key] ?? null) as unknown;
  const next = (value ?? null) as unknown;
  if (current === next) return false;
  if (current instanceof Date && next instanceof Date && current.getTime() === next.getTime()) return false;
  entity[key] = (value ?? undefined) as T[K];
  return true;
}

/**
 * Makes a list of child rows equal to the desired one, matched by key: updates the matched, creates
 * the missing, removes the rest. Returns whether anything changed.
 */
function sync<E extends object, R>(
  em: EntityManager,
  existing: readonly E[],
  desired: readonly R[],
  keyOf: { row: (row: E) => string; record: (record: R) => string },
  update: (row: E, record: R) => boolean,
  create: (record: R) => void,
): boolean {
  let changed = false;
  const wanted = new Map(desired.map((record) => [keyOf.record(record), record]));
  const kept = new Set<string>();
  for (const row of existing) {
    const key = keyOf.row(row);
    const record = wanted.get(key);
    if (record === undefined || kept.has(key)) {
      em.remove(row);
      changed = true;
    } else {
      kept.add(key);
      if (update(row, record)) changed = true;
    }
  }
  for (const [key, record] of wanted) {
    if (!kept.has(key)) {
      create(record);
      changed = true;
    }
  }
  return changed;
}

function refKey(reference: OrganisationRef): string {
  return JSON.stringify([reference.key ?? null, reference.businessId ?? null, reference.associationRegisterNumber ?? null, reference.externalId ?? null]);
}

function pk<T extends object>(reference: Ref<T> | undefined | null, key: keyof T): string | number | null {
  if (!reference) return null;
  return (reference.unwrap() as T)[key] as string | number;
}

/**
 * Writes `silta/1` records (from any reader) into the database: validated with the write API's rules,
 * upserted by natural keys, in batches, through the caller's audited flush. The caller owns the
 * transaction and decides from the outcome whether to commit (docs/import-export.md, "silta import").
 */
export class ImportWriter {
  private readonly counts = emptyCounts();
  private readonly problems: ImportProblem[] = [];
  private problemCount = 0;
  private readonly nearDuplicates: NearDuplicate[] = [];
  /** File-local organisation keys → database IDs. */
  private readonly organisationKeys = new Map<string, number>();
  /** Programme codes → IDs, filled lazily and by the file's own programmes. */
  private readonly programmeIds = new Map<string, number | null>();
  private readonly programmes: Array<Row<ProgrammeRecord>> = [];
  private programmesWritten = false;
  private readonly themes = new Map<string, number>();
  private readonly targetGroups = new Map<string, number>();
  private readonly municipalityCodes: Set<string>;
  /** Natural keys seen in the file → the line of their first record (a project code is ~100 bytes: 10 MB per 100 000). */
  private readonly seen: Record<Kind, Map<string, number>> = { organisation: new Map(), programme: new Map(), project: new Map() };
  /** Set when a batch could not be written: nothing more is attempted. */
  private broken = false;

  constructor(
    private readonly em: EntityManager,
    private readonly options: WriteOptions,
  ) {
    this.municipalityCodes = new Set(options.context.municipalityOfPostalCode.values());
    for (const code of options.context.municipalityByName.values()) this.municipalityCodes.add(code);
  }

  async write(items: AsyncIterable<ReadItem>): Promise<WriteOutcome> {
    for (const term of await this.em.find(Theme, {})) this.themes.set(term.code, term.id);
    for (const term of await this.em.find(TargetGroup, {})) this.targetGroups.set(term.code, term.id);
    let kind: Kind | null = null;
    let batch: Array<Row<unknown>> = [];
    const flushBatch = async (): Promise<void> => {
      if (batch.length > 0 && kind) await this.writeBatch(kind, batch);
      batch = [];
    };
    for await (const item of items) {
      if (item.kind === 'invalid') {
        this.report(item.problems);
        // A JSON record's path names its list; a CSV row is a project.
        const list = item.origin.path?.split('[', 1)[0];
        this.counts[list === 'organisations' ? 'organisation' : list === 'programmes' ? 'programme' : 'project'].invalid++;
        continue;
      }
      if (item.kind === 'programme') {
        if (this.programmes.length >= MAX_PROGRAMMES) {
          this.report([{ file: item.origin.file, line: item.origin.line, column: null, message: `More than ${MAX_PROGRAMMES} programmes in one file` }]);
          this.counts.programme.invalid++;
        } else this.programmes.push({ record: item.record, origin: item.origin });
        continue;
      }
      if (item.kind !== kind || batch.length >= BATCH_SIZE) {
        await flushBatch();
        kind = item.kind;
      }
      if (item.kind === 'project' && !this.programmesWritten) {
        await this.writeProgrammes();
      }
      batch.push({ record: item.record, origin: item.origin });
    }
    await flushBatch();
    if (!this.programmesWritten) await this.writeProgrammes();
    return { counts: this.counts, problems: this.problems, problemCount: this.problemCount, nearDuplicates: this.nearDuplicates };
  }

  /** A record's natural key may appear once per file: a second record with it is a problem, not an update. */
  private once(kind: Kind, key: string, origin: RecordOrigin, problems: RowProblems, field: string): void {
    const seen = this.seen[kind];
    const first = seen.get(key);
    if (first !== undefined) problems.add(field, `${key} appears twice in the file (first on line ${first})`);
    else seen.set(key, origin.line);
  }

  private report(problems: readonly ImportProblem[]): void {
    this.problemCount += problems.length;
    for (const problem of problems) if (this.problems.length < MAX_LISTED_PROBLEMS) this.problems.push(problem);
  }

  private async writeProgrammes(): Promise<void> {
    this.programmesWritten = true;
    for (let start = 0; start < this.programmes.length; start += BATCH_SIZE) {
      await this.writeBatch('programme', this.programmes.slice(start, start + BATCH_SIZE));
    }
    this.programmes.length = 0;
  }

  /**
   * One batch in a savepoint: a row the checks passed but the database refused (a race, a rule only
   * the database knows) fails the batch, reported at its first line, instead of the whole transaction.
   */
  private async writeBatch(kind: Kind, rows: Array<Row<unknown>>): Promise<void> {
    if (this.broken) {
      this.counts[kind].invalid += rows.length;
      return;
    }
    const before = { ...this.counts[kind] };
    try {
      await this.em.transactional(async (em) => {
        if (kind === 'organisation') await this.writeOrganisations(em, rows as Array<Row<OrganisationRecord>>);
        else if (kind === 'programme') await this.writeProgrammeBatch(em, rows as Array<Row<ProgrammeRecord>>);
        else await this.writeProjects(em, rows as Array<Row<ProjectRecord>>);
      });
    } catch (error) {
      this.counts[kind] = { ...before, invalid: before.invalid + rows.length };
      const message = error instanceof Error ? error.message.split('\n')[0].replace(/^.* - /, '') : String(error);
      this.report([{ file: rows[0].origin.file, line: rows[0].origin.line, column: null, message: `The database refused the batch of ${rows.length} ${kind}s starting here: ${message}` }]);
      if (!this.options.skipInvalid) this.broken = true;
    }
    this.em.clear();
  }

  // ---------------------------------------------------------------- organisations

  /** Finds organisations by their references: the file's keys first, then Y-tunnus, register number, external ID. */
  private async resolveOrganisations(em: EntityManager, references: readonly OrganisationRef[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const businessIds = new Set<string>();
    const registerNumbers = new Set<string>();
    const external: Array<{ system: string; value: string }> = [];
    for (const reference of references) {
      if (reference.key !== undefined && this.organisationKeys.has(reference.key)) {
        found.set(refKey(reference), this.organisationKeys.get(reference.key)!);
        continue;
      }
      if (reference.businessId) businessIds.add(reference.businessId);
      if (reference.associationRegisterNumber) registerNumbers.add(reference.associationRegisterNumber);
      if (reference.externalId) external.push(reference.externalId);
    }
    const byBusinessId = new Map<string, number>();
    const byRegister = new Map<string, number>();
    const byExternal = new Map<string, number>();
    if (businessIds.size > 0) {
      for (const row of await query<{ id: number; business_id: string }>(em, 'select id, business_id from organisation where business_id = any(?)', [[...businessIds]])) {
        byBusinessId.set(row.business_id, row.id);
      }
    }
    if (registerNumbers.size > 0) {
      for (const row of await query<{ id: number; n: string }>(em, 
        'select min(id) as id, association_register_number as n from organisation where association_register_number = any(?) group by association_register_number having count(*) = 1',
        [[...registerNumbers]],
      )) {
        byRegister.set(row.n, row.id);
      }
    }
    if (external.length > 0) {
      for (const row of await query<{ organisation_id: number; system: string; value: string }>(em, 
        'select organisation_id, system, value from external_id where (system, value) in (select * from unnest(?::text[], ?::text[]))',
        [external.map((id) => id.system), external.map((id) => id.value)],
      )) {
        byExternal.set(`${row.system}\u0000${row.value}`, row.organisation_id);
      }
    }
    for (const reference of references) {
      const key = refKey(reference);
      if (found.has(key)) continue;
      const id =
        (reference.businessId && byBusinessId.get(reference.businessId)) ||
        (reference.associationRegisterNumber && byRegister.get(reference.associationRegisterNumber)) ||
        (reference.externalId && byExternal.get(`${reference.externalId.system}\u0000${reference.externalId.value}`)) ||
        undefined;
      if (id !== undefined) found.set(key, id);
    }
    return found;
  }

  private async writeOrganisations(em: EntityManager, rows: Array<Row<OrganisationRecord>>): Promise<void> {
    const { context } = this.options;
    // Match each record to a stored organisation: Y-tunnus, register number, external ID, then siltaId.
    const matches = await this.resolveOrganisations(
      em,
      rows.map(({ record }) => ({
        businessId: record.businessId ?? undefined,
        associationRegisterNumber: record.associationRegisterNumber ?? undefined,
        externalId: record.externalIds?.[0],
      })),
    );
    const siltaIds = rows.flatMap(({ record }) => {
      const decoded = record.siltaId ? parseGlobalId(record.siltaId) : undefined;
      return decoded?.type === 'Organisation' ? [Number(decoded.key)] : [];
    });
    const ids = [...new Set([...matches.values(), ...siltaIds])];
    const loaded = new Map((ids.length > 0 ? await em.find(Organisation, { id: { $in: ids } }) : []).map((org) => [org.id, org]));
    const names = rows.map(({ record }) => uniquenessKey(record.name));
    const nameHolders = new Map<string, number>();
    for (const row of await query<{ id: number; k: string }>(em, 
      `select id, lower(normalize(regexp_replace(btrim(name), '\\s+', ' ', 'g'), NFC)) as k from organisation
        where lower(normalize(regexp_replace(btrim(name), '\\s+', ' ', 'g'), NFC)) = any(?)`,
      [names],
    )) {
      nameHolders.set(row.k, row.id);
    }
    const seenNames = new Map<string, number>();
    const created: Array<{ row: Row<OrganisationRecord>; organisation: Organisation }> = [];
    const owners = new Map<Organisation, Row<OrganisationRecord>>();
    for (const row of rows) {
      const { record, origin } = row;
      const problems = new RowProblems(origin);
      if (record.key !== undefined) this.once('organisation', record.key, origin, problems, 'key');
      problems.adopt(
        validateOrganisationFields(
          {
            name: record.name,
            businessId: record.businessId,
            associationRegisterNumber: record.associationRegisterNumber,
            municipalityCode: record.homeMunicipalityCode,
            postalCode: record.postalCode,
            website: record.website,
            description: record.description,
            contactPeople: record.contactPeople?.map((person) => ({ name: person.name, title: person.title ?? undefined, email: person.email ?? undefined, phone: person.phone ?? undefined })),
          },
          true,
        ).errors,
        { municipalityCode: 'homeMunicipalityCode' },
      );
      if (record.homeMunicipalityCode && !this.municipalityCodes.has(record.homeMunicipalityCode)) {
        problems.add('homeMunicipalityCode', `Unknown municipality "${record.homeMunicipalityCode}"`);
      }
      if (record.postalCode && !context.municipalityOfPostalCode.has(record.postalCode)) problems.add('postalCode', `Unknown postal code "${record.postalCode}"`);
      if (record.archivedAt && Number.isNaN(new Date(record.archivedAt).getTime())) problems.add('archivedAt', `"${record.archivedAt}" is not a time stamp`);
      const matchId =
        matches.get(refKey({ businessId: record.businessId ?? undefined, associationRegisterNumber: record.associationRegisterNumber ?? undefined, externalId: record.externalIds?.[0] })) ??
        siltaMatch(record, loaded);
      const organisation = matchId !== undefined ? loaded.get(matchId) : undefined;
      const nameKey = uniquenessKey(record.name);
      const holder = nameHolders.get(nameKey);
      if (holder !== undefined && holder !== organisation?.id) {
        problems.add('name', 'Another organisation already has this name; give its Y-tunnus, register number, external ID or siltaId to update it');
      }
      const earlier = seenNames.get(nameKey);
      if (earlier !== undefined && earlier !== organisation?.id) problems.add('name', 'Another organisation of this batch has the same name');
      if (!problems.ok) {
        this.report(problems.list);
        this.counts.organisation.invalid++;
        continue;
      }
      seenNames.set(nameKey, organisation?.id ?? -1);
      if (organisation && !this.options.permissions.organisationUpdates) {
        owners.set(organisation, row);
        this.counts.organisation.unchanged++;
      } else if (organisation) {
        const changed = this.applyOrganisation(em, organisation, record);
        owners.set(organisation, row);
        this.counts.organisation[(await changed) ? 'updated' : 'unchanged']++;
      } else {
        const fresh = em.create(Organisation, { name: record.name, type: record.type });
        await this.applyOrganisation(em, fresh, record);
        created.push({ row, organisation: fresh });
        owners.set(fresh, row);
        this.counts.organisation.created++;
      }
    }
    await this.options.flush(em);
    for (const [organisation, { record }] of owners) if (record.key !== undefined) this.organisationKeys.set(record.key, organisation.id);
    await this.findNearDuplicates(em, created.filter(({ row }) => !row.record.businessId && !row.record.associationRegisterNumber && !row.record.externalIds?.length));
  }

  private async applyOrganisation(em: EntityManager, organisation: Organisation, record: OrganisationRecord): Promise<boolean> {
    let changed = false;
    changed = assign(organisation, 'name', record.name) || changed;
    changed = assign(organisation, 'type', record.type) || changed;
    changed = assign(organisation, 'businessId', record.businessId) || changed;
    changed = assign(organisation, 'associationRegisterNumber', record.associationRegisterNumber) || changed;
    changed = assign(organisation, 'website', record.website) || changed;
    changed = assign(organisation, 'description', record.description) || changed;
    changed = assign(organisation, 'internalNotes', record.internalNotes) || changed;
    if (record.archivedAt !== undefined) changed = assign(organisation, 'archivedAt', record.archivedAt === null ? null : new Date(record.archivedAt)) || changed;
    if (record.homeMunicipalityCode !== undefined && pk(organisation.homeMunicipality, 'code') !== record.homeMunicipalityCode) {
      organisation.homeMunicipality = record.homeMunicipalityCode ? ref(em.getReference(Municipality, record.homeMunicipalityCode)) : undefined;
      changed = true;
    }
    if (record.postalCode !== undefined && pk(organisation.postalArea, 'postalCode') !== record.postalCode) {
      organisation.postalArea = record.postalCode ? ref(em.getReference(PostalArea, record.postalCode)) : undefined;
      changed = true;
    }
    const isNew = organisation.id === undefined;
    if (record.externalIds !== undefined) {
      const existing = isNew ? [] : await em.find(ExternalId, { organisation: organisation.id }, { orderBy: { id: 'asc' } });
      changed =
        sync(
          em,
          existing,
          record.externalIds,
          { row: (row) => `${row.system}\u0000${row.value}`, record: (id) => `${id.system}\u0000${id.value}` },
          () => false,
          (id) => em.create(ExternalId, { organisation: ref(organisation), system: id.system, value: id.value }),
        ) || changed;
    }
    if (record.contactPeople !== undefined) {
      const existing = isNew ? [] : await em.find(ContactPerson, { organisation: organisation.id }, { orderBy: { id: 'asc' } });
      const shape = (person: { name: string; title?: string | null; email?: string | null; phone?: string | null }): string =>
        JSON.stringify([person.name, person.title ?? null, person.email ?? null, person.phone ?? null]);
      // Contact people have no key of their own: the list is replaced when it differs, in order.
      if (existing.map(shape).join('\n') !== record.contactPeople.map(shape).join('\n')) {
        existing.forEach((person) => em.remove(person));
        for (const person of record.contactPeople) {
          em.create(ContactPerson, { organisation: ref(organisation), name: person.name, title: person.title ?? undefined, email: person.email ?? undefined, phone: person.phone ?? undefined });
        }
        changed = true;
      }
    }
    return changed;
  }

  private async findNearDuplicates(em: EntityManager, created: Array<{ row: Row<OrganisationRecord>; organisation: Organisation }>): Promise<void> {
    if (created.length === 0) return;
    const rows = await query<{ i: number; name: string; business_id: string | null }>(em, 
      `select g.i, o.name, o.business_id from unnest(?::text[], ?::int[]) with ordinality g(name, own, i)
         join lateral (select name, business_id from organisation o where o.id <> g.own and similarity(o.name, g.name) >= ? order by similarity(o.name, g.name) desc, o.id limit 1) o on true`,
      [created.map(({ row }) => row.record.name), created.map(({ organisation }) => organisation.id), NEAR_DUPLICATE_SIMILARITY],
    );
    for (const row of rows) {
      const { row: source } = created[Number(row.i) - 1];
      this.nearDuplicates.push({ file: source.origin.file, line: source.origin.line, name: source.record.name, similarName: row.name, similarBusinessId: row.business_id });
    }
  }

  // ---------------------------------------------------------------- programmes

  private async programmeId(em: EntityManager, code: string): Promise<number | null> {
    if (!this.programmeIds.has(code)) {
      const [row] = await query<{ id: number }>(em, 'select id from programme where code = ?', [code]);
      this.programmeIds.set(code, row?.id ?? null);
    }
    return this.programmeIds.get(code) ?? null;
  }

  private async writeProgrammeBatch(em: EntityManager, rows: Array<Row<ProgrammeRecord>>): Promise<void> {
    const references = rows.flatMap(({ record }) => [...(record.administeringOrganisation ? [record.administeringOrganisation] : []), ...(record.funders ?? []).map((funder) => funder.organisation)]);
    const organisations = await this.resolveOrganisations(em, references);
    const existing = new Map((await em.find(Programme, { code: { $in: rows.map(({ record }) => record.code) } })).map((programme) => [programme.code, programme]));
    const written: Array<{ programme: Programme; record: ProgrammeRecord }> = [];
    for (const { record, origin } of rows) {
      const problems = new RowProblems(origin);
      if (!this.options.permissions.programmes) problems.add(null, 'Only administrators may import programmes');
      problems.adopt(validateProgrammeFields({ code: record.code, name: record.name, description: record.description }, true).errors);
      problems.dates(record as unknown as Record<string, unknown>, ['periodStart', 'periodEnd']);
      if (record.periodEnd < record.periodStart) problems.add('periodEnd', `The period ends (${record.periodEnd}) before it starts (${record.periodStart})`);
      if (record.administeringOrganisation && !organisations.has(refKey(record.administeringOrganisation))) problems.add('administeringOrganisation', 'No such organisation in the file or the database');
      record.funders?.forEach((funder, index) => {
        if (!organisations.has(refKey(funder.organisation))) problems.add(`funders[${index}].organisation`, 'No such organisation in the file or the database');
      });
      record.areas?.forEach((area, index) => {
        if (!this.options.context.municipalityOfPostalCode.has(area.postalCode)) problems.add(`areas[${index}].postalCode`, `Unknown postal code "${area.postalCode}"`);
      });
      record.decisions?.forEach((decision, index) => {
        if (!isCalendarDate(decision.date)) problems.add(`decisions[${index}].date`, `"${decision.date}" is not a date of the calendar`);
      });
      this.once('programme', record.code, origin, problems, 'code');
      if (record.parentCode && record.parentCode !== record.code && (await this.programmeId(em, record.parentCode)) === null && !rows.some((other) => other.record.code === record.parentCode)) {
        problems.add('parentCode', `No programme ${record.parentCode}`);
      }
      if (record.parentCode === record.code) problems.add('parentCode', 'A programme cannot be its own parent');
      if (!problems.ok) {
        this.report(problems.list);
        this.counts.programme.invalid++;
        continue;
      }
      let programme = existing.get(record.code);
      const isNew = !programme;
      programme ??= em.create(Programme, { code: record.code, name: record.name, scheme: record.scheme, periodStart: record.periodStart, periodEnd: record.periodEnd });
      existing.set(record.code, programme);
      let changed = false;
      changed = assign(programme, 'name', record.name) || changed;
      changed = assign(programme, 'scheme', record.scheme) || changed;
      changed = assign(programme, 'periodStart', record.periodStart) || changed;
      changed = assign(programme, 'periodEnd', record.periodEnd) || changed;
      changed = assign(programme, 'description', record.description) || changed;
      if (record.administeringOrganisation !== undefined) {
        const id = record.administeringOrganisation ? organisations.get(refKey(record.administeringOrganisation))! : null;
        if (pk(programme.administeringOrganisation, 'id') !== id) {
          programme.administeringOrganisation = id === null ? undefined : ref(em.getReference(Organisation, id));
          changed = true;
        }
      }
      const own = ref(programme);
      const load = async <E extends object>(entity: new () => E): Promise<E[]> => (isNew ? [] : ((await em.find(entity as never, { programme: programme!.id } as never, { orderBy: { id: 'asc' } as never })) as E[]));
      if (record.funders) {
        const desired = record.funders.map((funder) => ({ organisation: organisations.get(refKey(funder.organisation))!, source: funder.source }));
        changed =
          sync(em, await load(ProgrammeFunder), desired, { row: (row) => `${pk(row.organisation, 'id')}/${row.source}`, record: (item) => `${item.organisation}/${item.source}` }, () => false, (item) =>
            em.create(ProgrammeFunder, { programme: own, organisation: ref(em.getReference(Organisation, item.organisation)), source: item.source }),
          ) || changed;
      }
      if (record.objectives) {
        changed =
          sync(
            em,
            await load(ProgrammeObjective),
            record.objectives,
            { row: (row) => `${row.priorityAxis}/${row.specificObjective}`, record: (item) => `${item.priorityAxis}/${item.specificObjective}` },
            (row, item) => assign(row, 'title', item.title),
            (item) => em.create(ProgrammeObjective, { programme: own, ...item }),
          ) || changed;
      }
      if (record.ceilings) {
        const sources = (list: readonly string[]): string => [...list].sort().join('+');
        changed =
          sync(
            em,
            await load(ProgrammeCeiling),
            record.ceilings,
            { row: (row) => `${sources(row.sources)}/${row.year ?? ''}`, record: (item) => `${sources(item.sources)}/${item.year ?? ''}` },
            (row, item) => [assign(row, 'annualAmount', money(item.annualAmount)), assign(row, 'approximate', item.approximate ?? false)].some(Boolean),
            (item) => em.create(ProgrammeCeiling, { programme: own, sources: [...item.sources].sort(), annualAmount: money(item.annualAmount), year: item.year ?? undefined, approximate: item.approximate ?? false }),
          ) || changed;
      }
      if (record.decisions) {
        changed =
          sync(
            em,
            await load(ProgrammeDecision),
            record.decisions,
            { row: (row) => `${row.body}/${row.date}/${row.reference ?? ''}`, record: (item) => `${item.body}/${item.date}/${item.reference ?? ''}` },
            (row, item) => [assign(row, 'outcome', item.outcome), assign(row, 'summary', item.summary)].some(Boolean),
            (item) => em.create(ProgrammeDecision, { programme: own, body: item.body, date: item.date, reference: item.reference ?? undefined, outcome: item.outcome, summary: item.summary ?? undefined }),
          ) || changed;
      }
      if (record.areas) {
        changed =
          sync(
            em,
            await load(ProgrammeArea),
            record.areas,
            { row: (row) => String(pk(row.postalArea, 'postalCode')), record: (item) => item.postalCode },
            (row, item) => assign(row, 'areaType', item.areaType),
            (item) => em.create(ProgrammeArea, { programme: own, postalArea: ref(em.getReference(PostalArea, item.postalCode)), areaType: item.areaType }),
          ) || changed;
      }
      written.push({ programme, record });
      this.counts.programme[isNew ? 'created' : changed ? 'updated' : 'unchanged']++;
    }
    await this.options.flush(em);
    // Parents once every programme of the batch has its key.
    let parentsChanged = false;
    for (const { programme } of written) this.programmeIds.set(programme.code, programme.id);
    for (const { programme, record } of written) {
      if (record.parentCode === undefined) continue;
      const parentId = record.parentCode ? await this.programmeId(em, record.parentCode) : null;
      if (pk(programme.parent, 'id') !== parentId) {
        programme.parent = parentId === null ? undefined : ref(em.getReference(Programme, parentId));
        parentsChanged = true;
      }
    }
    if (parentsChanged) await this.options.flush(em);
  }

  // ---------------------------------------------------------------- projects

  private async writeProjects(em: EntityManager, rows: Array<Row<ProjectRecord>>): Promise<void> {
    const { context, permissions } = this.options;
    const codes = rows.map(({ record }) => record.code);
    const existing = new Map((await em.find(Project, { code: { $in: codes } })).map((project) => [project.code, project]));
    const ids = [...existing.values()].map((project) => project.id);
    const children = await this.loadProjectChildren(em, ids);
    const organisations = await this.resolveOrganisations(em, rows.flatMap(({ record }) => (record.participations ?? []).map((item) => item.organisation)));
    const external = new Map<string, string>();
    const euraCodes = rows.flatMap(({ record }) => (record.euraCode ? [record.euraCode] : []));
    const hyrraNumbers = rows.flatMap(({ record }) => (record.hyrraNumber ? [record.hyrraNumber] : []));
    if (euraCodes.length + hyrraNumbers.length > 0) {
      for (const row of await query<{ code: string; eura_code: string | null; hyrra_number: string | null }>(em, 
        'select code, eura_code, hyrra_number from project where eura_code = any(?) or hyrra_number = any(?)',
        [euraCodes, hyrraNumbers],
      )) {
        if (row.eura_code) external.set(`eura\u0000${row.eura_code}`, row.code);
        if (row.hyrra_number) external.set(`hyrra\u0000${row.hyrra_number}`, row.code);
      }
    }
    const written: Array<{ project: Project; record: ProjectRecord; isNew: boolean; changed: boolean }> = [];
    for (const { record, origin } of rows) {
      const problems = new RowProblems(origin);
      problems.adopt(
        validateProjectFields(
          {
            code: record.code,
            euraCode: record.euraCode,
            hyrraNumber: record.hyrraNumber,
            recordNumber: record.recordNumber,
            title: record.title,
            summary: record.summary,
            purpose: record.purpose,
            achievements: record.achievements,
            internalNotes: record.internalNotes,
            plannedStart: record.plannedStart,
            plannedEnd: record.plannedEnd,
            actualStart: record.actualStart,
            actualEnd: record.actualEnd,
            themes: record.themeCodes,
            targetGroups: record.targetGroupCodes,
            locations: record.postalCodes,
          },
          null,
        ).errors,
        { themes: 'themeCodes', targetGroups: 'targetGroupCodes', locations: 'postalCodes' },
      );
      problems.dates(record as unknown as Record<string, unknown>, ['plannedStart', 'plannedEnd', 'actualStart', 'actualEnd']);
      const programmeId = await this.programmeId(em, record.programmeCode);
      if (programmeId === null) problems.add('programmeCode', `No programme ${record.programmeCode} (give --programme CODE, or import the programme first)`);
      else if (permissions.programmeIds && !permissions.programmeIds.has(programmeId)) problems.add('programmeCode', `You do not coordinate programme ${record.programmeCode}`);
      this.once('project', record.code, origin, problems, 'code');
      const current = existing.get(record.code);
      if (current && permissions.programmeIds && !permissions.programmeIds.has(current.programme.id)) {
        problems.add('code', `Project ${record.code} belongs to a programme you do not coordinate`);
      }
      record.themeCodes?.forEach((code, index) => this.themes.has(code.trim()) || problems.add(`themeCodes[${index}]`, `Unknown theme "${code}"`));
      record.targetGroupCodes?.forEach((code, index) => this.targetGroups.has(code.trim()) || problems.add(`targetGroupCodes[${index}]`, `Unknown target group "${code}"`));
      record.postalCodes?.forEach((code, index) => context.municipalityOfPostalCode.has(code) || problems.add(`postalCodes[${index}]`, `Unknown postal code "${code}"`));
      record.participations?.forEach((item, index) => {
        if (!organisations.has(refKey(item.organisation))) problems.add(`participations[${index}].organisation`, 'No such organisation in the file or the database (matched by key, Y-tunnus, register number or external ID)');
      });
      record.fundingLines?.forEach((line, index) => {
        problems.adopt(
          validateFundingLineFields({ decisionReference: line.decisionReference }, { granted: line.granted ?? '0', decisionDate: line.decisionDate ?? null }).errors.map((error) => ({ ...error, field: `fundingLines[${index}].${(error.field ?? '').replace(/^input\./, '')}` })),
        );
        if (line.decisionDate && !isCalendarDate(line.decisionDate)) problems.add(`fundingLines[${index}].decisionDate`, `"${line.decisionDate}" is not a date of the calendar`);
      });
      for (const [field, system] of [['euraCode', 'eura'], ['hyrraNumber', 'hyrra']] as const) {
        const value = record[field];
        const holder = value ? external.get(`${system}\u0000${value}`) : undefined;
        if (holder !== undefined && holder !== record.code) problems.add(field, 'Another project already has this value');
      }
      if (record.parentCode === record.code) problems.add('parentCode', 'A project cannot be its own umbrella project');
      if (!problems.ok) {
        this.report(problems.list);
        this.counts.project.invalid++;
        continue;
      }
      const isNew = !current;
      const project =
        current ??
        em.create(Project, { code: record.code, title: record.title, status: record.status, programme: ref(em.getReference(Programme, programmeId!)) });
      if (record.euraCode) external.set(`eura\u0000${record.euraCode}`, record.code);
      if (record.hyrraNumber) external.set(`hyrra\u0000${record.hyrraNumber}`, record.code);
      const changed = this.applyProject(em, project, record, programmeId!, isNew ? emptyChildren() : (children.get(project.id) ?? emptyChildren()), organisations);
      written.push({ project, record, isNew, changed });
    }
    await this.options.flush(em);
    // Umbrella projects once every project of the batch has its key (a pilot may come before its umbrella).
    const parentCodes = [...new Set(written.flatMap(({ record }) => (record.parentCode ? [record.parentCode] : [])))];
    const parents = new Map(parentCodes.length > 0 ? (await query<{ id: number; code: string }>(em, 'select id, code from project where code = any(?)', [parentCodes])).map((row) => [row.code, row.id]) : []);
    let parentsChanged = false;
    for (const entry of written) {
      const { project, record } = entry;
      if (record.parentCode === undefined) continue;
      const parentId = record.parentCode ? parents.get(record.parentCode) : null;
      if (parentId === undefined) {
        // Refused after the fact: with all-or-nothing the transaction is rolled back anyway.
        this.report([{ ...this.originProblem(rows, record), message: `No umbrella project ${record.parentCode} in the file or the database` }]);
        continue;
      }
      if (pk(project.parent, 'id') !== parentId) {
        project.parent = parentId === null ? undefined : ref(em.getReference(Project, parentId));
        entry.changed = true;
        parentsChanged = true;
      }
    }
    if (parentsChanged) await this.options.flush(em);
    for (const { isNew, changed } of written) this.counts.project[isNew ? 'created' : changed ? 'updated' : 'unchanged']++;
  }

  private originProblem(rows: Array<Row<ProjectRecord>>, record: ProjectRecord): ImportProblem {
    const origin = rows.find((row) => row.record === record)!.origin;
    return { file: origin.file, line: origin.line, column: columnOf(origin, 'parentCode'), message: '' };
  }

  private async loadProjectChildren(em: EntityManager, ids: number[]): Promise<Map<number, ProjectChildren>> {
    const children = new Map<number, ProjectChildren>();
    if (ids.length === 0) return children;
    const of = (id: number): ProjectChildren => {
      let entry = children.get(id);
      if (!entry) children.set(id, (entry = emptyChildren()));
      return entry;
    };
    const where = { project: { $in: ids } };
    for (const row of await em.find(ProjectTheme, where)) of(row.project.id).themes.push(row);
    for (const row of await em.find(ProjectTargetGroup, where)) of(row.project.id).targetGroups.push(row);
    for (const row of await em.find(ProjectLocation, where)) of(row.project.id).locations.push(row);
    for (const row of await em.find(Participation, where, { orderBy: { id: 'asc' } })) of(row.project.id).participations.push(row);
    for (const row of await em.find(FundingLine, where, { orderBy: { id: 'asc' } })) of(row.project.id).fundingLines.push(row);
    return children;
  }

  private applyProject(em: EntityManager, project: Project, record: ProjectRecord, programmeId: number, children: ProjectChildren, organisations: Map<string, number>): boolean {
    let changed = false;
    const text = (value: string | null | undefined): string | null | undefined => (value == null ? value : value.normalize('NFC').trim() || null);
    changed = assign(project, 'title', record.title) || changed;
    changed = assign(project, 'status', record.status) || changed;
    for (const field of ['euraCode', 'hyrraNumber', 'recordNumber'] as const) changed = assign(project, field, text(record[field])) || changed;
    for (const field of ['summary', 'purpose', 'achievements', 'internalNotes', 'plannedStart', 'plannedEnd', 'actualStart', 'actualEnd'] as const) {
      changed = assign(project, field, record[field]) || changed;
    }
    if (project.programme.id !== programmeId) {
      project.programme = ref(em.getReference(Programme, programmeId));
      changed = true;
    }
    const own = ref(project);
    if (record.themeCodes) {
      changed =
        sync(em, children.themes, record.themeCodes.map((code) => code.trim()), { row: (row) => String(row.theme.id), record: (code) => String(this.themes.get(code)) }, () => false, (code) =>
          em.create(ProjectTheme, { project: own, theme: ref(em.getReference(Theme, this.themes.get(code)!)) }),
        ) || changed;
    }
    if (record.targetGroupCodes) {
      changed =
        sync(em, children.targetGroups, record.targetGroupCodes.map((code) => code.trim()), { row: (row) => String(row.targetGroup.id), record: (code) => String(this.targetGroups.get(code)) }, () => false, (code) =>
          em.create(ProjectTargetGroup, { project: own, targetGroup: ref(em.getReference(TargetGroup, this.targetGroups.get(code)!)) }),
        ) || changed;
    }
    if (record.postalCodes) {
      changed =
        sync(em, children.locations, record.postalCodes, { row: (row) => String(pk(row.postalArea, 'postalCode')), record: (code) => code }, () => false, (code) =>
          em.create(ProjectLocation, { project: own, postalArea: ref(em.getReference(PostalArea, code)) }),
        ) || changed;
    }
    if (record.participations) {
      const desired = record.participations.map((item) => ({ organisation: organisations.get(refKey(item.organisation))!, role: item.role, budgetShare: item.budgetShare }));
      changed =
        sync(
          em,
          children.participations,
          desired,
          { row: (row) => `${row.organisation.id}/${row.role}`, record: (item) => `${item.organisation}/${item.role}` },
          (row, item) => assign(row, 'budgetShare', item.budgetShare == null ? item.budgetShare : money(item.budgetShare)),
          (item) =>
            em.create(Participation, { project: own, organisation: ref(em.getReference(Organisation, item.organisation)), role: item.role, budgetShare: item.budgetShare ? money(item.budgetShare) : undefined }),
        ) || changed;
    }
    if (record.fundingLines) {
      changed =
        sync(
          em,
          children.fundingLines,
          record.fundingLines,
          { row: (row) => `${row.source}/${row.decisionReference ?? ''}`, record: (line) => `${line.source}/${line.decisionReference ?? ''}` },
          (row, line) =>
            [
              assign(row, 'planned', line.planned === undefined ? undefined : money(line.planned)),
              assign(row, 'granted', line.granted === undefined ? undefined : money(line.granted)),
              assign(row, 'paid', line.paid === undefined ? undefined : money(line.paid)),
              assign(row, 'decisionDate', line.decisionDate),
              assign(row, 'ceilingOverrideReason', line.ceilingOverrideReason),
            ].some(Boolean),
          (line) =>
            em.create(FundingLine, {
              project: own,
              source: line.source,
              planned: money(line.planned ?? '0'),
              granted: money(line.granted ?? '0'),
              paid: money(line.paid ?? '0'),
              decisionDate: line.decisionDate ?? undefined,
              decisionReference: line.decisionReference ?? undefined,
              ceilingOverrideReason: line.ceilingOverrideReason ?? undefined,
            }),
        ) || changed;
    }
    return changed;
  }
}

interface ProjectChildren {
  themes: ProjectTheme[];
  targetGroups: ProjectTargetGroup[];
  locations: ProjectLocation[];
  participations: Participation[];
  fundingLines: FundingLine[];
}

function emptyChildren(): ProjectChildren {
  return { themes: [], targetGroups: [], locations: [], participations: [], fundingLines: [] };
}

function siltaMatch(record: OrganisationRecord, loaded: Map<number, Organisation>): number | undefined {
  const decoded = record.siltaId ? parseGlobalId(record.siltaId) : undefined;
  if (decoded?.type !== 'Organisation') return undefined;
  const organisation = loaded.get(Number(decoded.key));
  // Only while it still names this organisation: a different Y-tunnus means another body.
  if (!organisation || (record.businessId && organisation.businessId && organisation.businessId !== record.businessId)) return undefined;
  return organisation.id;
}

