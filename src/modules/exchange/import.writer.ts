import type { EntityManager } from '@mikro-orm/postgresql';
import { uniquenessKey } from '../../shared/mutations/validation';
import { parseGlobalId } from '../../shared/relay/global-id';
import type { AuditActor } from '../audit/audit.recorder';
import { validateOrganisationFields } from '../organisation/organisation.mutations';
import { validateProgrammeFields } from '../programme/programme.mutations';
import { validateFundingLineFields } from '../funding/funding.mutations';
import { validateProjectFields } from '../project/project.validation';
import type { ImportProblem, OrganisationRecord, OrganisationRef, ProgrammeRecord, ProjectRecord, ReadItem, RecordOrigin } from './exchange.records';
import type { ImportCounts } from './import-run.entity';
import type { ReadContext } from './readers/read-context';
import { query } from './exchange.sql';
import {
  BatchWrite,
  CONTACT_PERSON,
  EXTERNAL_ID,
  FUNDING_LINE,
  loadRows,
  ORGANISATION,
  PARTICIPATION,
  PendingId,
  PROGRAMME,
  PROGRAMME_AREA,
  PROGRAMME_CEILING,
  PROGRAMME_DECISION,
  PROGRAMME_FUNDER,
  PROGRAMME_OBJECTIVE,
  PROJECT,
  PROJECT_LOCATION,
  PROJECT_TARGET_GROUP,
  PROJECT_THEME,
  type Row,
  type TableSpec,
} from './import.store';

/**
 * Records read, checked and written as one set (a few statements per table); memory stays flat.
 * 3 000 rather than 1 000: fewer statements, savepoints and statement-level trigger runs per file
 * (a 20 000-row CSV 15-16 s → 12-14.5 s, peak RSS +25 MB; 5 000 gained nothing more).
 */
export const BATCH_SIZE = 3_000;
/** Records the reader may parse ahead while a batch is being written (the two overlap). */
const READ_AHEAD = BATCH_SIZE;
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
  /** Who imports: each written row's audit row names them. */
  actor: AuditActor;
  /** Writes a batch's changes with their audit rows (`batch.write(em)`), in the caller's write window. */
  flush: (em: EntityManager, batch: BatchWrite) => Promise<void>;
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

/**
 * Yields what `source` yields, asking it for up to `size` items ahead: an async generator runs the
 * queued requests one after another, so the reader parses while the writer waits for the database.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: Array<Promise<IteratorResult<T>>> = [];
  try {
    for (;;) {
      while (queue.length < size) {
        const request = iterator.next();
        // A failure is thrown where its item is awaited, not reported as unhandled while it waits.
        request.catch(() => undefined);
        queue.push(request);
      }
      const next = await queue.shift()!;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Settle what was asked for, then let the source close its file.
    await Promise.allSettled(queue);
    await iterator.return?.();
  }
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

type Item<R> = { record: R; origin: RecordOrigin };
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

/**
 * Makes a list of child rows equal to the desired one, matched by key: updates the matched, creates
 * the missing, removes the rest (and duplicates of a key). Returns whether anything changed.
 */
function sync<R>(
  batch: BatchWrite,
  spec: TableSpec,
  existing: readonly Row[],
  desired: readonly R[],
  keyOf: { row: (row: Row) => string; record: (record: R) => string },
  update: (row: Row, record: R) => boolean,
  create: (record: R) => void,
): boolean {
  let changed = false;
  const wanted = new Map(desired.map((record) => [keyOf.record(record), record]));
  const kept = new Set<string>();
  for (const row of existing) {
    const key = keyOf.row(row);
    const record = wanted.get(key);
    if (record === undefined || kept.has(key)) {
      batch.remove(spec, row);
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

/** Rows grouped by the owner they refer to (`project`, `programme`, `organisation`). */
function byOwner(rows: readonly Row[], property: string): Map<number, Row[]> {
  const groups = new Map<number, Row[]>();
  for (const row of rows) {
    const owner = Number(row[property]);
    const group = groups.get(owner);
    if (group) group.push(row);
    else groups.set(owner, [row]);
  }
  return groups;
}

/** A row's key once written (a created row's pending id is known after its batch). */
function idOf(value: unknown): number {
  return value instanceof PendingId ? value.id! : Number(value);
}

function refKey(reference: OrganisationRef): string {
  return JSON.stringify([reference.key ?? null, reference.businessId ?? null, reference.associationRegisterNumber ?? null, reference.externalId ?? null]);
}

/**
 * Writes `silta/1` records (from any reader) into the database: validated with the write API's rules,
 * upserted by natural keys, in batches written as sets with their audit rows (import.store.ts). The
 * caller owns the transaction and decides from the outcome whether to commit (docs/import-export.md,
 * "silta import").
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
  private readonly programmes: Array<Item<ProgrammeRecord>> = [];
  private programmesWritten = false;
  private readonly themes = new Map<string, number>();
  private readonly targetGroups = new Map<string, number>();
  private readonly municipalityCodes: Set<string>;
  /** Natural keys seen in the file → the line of their first record (a project code is ~100 bytes: 10 MB per 100 000). */
  private readonly seen: Record<Kind, Map<string, number>> = { organisation: new Map(), programme: new Map(), project: new Map() };
  /** Set when a batch could not be written: nothing more is attempted. */
  private broken = false;
  /** The problems of a batch being written, while they are gathered to be listed by line. */
  private collected: ImportProblem[] | null = null;

  constructor(
    private readonly em: EntityManager,
    private readonly options: WriteOptions,
  ) {
    this.municipalityCodes = new Set(options.context.municipalityOfPostalCode.values());
    for (const code of options.context.municipalityByName.values()) this.municipalityCodes.add(code);
  }

  async write(items: AsyncIterable<ReadItem>): Promise<WriteOutcome> {
    for (const term of await query<{ id: number; code: string }>(this.em, 'select id, code from theme')) this.themes.set(term.code, term.id);
    for (const term of await query<{ id: number; code: string }>(this.em, 'select id, code from target_group')) this.targetGroups.set(term.code, term.id);
    // A CSV row yields its new organisations, then its project: the row's records share a batch (its
    // organisations written first), not one batch per switch between the kinds. JSON lists are written
    // list by list, as the file orders them.
    let organisations: Array<Item<OrganisationRecord>> = [];
    let projects: Array<Item<ProjectRecord>> = [];
    const flushBatch = async (): Promise<void> => {
      const [pendingOrganisations, pendingProjects] = [organisations, projects];
      organisations = [];
      projects = [];
      if (pendingOrganisations.length === 0 || pendingProjects.length === 0) {
        if (pendingOrganisations.length > 0) await this.writeBatch('organisation', pendingOrganisations);
        if (pendingProjects.length > 0) await this.writeBatch('project', pendingProjects);
        return;
      }
      // The problems of a mixed batch are listed by line, as row-by-row writing listed them.
      this.collected = [];
      await this.writeBatch('organisation', pendingOrganisations);
      await this.writeBatch('project', pendingProjects);
      const collected = this.collected;
      this.collected = null;
      this.report(collected.sort((a, b) => a.line - b.line));
    };
    for await (const item of readAhead(items, READ_AHEAD)) {
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
      const switching = item.kind === 'organisation' ? projects.length > 0 && item.origin.path !== undefined : organisations.length > 0 && item.origin.path !== undefined;
      if (switching || organisations.length + projects.length >= BATCH_SIZE) await flushBatch();
      if (item.kind === 'project' && !this.programmesWritten) {
        await flushBatch();
        await this.writeProgrammes();
      }
      if (item.kind === 'organisation') organisations.push({ record: item.record, origin: item.origin });
      else projects.push({ record: item.record, origin: item.origin });
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
    if (this.collected) {
      this.collected.push(...problems);
      return;
    }
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

  private batchWrite(): BatchWrite {
    return new BatchWrite(this.options.actor);
  }

  private async flush(em: EntityManager, batch: BatchWrite): Promise<void> {
    if (!batch.empty) await this.options.flush(em, batch);
  }

  /**
   * One batch in a savepoint: a row the checks passed but the database refused (a race, a rule only
   * the database knows) fails the batch, reported at its first line, instead of the whole transaction.
   */
  private async writeBatch(kind: Kind, rows: Array<Item<unknown>>): Promise<void> {
    if (this.broken) {
      this.counts[kind].invalid += rows.length;
      return;
    }
    const before = { ...this.counts[kind] };
    try {
      await this.em.transactional(async (em) => {
        if (kind === 'organisation') await this.writeOrganisations(em, rows as Array<Item<OrganisationRecord>>);
        else if (kind === 'programme') await this.writeProgrammeBatch(em, rows as Array<Item<ProgrammeRecord>>);
        else await this.writeProjects(em, rows as Array<Item<ProjectRecord>>);
      });
    } catch (error) {
      this.counts[kind] = { ...before, invalid: before.invalid + rows.length };
      // knex prefixes the statement ("<sql> - <message>"), and ours span several lines.
      const message = error instanceof Error ? error.message.replace(/^[\s\S]*? - /, '').split('\n')[0] : String(error);
      this.report([{ file: rows[0].origin.file, line: rows[0].origin.line, column: null, message: `The database refused the batch of ${rows.length} ${kind}s starting here: ${message}` }]);
      if (!this.options.skipInvalid) this.broken = true;
    }
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

  private async writeOrganisations(em: EntityManager, rows: Array<Item<OrganisationRecord>>): Promise<void> {
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
    const loaded = new Map((await loadRows(em, ORGANISATION, 'id', ids)).map((row) => [Number(row.id), row]));
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
    const checked: Array<{ item: Item<OrganisationRecord>; current: Row | undefined }> = [];
    for (const item of rows) {
      const { record, origin } = item;
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
      const current = matchId !== undefined ? loaded.get(matchId) : undefined;
      const currentId = current ? Number(current.id) : undefined;
      const nameKey = uniquenessKey(record.name);
      const holder = nameHolders.get(nameKey);
      if (holder !== undefined && holder !== currentId) {
        problems.add('name', 'Another organisation already has this name; give its Y-tunnus, register number, external ID or siltaId to update it');
      }
      const earlier = seenNames.get(nameKey);
      if (earlier !== undefined && earlier !== currentId) problems.add('name', 'Another organisation of this batch has the same name');
      if (!problems.ok) {
        this.report(problems.list);
        this.counts.organisation.invalid++;
        continue;
      }
      seenNames.set(nameKey, currentId ?? -1);
      checked.push({ item, current });
    }
    // The children of the organisations that will be updated, in one read per table.
    const updatable = this.options.permissions.organisationUpdates ? [...new Set(checked.flatMap(({ current }) => (current ? [Number(current.id)] : [])))] : [];
    const externalIds = byOwner(await loadRows(em, EXTERNAL_ID, 'organisation_id', updatable), 'organisation');
    const contactPeople = byOwner(await loadRows(em, CONTACT_PERSON, 'organisation_id', updatable), 'organisation');
    const batch = this.batchWrite();
    const owners = new Map<Row, Item<OrganisationRecord>>();
    const created: Array<{ item: Item<OrganisationRecord>; row: Row }> = [];
    for (const { item, current } of checked) {
      const { record } = item;
      if (current && !this.options.permissions.organisationUpdates) {
        owners.set(current, item);
        this.counts.organisation.unchanged++;
      } else if (current) {
        const id = Number(current.id);
        const changed = this.applyOrganisation(batch, current, record, externalIds.get(id) ?? [], contactPeople.get(id) ?? []);
        owners.set(current, item);
        this.counts.organisation[changed ? 'updated' : 'unchanged']++;
      } else {
        const fresh = batch.create(ORGANISATION, { ...this.organisationFields(record), name: record.name, type: record.type, isDemo: false });
        this.applyOrganisation(batch, fresh, record, [], []);
        created.push({ item, row: fresh });
        owners.set(fresh, item);
        this.counts.organisation.created++;
      }
    }
    await this.flush(em, batch);
    for (const [row, { record }] of owners) if (record.key !== undefined) this.organisationKeys.set(record.key, idOf(row.id));
    await this.findNearDuplicates(em, created.filter(({ item }) => !item.record.businessId && !item.record.associationRegisterNumber && !item.record.externalIds?.length));
  }

  /** An organisation's own fields from a record: undefined (left out) leaves a field as it is. */
  private organisationFields(record: OrganisationRecord): Row {
    return {
      name: record.name,
      type: record.type,
      businessId: record.businessId,
      associationRegisterNumber: record.associationRegisterNumber,
      website: record.website,
      description: record.description,
      internalNotes: record.internalNotes,
      archivedAt: record.archivedAt == null ? record.archivedAt : new Date(record.archivedAt).toISOString(),
      homeMunicipality: record.homeMunicipalityCode,
      postalArea: record.postalCode,
    };
  }

  /** Changes an organisation (stored, or just created) and its IDs and contact people to match a record. */
  private applyOrganisation(batch: BatchWrite, organisation: Row, record: OrganisationRecord, externalIds: Row[], contactPeople: Row[]): boolean {
    const isNew = organisation.id instanceof PendingId;
    let changed = isNew ? false : batch.update(ORGANISATION, organisation, this.organisationFields(record));
    if (record.externalIds !== undefined) {
      changed =
        sync(
          batch,
          EXTERNAL_ID,
          externalIds,
          record.externalIds,
          { row: (row) => `${String(row.system)}\u0000${String(row.value)}`, record: (id) => `${id.system}\u0000${id.value}` },
          () => false,
          (id) => batch.create(EXTERNAL_ID, { organisation: organisation.id, system: id.system, value: id.value }),
        ) || changed;
    }
    if (record.contactPeople !== undefined) {
      const shape = (person: { name?: unknown; title?: unknown; email?: unknown; phone?: unknown }): string => JSON.stringify([person.name, person.title ?? null, person.email ?? null, person.phone ?? null]);
      // Contact people have no key of their own: the list is replaced when it differs, in order.
      if (contactPeople.map(shape).join('\n') !== record.contactPeople.map(shape).join('\n')) {
        contactPeople.forEach((person) => batch.remove(CONTACT_PERSON, person));
        for (const person of record.contactPeople) {
          batch.create(CONTACT_PERSON, { organisation: organisation.id, name: person.name, title: person.title ?? undefined, email: person.email ?? undefined, phone: person.phone ?? undefined });
        }
        changed = true;
      }
    }
    return changed;
  }

  private async findNearDuplicates(em: EntityManager, created: Array<{ item: Item<OrganisationRecord>; row: Row }>): Promise<void> {
    if (created.length === 0) return;
    const rows = await query<{ i: number; name: string; business_id: string | null }>(em, 
      `select g.i, o.name, o.business_id from unnest(?::text[], ?::int[]) with ordinality g(name, own, i)
         join lateral (select name, business_id from organisation o where o.id <> g.own and similarity(o.name, g.name) >= ? order by similarity(o.name, g.name) desc, o.id limit 1) o on true`,
      [created.map(({ item }) => item.record.name), created.map(({ row }) => idOf(row.id)), NEAR_DUPLICATE_SIMILARITY],
    );
    for (const row of rows) {
      const { item: source } = created[Number(row.i) - 1];
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

  private async writeProgrammeBatch(em: EntityManager, rows: Array<Item<ProgrammeRecord>>): Promise<void> {
    const references = rows.flatMap(({ record }) => [...(record.administeringOrganisation ? [record.administeringOrganisation] : []), ...(record.funders ?? []).map((funder) => funder.organisation)]);
    const organisations = await this.resolveOrganisations(em, references);
    const existing = new Map((await loadRows(em, PROGRAMME, 'code', rows.map(({ record }) => record.code), 'text')).map((row) => [String(row.code), row]));
    const ids = [...existing.values()].map((row) => Number(row.id));
    const funders = byOwner(await loadRows(em, PROGRAMME_FUNDER, 'programme_id', ids), 'programme');
    const objectives = byOwner(await loadRows(em, PROGRAMME_OBJECTIVE, 'programme_id', ids), 'programme');
    const ceilings = byOwner(await loadRows(em, PROGRAMME_CEILING, 'programme_id', ids), 'programme');
    const decisions = byOwner(await loadRows(em, PROGRAMME_DECISION, 'programme_id', ids), 'programme');
    const areas = byOwner(await loadRows(em, PROGRAMME_AREA, 'programme_id', ids), 'programme');
    const batch = this.batchWrite();
    const written: Array<{ programme: Row; record: ProgrammeRecord }> = [];
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
      const current = existing.get(record.code);
      const isNew = !current;
      const administeringOrganisation =
        record.administeringOrganisation === undefined ? undefined : record.administeringOrganisation ? organisations.get(refKey(record.administeringOrganisation))! : null;
      const fields = { name: record.name, scheme: record.scheme, periodStart: record.periodStart, periodEnd: record.periodEnd, description: record.description, administeringOrganisation };
      const programme = current ?? batch.create(PROGRAMME, { code: record.code, ...fields, isDemo: false });
      existing.set(record.code, programme);
      let changed = current ? batch.update(PROGRAMME, current, fields) : false;
      const own = programme.id;
      const id = isNew ? -1 : Number(programme.id);
      if (record.funders) {
        const desired = record.funders.map((funder) => ({ organisation: organisations.get(refKey(funder.organisation))!, source: funder.source }));
        changed =
          sync(batch, PROGRAMME_FUNDER, funders.get(id) ?? [], desired, { row: (row) => `${String(row.organisation)}/${String(row.source)}`, record: (item) => `${item.organisation}/${item.source}` }, () => false, (item) =>
            batch.create(PROGRAMME_FUNDER, { programme: own, organisation: item.organisation, source: item.source }),
          ) || changed;
      }
      if (record.objectives) {
        changed =
          sync(
            batch,
            PROGRAMME_OBJECTIVE,
            objectives.get(id) ?? [],
            record.objectives,
            { row: (row) => `${String(row.priorityAxis)}/${String(row.specificObjective)}`, record: (item) => `${item.priorityAxis}/${item.specificObjective}` },
            (row, item) => batch.update(PROGRAMME_OBJECTIVE, row, { title: item.title }),
            (item) => batch.create(PROGRAMME_OBJECTIVE, { programme: own, priorityAxis: item.priorityAxis, specificObjective: item.specificObjective, title: item.title }),
          ) || changed;
      }
      if (record.ceilings) {
        const sources = (list: readonly string[]): string => [...list].sort().join('+');
        changed =
          sync(
            batch,
            PROGRAMME_CEILING,
            ceilings.get(id) ?? [],
            record.ceilings,
            { row: (row) => `${sources(arrayOf(row.sources))}/${row.year == null ? '' : String(row.year)}`, record: (item) => `${sources(item.sources)}/${item.year ?? ''}` },
            (row, item) => batch.update(PROGRAMME_CEILING, row, { annualAmount: money(item.annualAmount), approximate: item.approximate ?? false }),
            (item) => batch.create(PROGRAMME_CEILING, { programme: own, sources: `{${[...item.sources].sort().join(',')}}`, annualAmount: money(item.annualAmount), year: item.year ?? undefined, approximate: item.approximate ?? false }),
          ) || changed;
      }
      if (record.decisions) {
        changed =
          sync(
            batch,
            PROGRAMME_DECISION,
            decisions.get(id) ?? [],
            record.decisions,
            { row: (row) => `${String(row.body)}/${String(row.date)}/${row.reference == null ? '' : String(row.reference)}`, record: (item) => `${item.body}/${item.date}/${item.reference ?? ''}` },
            (row, item) => batch.update(PROGRAMME_DECISION, row, { outcome: item.outcome, summary: item.summary }),
            (item) => batch.create(PROGRAMME_DECISION, { programme: own, body: item.body, date: item.date, reference: item.reference ?? undefined, outcome: item.outcome, summary: item.summary ?? undefined }),
          ) || changed;
      }
      if (record.areas) {
        changed =
          sync(
            batch,
            PROGRAMME_AREA,
            areas.get(id) ?? [],
            record.areas,
            { row: (row) => String(row.postalArea), record: (item) => item.postalCode },
            (row, item) => batch.update(PROGRAMME_AREA, row, { areaType: item.areaType }),
            (item) => batch.create(PROGRAMME_AREA, { programme: own, postalArea: item.postalCode, areaType: item.areaType }),
          ) || changed;
      }
      written.push({ programme, record });
      this.counts.programme[isNew ? 'created' : changed ? 'updated' : 'unchanged']++;
    }
    await this.flush(em, batch);
    // Parents once every programme of the batch has its key.
    const parents = this.batchWrite();
    for (const { programme, record } of written) this.programmeIds.set(record.code, idOf(programme.id));
    for (const { programme, record } of written) {
      if (record.parentCode === undefined) continue;
      const parentId = record.parentCode ? await this.programmeId(em, record.parentCode) : null;
      parents.update(PROGRAMME, { ...programme, id: idOf(programme.id) }, { parent: parentId });
    }
    await this.flush(em, parents);
  }

  // ---------------------------------------------------------------- projects

  private async writeProjects(em: EntityManager, rows: Array<Item<ProjectRecord>>): Promise<void> {
    const { context, permissions } = this.options;
    const codes = rows.map(({ record }) => record.code);
    const existing = new Map((await loadRows(em, PROJECT, 'code', codes, 'text')).map((row) => [String(row.code), row]));
    const ids = [...existing.values()].map((row) => Number(row.id));
    const euraCodes = rows.flatMap(({ record }) => (record.euraCode ? [record.euraCode] : []));
    const hyrraNumbers = rows.flatMap(({ record }) => (record.hyrraNumber ? [record.hyrraNumber] : []));
    // One after another: pg deprecates queueing a query while the client runs another (removed in pg 9).
    const themes = byOwner(await loadRows(em, PROJECT_THEME, 'project_id', ids), 'project');
    const targetGroups = byOwner(await loadRows(em, PROJECT_TARGET_GROUP, 'project_id', ids), 'project');
    const locations = byOwner(await loadRows(em, PROJECT_LOCATION, 'project_id', ids), 'project');
    const participations = byOwner(await loadRows(em, PARTICIPATION, 'project_id', ids), 'project');
    const fundingLines = byOwner(await loadRows(em, FUNDING_LINE, 'project_id', ids), 'project');
    const organisations = await this.resolveOrganisations(em, rows.flatMap(({ record }) => (record.participations ?? []).map((item) => item.organisation)));
    const holders =
      euraCodes.length + hyrraNumbers.length > 0
        ? await query<{ code: string; eura_code: string | null; hyrra_number: string | null }>(em, 'select code, eura_code, hyrra_number from project where eura_code = any(?) or hyrra_number = any(?)', [euraCodes, hyrraNumbers])
        : [];
    const external = new Map<string, string>();
    for (const row of holders) {
      if (row.eura_code) external.set(`eura\u0000${row.eura_code}`, row.code);
      if (row.hyrra_number) external.set(`hyrra\u0000${row.hyrra_number}`, row.code);
    }
    const batch = this.batchWrite();
    const written: Array<{ project: Row; record: ProjectRecord; origin: RecordOrigin; isNew: boolean; changed: boolean }> = [];
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
      if (current && permissions.programmeIds && !permissions.programmeIds.has(Number(current.programme))) {
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
      if (record.euraCode) external.set(`eura\u0000${record.euraCode}`, record.code);
      if (record.hyrraNumber) external.set(`hyrra\u0000${record.hyrraNumber}`, record.code);
      const fields = projectFields(record, programmeId!);
      const project = current ?? batch.create(PROJECT, { code: record.code, ...fields, isDemo: false });
      const id = current ? Number(current.id) : -1;
      let changed = current ? batch.update(PROJECT, current, fields) : false;
      const children = { themes: themes.get(id) ?? [], targetGroups: targetGroups.get(id) ?? [], locations: locations.get(id) ?? [], participations: participations.get(id) ?? [], fundingLines: fundingLines.get(id) ?? [] };
      changed = this.applyProjectChildren(batch, project.id, record, children, organisations) || changed;
      written.push({ project, record, origin, isNew: !current, changed });
    }
    await this.flush(em, batch);
    // Umbrella projects once every project of the batch has its key (a pilot may come before its umbrella).
    const parentCodes = [...new Set(written.flatMap(({ record }) => (record.parentCode ? [record.parentCode] : [])))];
    const parents = new Map(parentCodes.length > 0 ? (await query<{ id: number; code: string }>(em, 'select id, code from project where code = any(?)', [parentCodes])).map((row) => [row.code, row.id]) : []);
    const umbrellas = this.batchWrite();
    for (const entry of written) {
      const { project, record, origin } = entry;
      if (record.parentCode === undefined) continue;
      const parentId = record.parentCode ? parents.get(record.parentCode) : null;
      if (parentId === undefined) {
        // Refused after the fact: with all-or-nothing the transaction is rolled back anyway.
        this.report([{ file: origin.file, line: origin.line, column: columnOf(origin, 'parentCode'), message: `No umbrella project ${record.parentCode} in the file or the database` }]);
        continue;
      }
      if (umbrellas.update(PROJECT, { ...project, id: idOf(project.id) }, { parent: parentId })) entry.changed = true;
    }
    await this.flush(em, umbrellas);
    for (const { isNew, changed } of written) this.counts.project[isNew ? 'created' : changed ? 'updated' : 'unchanged']++;
  }

  /** Makes a project's themes, target groups, places, participations and funding lines those of the record (lists left out stay). */
  private applyProjectChildren(batch: BatchWrite, own: unknown, record: ProjectRecord, children: Record<'themes' | 'targetGroups' | 'locations' | 'participations' | 'fundingLines', Row[]>, organisations: Map<string, number>): boolean {
    let changed = false;
    if (record.themeCodes) {
      changed =
        sync(batch, PROJECT_THEME, children.themes, record.themeCodes.map((code) => code.trim()), { row: (row) => String(row.theme), record: (code) => String(this.themes.get(code)) }, () => false, (code) =>
          batch.create(PROJECT_THEME, { project: own, theme: this.themes.get(code)! }),
        ) || changed;
    }
    if (record.targetGroupCodes) {
      changed =
        sync(batch, PROJECT_TARGET_GROUP, children.targetGroups, record.targetGroupCodes.map((code) => code.trim()), { row: (row) => String(row.targetGroup), record: (code) => String(this.targetGroups.get(code)) }, () => false, (code) =>
          batch.create(PROJECT_TARGET_GROUP, { project: own, targetGroup: this.targetGroups.get(code)! }),
        ) || changed;
    }
    if (record.postalCodes) {
      changed =
        sync(batch, PROJECT_LOCATION, children.locations, record.postalCodes, { row: (row) => String(row.postalArea), record: (code) => code }, () => false, (code) =>
          batch.create(PROJECT_LOCATION, { project: own, postalArea: code }),
        ) || changed;
    }
    if (record.participations) {
      const desired = record.participations.map((item) => ({ organisation: organisations.get(refKey(item.organisation))!, role: item.role, budgetShare: item.budgetShare }));
      changed =
        sync(
          batch,
          PARTICIPATION,
          children.participations,
          desired,
          { row: (row) => `${String(row.organisation)}/${String(row.role)}`, record: (item) => `${item.organisation}/${item.role}` },
          (row, item) => batch.update(PARTICIPATION, row, { budgetShare: item.budgetShare == null ? item.budgetShare : money(item.budgetShare) }),
          (item) => batch.create(PARTICIPATION, { project: own, organisation: item.organisation, role: item.role, budgetShare: item.budgetShare ? money(item.budgetShare) : undefined }),
        ) || changed;
    }
    if (record.fundingLines) {
      changed =
        sync(
          batch,
          FUNDING_LINE,
          children.fundingLines,
          record.fundingLines,
          { row: (row) => `${String(row.source)}/${row.decisionReference == null ? '' : String(row.decisionReference)}`, record: (line) => `${line.source}/${line.decisionReference ?? ''}` },
          (row, line) =>
            batch.update(FUNDING_LINE, row, {
              planned: line.planned === undefined ? undefined : money(line.planned),
              granted: line.granted === undefined ? undefined : money(line.granted),
              paid: line.paid === undefined ? undefined : money(line.paid),
              decisionDate: line.decisionDate,
              ceilingOverrideReason: line.ceilingOverrideReason,
            }),
          (line) =>
            batch.create(FUNDING_LINE, {
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

/** A project's own fields from a record: undefined (left out) leaves a field as it is. */
function projectFields(record: ProjectRecord, programmeId: number): Row {
  const text = (value: string | null | undefined): string | null | undefined => (value == null ? value : value.normalize('NFC').trim() || null);
  return {
    title: record.title,
    status: record.status,
    euraCode: text(record.euraCode),
    hyrraNumber: text(record.hyrraNumber),
    recordNumber: text(record.recordNumber),
    summary: record.summary,
    purpose: record.purpose,
    achievements: record.achievements,
    internalNotes: record.internalNotes,
    plannedStart: record.plannedStart,
    plannedEnd: record.plannedEnd,
    actualStart: record.actualStart,
    actualEnd: record.actualEnd,
    programme: programmeId,
  };
}

/** A text[] column read as PostgreSQL writes it ("{ESR,STATE}"), as a list. */
function arrayOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  const text = String(value ?? '').replace(/^\{|\}$/g, '');
  return text === '' ? [] : text.split(',');
}

function siltaMatch(record: OrganisationRecord, loaded: Map<number, Row>): number | undefined {
  const decoded = record.siltaId ? parseGlobalId(record.siltaId) : undefined;
  if (decoded?.type !== 'Organisation') return undefined;
  const organisation = loaded.get(Number(decoded.key));
  // Only while it still names this organisation: a different Y-tunnus means another body.
  if (!organisation || (record.businessId && organisation.businessId && organisation.businessId !== record.businessId)) return undefined;
  return Number(organisation.id);
}
