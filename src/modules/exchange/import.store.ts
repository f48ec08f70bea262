import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditActor } from '../audit/audit.recorder';
import { query } from './exchange.sql';

/**
 * The import's SQL (docs/import-export.md, "How a batch is written"): rows are read and written per
 * batch as sets (`json_to_recordset` with one parameter), never entity by entity, and every written
 * row gets the audit row `flushWithAudit` would give it (audit.recorder.ts: field names are the API's
 * property names, values as MikroORM holds them), inserted in one statement per batch.
 */

/** A row as the audit trail shows it: property → value (dates and money as strings, references as keys). */
export type Row = Record<string, unknown>;

/** A table the importer writes, described by its entity's properties. */
export interface TableSpec {
  table: string;
  /** The entity's name in the audit trail. */
  entity: string;
  /** Property → column and SQL type (how it is read and written). */
  columns: Readonly<Record<string, readonly [column: string, type: string]>>;
  /** The primary key's properties: `id`, or a composite key in declaration order. */
  key: readonly string[];
  /** Whether the table has `created_at`/`updated_at` (BaseEntity). */
  timestamps: boolean;
  /** Whether the table has an optimistic-lock `version` (incremented on update, like MikroORM does). */
  versioned: boolean;
  /**
   * The owner reference a created row's audit row shows as `{"value": id}` when the owner is created
   * in the same batch: MikroORM's change set held a Reference to an entity without a key yet, and the
   * trail kept that shape. Other references are keys.
   */
  ownerOnCreate?: string;
}

/** The audit trail leaves these out: timestamps are in the event itself. */
const NOISE = new Set(['updatedAt', 'createdAt']);

/** The id a row being created will get, known when the batch is written. */
export class PendingId {
  id: number | undefined;
}

/** A value read back from the database the way MikroORM holds it: timestamps as ISO strings, ints as numbers. */
function readValue(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (type === 'int' && typeof value === 'string') return Number(value);
  return value;
}

/** How a column is selected so that its value comes back as the audit trail holds it. */
function selectOf(column: string, type: string, alias: string): string {
  if (type === 'date') return `to_char(t.${column}, 'YYYY-MM-DD') as "${alias}"`;
  if (type === 'numeric' || type === 'text[]') return `t.${column}::text as "${alias}"`;
  return `t.${column} as "${alias}"`;
}

/** Every column a spec reads: its properties, the key, and the bookkeeping columns. */
function readable(spec: TableSpec): Array<[string, string, string]> {
  const columns: Array<[string, string, string]> = Object.entries(spec.columns).map(([property, [column, type]]) => [property, column, type]);
  if (spec.key.includes('id')) columns.unshift(['id', 'id', 'int']);
  if (spec.timestamps) columns.push(['createdAt', 'created_at', 'timestamptz'], ['updatedAt', 'updated_at', 'timestamptz']);
  if (spec.versioned) columns.push(['version', 'version', 'int']);
  return columns;
}

/** The rows of `spec` whose `column` is one of `values`, ordered by id (as the writer compared them before). */
export async function loadRows(em: EntityManager, spec: TableSpec, column: string, values: readonly unknown[], type = 'int'): Promise<Row[]> {
  if (values.length === 0) return [];
  const columns = readable(spec);
  const order = spec.key.includes('id') ? 't.id' : spec.key.map((property) => `t.${spec.columns[property][0]}`).join(', ');
  const rows = await query<Row>(em, `select ${columns.map(([property, name, kind]) => selectOf(name, kind, property)).join(', ')} from ${spec.table} t where t.${column} = any(?::${type}[]) order by ${order}`, [values]);
  return rows.map((row) => Object.fromEntries(columns.map(([property, , kind]) => [property, readValue(kind, row[property])])));
}

function resolved(value: unknown): unknown {
  if (value instanceof PendingId) {
    if (value.id === undefined) throw new Error('A row refers to a row that is not being created');
    return value.id;
  }
  return value ?? null;
}

function keyOf(spec: TableSpec, row: Row): string {
  return spec.key.map((property) => String(resolved(row[property]))).join('~~~');
}

/** An audit row's own columns (short names: a batch sends thousands); the actor's are parameters. */
interface AuditRow {
  /** organisation_id */
  o: number | null;
  /** project_id */
  p: number | null;
  /** entity_type */
  t: string;
  /** entity_id */
  i: string;
  /** action */
  a: 'CREATE' | 'UPDATE' | 'DELETE';
  /** changes */
  c: Record<string, { before: unknown; after: unknown }>;
}

/**
 * The changes of one batch: created, changed and removed rows, written as sets in MikroORM's flush
 * order (creates in `order`, then updates, then removals in reverse), so the activity triggers see
 * the same statements they saw before, then their audit rows in one statement.
 */
export class BatchWrite {
  private readonly creates = new Map<TableSpec, Row[]>();
  private readonly updates = new Map<TableSpec, Array<{ current: Row; set: Row }>>();
  private readonly removals = new Map<TableSpec, Row[]>();
  /** A stored row's pending update, so that a second change to it joins the first. */
  private readonly pending = new Map<Row, { current: Row; set: Row }>();

  private readonly order = WRITE_ORDER;

  constructor(private readonly actor: AuditActor) {}

  /** A new row; a serial table's row gets its id (`row.id`, a PendingId) when the batch is written. */
  create(spec: TableSpec, row: Row): Row {
    if (spec.key.includes('id')) row.id = new PendingId();
    this.list(this.creates, spec).push(row);
    return row;
  }

  /**
   * Sets the properties of `next` that are not undefined on a stored row; returns whether any
   * differs (only then is the row written and audited).
   */
  update(spec: TableSpec, current: Row, next: Row): boolean {
    const set: Row = {};
    for (const [property, value] of Object.entries(next)) {
      if (value === undefined) continue;
      if (!same(current[property], value)) set[property] = value;
    }
    if (Object.keys(set).length === 0) return false;
    const pending = this.pending.get(current);
    if (pending) Object.assign(pending.set, set);
    else {
      const entry = { current, set };
      this.pending.set(current, entry);
      this.list(this.updates, spec).push(entry);
    }
    return true;
  }

  remove(spec: TableSpec, row: Row): void {
    this.list(this.removals, spec).push(row);
  }

  get empty(): boolean {
    return this.creates.size + this.updates.size + this.removals.size === 0;
  }

  /** Writes the batch: ids, inserts, updates, deletes, then the audit rows. */
  async write(em: EntityManager): Promise<void> {
    const audit: AuditRow[] = [];
    // Every serial table's ids in one statement: an array of `nextval`s per table (the sequence looked up once).
    const serial = this.order.flatMap((spec) => {
      const rows = this.creates.get(spec);
      return rows && spec.key.includes('id') ? [{ spec, rows }] : [];
    });
    if (serial.length > 0) {
      const [drawn] = await query<Record<string, number[]>>(
        em,
        `select ${serial.map((_, index) => `array(with q as materialized (select pg_get_serial_sequence(?, 'id')::regclass as s) select nextval(q.s)::int from q, generate_series(1, ?)) as t${index}`).join(', ')}`,
        serial.flatMap(({ spec, rows }) => [spec.table, rows.length]),
      );
      serial.forEach(({ rows }, index) => rows.forEach((row, n) => ((row.id as PendingId).id = drawn[`t${index}`][n])));
    }
    // The statements go out one after another in this order; each is built while the database runs
    // the ones before it.
    const statements = new StatementChain(em);
    for (const spec of this.order) {
      const rows = this.creates.get(spec);
      if (!rows) continue;
      const properties = [...spec.key.filter((property) => property === 'id'), ...Object.keys(spec.columns)];
      const records = rows.map((row) => {
        const record: Row = {};
        for (const property of properties) record[property] = resolved(row[property]);
        return record;
      });
      await this.insertRows(statements, spec, properties, records);
      const owner = spec.ownerOnCreate;
      records.forEach((record, index) => {
        const changes = changesOf(record, null, 'id');
        if (owner && rows[index][owner] instanceof PendingId) changes[owner] = { before: null, after: { value: record[owner] } };
        audit.push(this.auditRow(spec, 'CREATE', record, changes));
      });
    }
    for (const spec of this.order) {
      const entries = this.updates.get(spec);
      if (!entries) continue;
      await this.updateRows(statements, spec, entries);
      for (const { current, set } of entries) {
        const changes: AuditRow['c'] = {};
        for (const [property, value] of Object.entries(set)) changes[property] = { before: current[property] ?? null, after: resolved(value) };
        audit.push(this.auditRow(spec, 'UPDATE', { ...current, ...Object.fromEntries(Object.entries(set).map(([property, value]) => [property, resolved(value)])) }, changes));
      }
    }
    for (const spec of [...this.order].reverse()) {
      const rows = this.removals.get(spec);
      if (!rows) continue;
      await this.deleteRows(statements, spec, rows);
      for (const row of rows) audit.push(this.auditRow(spec, 'DELETE', row, changesOf(null, row)));
    }
    if (audit.length > 0) {
      // Who, how and the request are the same for every row: parameters, not repeated in the JSON.
      const { accountId, accountName, tokenId, operation, requestId, clientRequestId } = this.actor;
      await statements.send(
        `insert into audit_event (account_id, account_name, token_id, organisation_id, project_id, operation, request_id, client_request_id, entity_type, entity_id, action, changes)
         select ?::int, ?::text, ?::int, r.o, r.p, ?::text, ?::text, ?::text, r.t, r.i, r.a::audit_action, r.c
           from jsonb_to_recordset(?::jsonb) as r(o int, p int, t text, i text, a text, c jsonb)`,
        [accountId, accountName, tokenId, operation, requestId, clientRequestId, JSON.stringify(audit)],
      );
    }
    await statements.done();
  }

  private list<V>(map: Map<TableSpec, V[]>, spec: TableSpec): V[] {
    let list = map.get(spec);
    if (!list) map.set(spec, (list = []));
    return list;
  }

  /** The rows as JSON with positional keys (c0, c1, …) and without nulls: a batch's rows are megabytes. */
  private async insertRows(statements: StatementChain, spec: TableSpec, properties: string[], records: Row[]): Promise<void> {
    const columns = properties.map((property) => (property === 'id' ? (['id', 'int'] as const) : spec.columns[property]));
    const keys = properties.map((_, index) => `c${index}`);
    const wire = records.map((record) => {
      const out: Row = {};
      for (let index = 0; index < properties.length; index++) {
        const value = record[properties[index]];
        if (value !== null) out[keys[index]] = value;
      }
      return out;
    });
    await statements.send(
      `insert into ${spec.table} (${columns.map(([column]) => column).join(', ')})
       select ${keys.map((key) => `r.${key}`).join(', ')} from json_to_recordset(?::json) as r(${keys.map((key, index) => `${key} ${columns[index][1]}`).join(', ')})`,
      [JSON.stringify(wire)],
    );
  }

  /** One statement per set of changed properties (a batch has few: most rows change the same fields). */
  private async updateRows(statements: StatementChain, spec: TableSpec, entries: Array<{ current: Row; set: Row }>): Promise<void> {
    const groups = new Map<string, Row[]>();
    for (const { current, set } of entries) {
      const properties = Object.keys(set).sort();
      const group = groups.get(properties.join(',')) ?? [];
      group.push({ ...Object.fromEntries(spec.key.map((property) => [property, resolved(current[property])])), ...Object.fromEntries(properties.map((property) => [property, resolved(set[property])])) });
      groups.set(properties.join(','), group);
    }
    for (const [names, records] of groups) {
      const properties = names.split(',');
      const assignments = properties.map((property) => `${spec.columns[property][0]} = r."${property}"`);
      if (spec.timestamps) assignments.push('updated_at = now()');
      if (spec.versioned) assignments.push('version = t.version + 1');
      const definitions = [...spec.key, ...properties].map((property) => `"${property}" ${property === 'id' ? 'int' : spec.columns[property][1]}`);
      await statements.send(
        `update ${spec.table} t set ${assignments.join(', ')} from json_to_recordset(?::json) as r(${definitions.join(', ')})
          where ${spec.key.map((property) => `t.${property === 'id' ? 'id' : spec.columns[property][0]} = r."${property}"`).join(' and ')}`,
        [JSON.stringify(records)],
      );
    }
  }

  private async deleteRows(statements: StatementChain, spec: TableSpec, rows: Row[]): Promise<void> {
    const definitions = spec.key.map((property) => `"${property}" ${property === 'id' ? 'int' : spec.columns[property][1]}`);
    await statements.send(
      `delete from ${spec.table} t using json_to_recordset(?::json) as r(${definitions.join(', ')})
        where ${spec.key.map((property) => `t.${property === 'id' ? 'id' : spec.columns[property][0]} = r."${property}"`).join(' and ')}`,
      [JSON.stringify(rows.map((row) => Object.fromEntries(spec.key.map((property) => [property, resolved(row[property])]))))],
    );
  }

  /** As flushWithAudit files a row: under its organisation and project (its own key, or the one it refers to). */
  private auditRow(spec: TableSpec, action: AuditRow['a'], row: Row, changes: AuditRow['c']): AuditRow {
    const owner = (entity: string, property: string): number | null => {
      const value = spec.entity === entity ? row.id : property in spec.columns ? row[property] : null;
      return value == null ? null : Number(resolved(value));
    };
    return { o: this.actor.organisationId ?? owner('Organisation', 'organisation'), p: owner('Project', 'project'), t: spec.entity, i: keyOf(spec, row), a: action, c: changes };
  }
}

/**
 * Statements of one batch, run in the order they are sent, each after the one before has succeeded
 * (after a failure the rest are not run, and `done` rejects with that failure). `send` returns as
 * soon as its statement is queued, so the next one is built while the database runs it.
 */
class StatementChain {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly em: EntityManager) {}

  async send(sql: string, params: unknown[]): Promise<void> {
    this.last = this.last.then(() => query(this.em, sql, params));
    // Handled where `done` is awaited; until then a failure must not count as unhandled.
    this.last.catch(() => undefined);
    // Let the statement reach the connection before the next one is built.
    await new Promise((resolve) => setImmediate(resolve));
  }

  done(): Promise<unknown> {
    return this.last;
  }
}

/** Field-level changes of a created (before null) or removed (after null) row; nulls, noise and `except` left out. */
function changesOf(after: Row | null, before: Row | null, except?: string): AuditRow['c'] {
  const changes: AuditRow['c'] = {};
  for (const [property, value] of Object.entries(after ?? before ?? {})) {
    if (NOISE.has(property) || property === except) continue;
    const plain = resolved(value);
    if (plain === null) continue;
    changes[property] = after ? { before: null, after: plain } : { before: plain, after: null };
  }
  return changes;
}

function same(current: unknown, next: unknown): boolean {
  const a = current ?? null;
  const b = next instanceof PendingId ? next : (next ?? null);
  if (a === b) return true;
  return Array.isArray(a) && Array.isArray(b) && JSON.stringify(a) === JSON.stringify(b);
}

const base = { key: ['id'], timestamps: true, versioned: false } as const;
const versioned = { ...base, versioned: true } as const;

export const ORGANISATION: TableSpec = {
  ...versioned,
  table: 'organisation',
  entity: 'Organisation',
  columns: {
    name: ['name', 'text'],
    type: ['type', 'organisation_type'],
    businessId: ['business_id', 'text'],
    associationRegisterNumber: ['association_register_number', 'text'],
    homeMunicipality: ['home_municipality_code', 'text'],
    postalArea: ['postal_code', 'text'],
    website: ['website', 'text'],
    description: ['description', 'text'],
    isDemo: ['is_demo', 'boolean'],
    internalNotes: ['internal_notes', 'text'],
    archivedAt: ['archived_at', 'timestamptz'],
  },
};
export const CONTACT_PERSON: TableSpec = {
  ...base,
  table: 'contact_person',
  entity: 'ContactPerson',
  ownerOnCreate: 'organisation',
  columns: { organisation: ['organisation_id', 'int'], name: ['name', 'text'], title: ['title', 'text'], email: ['email', 'text'], phone: ['phone', 'text'] },
};
export const EXTERNAL_ID: TableSpec = {
  ...base,
  table: 'external_id',
  entity: 'ExternalId',
  ownerOnCreate: 'organisation',
  columns: { organisation: ['organisation_id', 'int'], system: ['system', 'text'], value: ['value', 'text'] },
};
export const PROGRAMME: TableSpec = {
  ...versioned,
  table: 'programme',
  entity: 'Programme',
  columns: {
    code: ['code', 'text'],
    name: ['name', 'text'],
    scheme: ['scheme', 'scheme'],
    periodStart: ['period_start', 'date'],
    periodEnd: ['period_end', 'date'],
    parent: ['parent_id', 'int'],
    administeringOrganisation: ['administering_organisation_id', 'int'],
    description: ['description', 'text'],
    isDemo: ['is_demo', 'boolean'],
  },
};
const programmePart = (table: string, entity: string, columns: TableSpec['columns']): TableSpec => ({ ...base, table, entity, ownerOnCreate: 'programme', columns: { programme: ['programme_id', 'int'], ...columns } });
export const PROGRAMME_AREA = programmePart('programme_area', 'ProgrammeArea', { postalArea: ['postal_code', 'text'], areaType: ['area_type', 'area_type'] });
export const PROGRAMME_FUNDER = programmePart('programme_funder', 'ProgrammeFunder', { organisation: ['organisation_id', 'int'], source: ['source', 'funding_source'] });
export const PROGRAMME_OBJECTIVE = programmePart('programme_objective', 'ProgrammeObjective', { priorityAxis: ['priority_axis', 'int'], specificObjective: ['specific_objective', 'text'], title: ['title', 'text'] });
// The sources as PostgreSQL writes the array ("{ESR,STATE}"): the trail has always shown them so.
export const PROGRAMME_CEILING = programmePart('programme_ceiling', 'ProgrammeCeiling', { sources: ['sources', 'text[]'], annualAmount: ['annual_amount', 'numeric'], year: ['year', 'int'], approximate: ['approximate', 'boolean'] });
export const PROGRAMME_DECISION = programmePart('programme_decision', 'ProgrammeDecision', {
  body: ['body', 'text'],
  date: ['date', 'date'],
  reference: ['reference', 'text'],
  outcome: ['outcome', 'decision_outcome'],
  summary: ['summary', 'text'],
});
export const PROJECT: TableSpec = {
  ...versioned,
  table: 'project',
  entity: 'Project',
  columns: {
    code: ['code', 'text'],
    euraCode: ['eura_code', 'text'],
    hyrraNumber: ['hyrra_number', 'text'],
    recordNumber: ['record_number', 'text'],
    title: ['title', 'text'],
    summary: ['summary', 'text'],
    purpose: ['purpose', 'text'],
    achievements: ['achievements', 'text'],
    status: ['status', 'project_status'],
    plannedStart: ['planned_start', 'date'],
    plannedEnd: ['planned_end', 'date'],
    actualStart: ['actual_start', 'date'],
    actualEnd: ['actual_end', 'date'],
    programme: ['programme_id', 'int'],
    parent: ['parent_id', 'int'],
    isDemo: ['is_demo', 'boolean'],
    internalNotes: ['internal_notes', 'text'],
  },
};
const projectSet = (table: string, entity: string, property: string, column: readonly [string, string]): TableSpec => ({
  table,
  entity,
  key: ['project', property],
  timestamps: false,
  versioned: false,
  ownerOnCreate: 'project',
  columns: { project: ['project_id', 'int'], [property]: column },
});
export const PROJECT_THEME = projectSet('project_theme', 'ProjectTheme', 'theme', ['theme_id', 'int']);
export const PROJECT_TARGET_GROUP = projectSet('project_target_group', 'ProjectTargetGroup', 'targetGroup', ['target_group_id', 'int']);
export const PROJECT_LOCATION = projectSet('project_location', 'ProjectLocation', 'postalArea', ['postal_code', 'text']);
export const PARTICIPATION: TableSpec = {
  ...versioned,
  table: 'participation',
  entity: 'Participation',
  ownerOnCreate: 'project',
  columns: { project: ['project_id', 'int'], organisation: ['organisation_id', 'int'], role: ['role', 'participation_role'], budgetShare: ['budget_share', 'numeric'] },
};
export const FUNDING_LINE: TableSpec = {
  ...versioned,
  table: 'funding_line',
  entity: 'FundingLine',
  ownerOnCreate: 'project',
  columns: {
    project: ['project_id', 'int'],
    source: ['source', 'funding_source'],
    planned: ['planned', 'numeric'],
    granted: ['granted', 'numeric'],
    paid: ['paid', 'numeric'],
    decisionDate: ['decision_date', 'date'],
    decisionReference: ['decision_reference', 'text'],
    ceilingOverrideReason: ['ceiling_override_reason', 'text'],
  },
};

/**
 * MikroORM's commit order for these tables: a batch's statements run in it (removals in reverse), so
 * the activity triggers see the rows they saw before (a participant's event lists the project's places).
 */
export const WRITE_ORDER: readonly TableSpec[] = [
  ORGANISATION,
  EXTERNAL_ID,
  CONTACT_PERSON,
  PROGRAMME,
  PROGRAMME_DECISION,
  PROGRAMME_CEILING,
  PROGRAMME_OBJECTIVE,
  PROGRAMME_FUNDER,
  PROGRAMME_AREA,
  PROJECT,
  FUNDING_LINE,
  PARTICIPATION,
  PROJECT_LOCATION,
  PROJECT_TARGET_GROUP,
  PROJECT_THEME,
];
