import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { toGlobalId } from '../../shared/relay/global-id';
import { query } from './exchange.sql';
import { SILTA_FORMAT, type OrganisationRecord, type OrganisationRef, type ProgrammeRecord, type ProjectRecord } from './exchange.records';

/** Rows read per statement: memory stays flat whatever the database's size. */
const PAGE = 1000;

interface OrganisationKeyFields {
  business_id: string | null;
  association_register_number: string | null;
  name: string;
}

/**
 * An organisation's key in the file: its Y-tunnus, else a hash of its (unique) name, never a database
 * ID, so two databases holding the same organisations export the same file.
 */
function organisationKey(row: OrganisationKeyFields): string {
  return row.business_id ?? `name:${createHash('sha256').update(row.name).digest('hex').slice(0, 16)}`;
}

function organisationRef(row: OrganisationKeyFields): OrganisationRef {
  return row.business_id ? { businessId: row.business_id, key: organisationKey(row) } : { key: organisationKey(row) };
}

/** Children of a page's rows grouped by their owner. */
function groupBy<T extends { owner: number }>(rows: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const list = groups.get(row.owner);
    if (list) list.push(row);
    else groups.set(row.owner, [row]);
  }
  return groups;
}

// Byte order ("C"), not the database's locale: the same order on every server.
const C = 'collate "C"';

async function* programmes(em: EntityManager): AsyncGenerator<ProgrammeRecord> {
  const rows = await query<{ id: number; code: string; name: string; scheme: ProgrammeRecord['scheme']; period_start: string; period_end: string; parent_code: string | null; description: string | null } & Partial<Record<'a_business_id' | 'a_association_register_number' | 'a_name', string | null>>>(em, 
    `select p.id, p.code, p.name, p.scheme, p.period_start::text, p.period_end::text, parent.code as parent_code, p.description,
            a.business_id as a_business_id, a.association_register_number as a_association_register_number, a.name as a_name
       from programme p left join programme parent on parent.id = p.parent_id left join organisation a on a.id = p.administering_organisation_id
      order by p.code ${C}`,
  );
  const ids = rows.map((row) => row.id);
  const funders = groupBy(
    await query<{ owner: number; source: string } & OrganisationKeyFields>(em, 
      'select f.programme_id as owner, f.source, o.business_id, o.association_register_number, o.name from programme_funder f join organisation o on o.id = f.organisation_id where f.programme_id = any(?)',
      [ids],
    ),
  );
  const objectives = groupBy(
    await query<{ owner: number; priority_axis: number; specific_objective: string; title: string }>(em, 
      `select programme_id as owner, priority_axis, specific_objective, title from programme_objective where programme_id = any(?) order by priority_axis, specific_objective ${C}`,
      [ids],
    ),
  );
  const ceilings = groupBy(
    await query<{ owner: number; sources: string[]; annual_amount: string; year: number | null; approximate: boolean }>(em, 
      `select programme_id as owner, (select array_agg(s order by s ${C}) from unnest(sources) s) as sources, annual_amount::text, year, approximate
         from programme_ceiling where programme_id = any(?) order by array_to_string(sources, '+') ${C}, year nulls first, annual_amount`,
      [ids],
    ),
  );
  const decisions = groupBy(
    await query<{ owner: number; body: string; date: string; reference: string | null; outcome: string; summary: string | null }>(em, 
      `select programme_id as owner, body, date::text, reference, outcome, summary from programme_decision where programme_id = any(?) order by date, body ${C}, reference ${C} nulls first, id`,
      [ids],
    ),
  );
  const areas = groupBy(
    await query<{ owner: number; postal_code: string; area_type: string }>(em, 
      'select programme_id as owner, postal_code, area_type from programme_area where programme_id = any(?) order by postal_code',
      [ids],
    ),
  );
  for (const row of rows) {
    yield {
      code: row.code,
      name: row.name,
      scheme: row.scheme,
      periodStart: row.period_start,
      periodEnd: row.period_end,
      parentCode: row.parent_code,
      administeringOrganisation: row.a_name ? organisationRef({ business_id: row.a_business_id ?? null, association_register_number: row.a_association_register_number ?? null, name: row.a_name }) : null,
      description: row.description,
      funders: (funders.get(row.id) ?? [])
        .map((funder) => ({ organisation: organisationRef(funder), source: funder.source as never }))
        .sort((a, b) => compare(`${a.organisation.key}/${a.source}`, `${b.organisation.key}/${b.source}`)),
      objectives: (objectives.get(row.id) ?? []).map((item) => ({ priorityAxis: item.priority_axis, specificObjective: item.specific_objective, title: item.title })),
      ceilings: (ceilings.get(row.id) ?? []).map((item) => ({ sources: item.sources as never[], annualAmount: item.annual_amount, year: item.year, approximate: item.approximate })),
      decisions: (decisions.get(row.id) ?? []).map((item) => ({ body: item.body, date: item.date, reference: item.reference, outcome: item.outcome as never, summary: item.summary })),
      areas: (areas.get(row.id) ?? []).map((item) => ({ postalCode: item.postal_code, areaType: item.area_type as never })),
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function* organisations(em: EntityManager): AsyncGenerator<OrganisationRecord> {
  let after: { name: string; id: number } | null = null;
  for (;;) {
    const page: Array<{ id: number; name: string; type: OrganisationRecord['type']; business_id: string | null; association_register_number: string | null; home_municipality_code: string | null; postal_code: string | null; website: string | null; description: string | null; internal_notes: string | null; archived_at: string | null }> = await query(em, 
      `select id, name, type, business_id, association_register_number, home_municipality_code, postal_code, website, description, internal_notes,
              to_char(archived_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as archived_at
         from organisation ${after ? `where (name ${C}, id) > (?, ?)` : ''} order by name ${C}, id limit ${PAGE}`,
      after ? [after.name, after.id] : [],
    );
    if (page.length === 0) return;
    const ids = page.map((row) => row.id);
    const external = groupBy(await query<{ owner: number; system: string; value: string }>(em, `select organisation_id as owner, system, value from external_id where organisation_id = any(?) order by system ${C}, value ${C}`, [ids]));
    const people = groupBy(
      await query<{ owner: number; name: string; title: string | null; email: string | null; phone: string | null }>(em, 
        'select organisation_id as owner, name, title, email, phone from contact_person where organisation_id = any(?) order by id',
        [ids],
      ),
    );
    for (const row of page) {
      yield {
        key: organisationKey(row),
        siltaId: toGlobalId('Organisation', row.id),
        name: row.name,
        type: row.type,
        businessId: row.business_id,
        associationRegisterNumber: row.association_register_number,
        homeMunicipalityCode: row.home_municipality_code,
        postalCode: row.postal_code,
        website: row.website,
        description: row.description,
        internalNotes: row.internal_notes,
        archivedAt: row.archived_at,
        externalIds: (external.get(row.id) ?? []).map((item) => ({ system: item.system, value: item.value })),
        contactPeople: (people.get(row.id) ?? []).map((item) => ({ name: item.name, title: item.title, email: item.email, phone: item.phone })),
      };
    }
    const last = page[page.length - 1];
    after = { name: last.name, id: last.id };
  }
}

async function* projects(em: EntityManager): AsyncGenerator<ProjectRecord> {
  let after: string | null = null;
  for (;;) {
    const page: Array<{ id: number; code: string; programme_code: string; title: string; status: ProjectRecord['status']; eura_code: string | null; hyrra_number: string | null; record_number: string | null; summary: string | null; purpose: string | null; achievements: string | null; planned_start: string | null; planned_end: string | null; actual_start: string | null; actual_end: string | null; parent_code: string | null; internal_notes: string | null }> = await query(em, 
      `select p.id, p.code, g.code as programme_code, p.title, p.status, p.eura_code, p.hyrra_number, p.record_number, p.summary, p.purpose, p.achievements,
              p.planned_start::text, p.planned_end::text, p.actual_start::text, p.actual_end::text, parent.code as parent_code, p.internal_notes
         from project p join programme g on g.id = p.programme_id left join project parent on parent.id = p.parent_id
        ${after !== null ? `where p.code ${C} > ?` : ''} order by p.code ${C} limit ${PAGE}`,
      after !== null ? [after] : [],
    );
    if (page.length === 0) return;
    const ids = page.map((row) => row.id);
    const themes = groupBy(await query<{ owner: number; code: string }>(em, `select t.project_id as owner, v.code from project_theme t join theme v on v.id = t.theme_id where t.project_id = any(?) order by v.code ${C}`, [ids]));
    const groups = groupBy(await query<{ owner: number; code: string }>(em, `select t.project_id as owner, v.code from project_target_group t join target_group v on v.id = t.target_group_id where t.project_id = any(?) order by v.code ${C}`, [ids]));
    const places = groupBy(await query<{ owner: number; postal_code: string }>(em, 'select project_id as owner, postal_code from project_location where project_id = any(?) order by postal_code', [ids]));
    const participations = groupBy(
      await query<{ owner: number; role: string; budget_share: string | null } & OrganisationKeyFields>(em, 
        'select p.project_id as owner, p.role, p.budget_share::text, o.business_id, o.association_register_number, o.name from participation p join organisation o on o.id = p.organisation_id where p.project_id = any(?)',
        [ids],
      ),
    );
    const lines = groupBy(
      await query<{ owner: number; source: string; planned: string; granted: string; paid: string; decision_date: string | null; decision_reference: string | null; ceiling_override_reason: string | null }>(em, 
        `select project_id as owner, source, planned::text, granted::text, paid::text, decision_date::text, decision_reference, ceiling_override_reason
           from funding_line where project_id = any(?) order by source, decision_reference ${C} nulls first, id`,
        [ids],
      ),
    );
    for (const row of page) {
      yield {
        code: row.code,
        programmeCode: row.programme_code,
        title: row.title,
        status: row.status,
        euraCode: row.eura_code,
        hyrraNumber: row.hyrra_number,
        recordNumber: row.record_number,
        summary: row.summary,
        purpose: row.purpose,
        achievements: row.achievements,
        plannedStart: row.planned_start,
        plannedEnd: row.planned_end,
        actualStart: row.actual_start,
        actualEnd: row.actual_end,
        parentCode: row.parent_code,
        internalNotes: row.internal_notes,
        themeCodes: (themes.get(row.id) ?? []).map((item) => item.code),
        targetGroupCodes: (groups.get(row.id) ?? []).map((item) => item.code),
        postalCodes: (places.get(row.id) ?? []).map((item) => item.postal_code),
        participations: (participations.get(row.id) ?? [])
          .map((item) => ({ organisation: organisationRef(item), role: item.role as never, budgetShare: item.budget_share }))
          .sort((a, b) => compare(`${a.organisation.key}/${a.role}`, `${b.organisation.key}/${b.role}`)),
        fundingLines: (lines.get(row.id) ?? []).map((item) => ({
          source: item.source as never,
          planned: item.planned,
          granted: item.granted,
          paid: item.paid,
          decisionDate: item.decision_date,
          decisionReference: item.decision_reference,
          ceilingOverrideReason: item.ceiling_override_reason,
        })),
      };
    }
    after = page[page.length - 1].code;
  }
}

/**
 * `silta export json`: the whole graph in `silta/1`, one record per line (so an import's line numbers
 * point at records), read page by page in one repeatable-read transaction and ordered by natural keys,
 * so that two databases with the same data write the same file (apart from `siltaId`).
 */
export async function* exportSiltaJson(em: EntityManager): AsyncGenerator<string> {
  const chunks: string[] = [];
  yield `{"format":${JSON.stringify(SILTA_FORMAT)},\n`;
  const lists: Array<[string, AsyncGenerator<unknown>]> = [
    ['programmes', programmes(em)],
    ['organisations', organisations(em)],
    ['projects', projects(em)],
  ];
  for (const [index, [name, records]] of lists.entries()) {
    yield `${JSON.stringify(name)}:[`;
    let first = true;
    for await (const record of records) {
      chunks.push(`${first ? '\n' : ',\n'}${JSON.stringify(record)}`);
      first = false;
      if (chunks.length >= 200) yield chunks.splice(0).join('');
    }
    if (chunks.length > 0) yield chunks.splice(0).join('');
    yield `${first ? '' : '\n'}]${index < lists.length - 1 ? ',\n' : '}\n'}`;
  }
}
