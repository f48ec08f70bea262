import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { setSessionViewer } from '../../shared/db/session';
import type { FundingSource } from '../funding/funding.enums';
import type { Scheme } from '../programme/programme.enums';

/**
 * What the open-standard exports read: projects as the anonymous public sees them. The reads run on
 * the serving role's connection with the anonymous viewer's session settings, so row-level security
 * (silta_sees_project and the policies of the child tables) decides what is public, exactly as it does
 * for a GraphQL request without a token: drafts and rejected applications never reach an export.
 * Internal notes and contact people are simply never selected.
 */

export interface PublicOrganisation {
  id: number;
  name: string;
  businessId: string | null;
}

export interface PublicFundingLine {
  id: number;
  source: FundingSource;
  planned: string;
  granted: string;
  decisionDate: string | null;
}

export interface PublicProject {
  id: number;
  code: string;
  euraCode: string | null;
  hyrraNumber: string | null;
  title: string;
  summary: string | null;
  purpose: string | null;
  plannedStart: string | null;
  plannedEnd: string | null;
  actualStart: string | null;
  actualEnd: string | null;
  programme: { id: number; code: string; name: string; scheme: Scheme; periodStart: string; periodEnd: string };
  /** The lead beneficiary (LEAD), else the first partner; null when the project has neither. */
  beneficiary: PublicOrganisation | null;
  /** True when public pilots are re-granted from this project (it is their umbrella). */
  umbrella: boolean;
  locations: Array<{ postalCode: string; name: string }>;
  fundingLines: PublicFundingLine[];
}

/** Runs fn in one read-only, repeatable-read transaction as the anonymous viewer: one consistent picture. */
export async function readAsPublic<T>(servingOrm: MikroORM, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  const em = servingOrm.em.fork();
  await em.begin({ isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true });
  try {
    await setSessionViewer(em, { organisationIds: [], coordinatedProgrammeIds: [], seesAllProjects: false, accountId: null, admin: false });
    return await fn(em);
  } finally {
    await em.rollback();
  }
}

export class UnknownProgrammeError extends Error {}

/** The programme's id for `--programme CODE`; throws a clear error when there is none. */
export async function programmeIdOf(em: EntityManager, code: string): Promise<number> {
  const [row] = await em.execute<Array<{ id: number }>>('select id from programme where code = ?', [code]);
  if (!row) throw new UnknownProgrammeError(`No programme with code ${code}.`);
  return row.id;
}

export async function countPublicProjects(em: EntityManager, programmeId?: number): Promise<number> {
  const [row] = await em.execute<Array<{ n: string }>>(
    `select count(*) as n from project ${programmeId === undefined ? '' : 'where programme_id = ?'}`,
    programmeId === undefined ? [] : [programmeId],
  );
  return Number(row.n);
}

/** Funders by programme and source (programme_funder), for 360Giving's fundingOrganization. */
export async function programmeFunders(em: EntityManager): Promise<Map<string, PublicOrganisation>> {
  const rows = await em.execute<Array<{ programmeId: number; source: FundingSource; id: number; name: string; businessId: string | null }>>(
    `select f.programme_id as "programmeId", f.source, o.id, o.name, o.business_id as "businessId"
       from programme_funder f join organisation o on o.id = f.organisation_id
      order by f.id`,
  );
  const funders = new Map<string, PublicOrganisation>();
  for (const row of rows) {
    const key = `${row.programmeId}:${row.source}`;
    if (!funders.has(key)) funders.set(key, { id: row.id, name: row.name, businessId: row.businessId });
  }
  return funders;
}

type ProjectRow = Omit<PublicProject, 'programme' | 'beneficiary' | 'locations' | 'fundingLines' | 'umbrella'> & {
  programmeId: number;
  programmeCode: string;
  programmeName: string;
  scheme: Scheme;
  periodStart: string;
  periodEnd: string;
  beneficiaryId: number | null;
  beneficiaryName: string | null;
  beneficiaryBusinessId: string | null;
};

/**
 * Public projects in pages of `pageSize`, keyset-paged by id (four statements a page: the projects, their funding
 * lines, their locations, which of them have pilots), so memory stays bounded however many
 * projects there are.
 */
export async function* publicProjectPages(em: EntityManager, options: { programmeId?: number; pageSize?: number } = {}): AsyncGenerator<PublicProject[]> {
  const pageSize = options.pageSize ?? 500;
  let after = 0;
  for (;;) {
    const params: unknown[] = [after];
    if (options.programmeId !== undefined) params.push(options.programmeId);
    params.push(pageSize);
    const rows = await em.execute<ProjectRow[]>(
      `select p.id, p.code, p.eura_code as "euraCode", p.hyrra_number as "hyrraNumber", p.title, p.summary, p.purpose,
              p.planned_start::text as "plannedStart", p.planned_end::text as "plannedEnd",
              p.actual_start::text as "actualStart", p.actual_end::text as "actualEnd",
              g.id as "programmeId", g.code as "programmeCode", g.name as "programmeName", g.scheme,
              g.period_start::text as "periodStart", g.period_end::text as "periodEnd",
              b.id as "beneficiaryId", b.name as "beneficiaryName", b.business_id as "beneficiaryBusinessId"
         from project p
         join programme g on g.id = p.programme_id
         left join lateral (
           select o.id, o.name, o.business_id from participation pa join organisation o on o.id = pa.organisation_id
            where pa.project_id = p.id and pa.role in ('LEAD', 'PARTNER')
            order by pa.role = 'LEAD' desc, pa.id limit 1
         ) b on true
        where p.id > ? ${options.programmeId === undefined ? '' : 'and p.programme_id = ?'}
        order by p.id limit ?`,
      params,
    );
    if (rows.length === 0) return;
    const ids = rows.map((row) => row.id);
    const marks = ids.map(() => '?').join(', ');
    const lines = await em.execute<Array<PublicFundingLine & { projectId: number }>>(
      `select f.project_id as "projectId", f.id, f.source, f.planned::text as planned, f.granted::text as granted, f.decision_date::text as "decisionDate"
         from funding_line f where f.project_id in (${marks}) order by f.project_id, f.id`,
      ids,
    );
    const locations = await em.execute<Array<{ projectId: number; postalCode: string; name: string }>>(
      `select l.project_id as "projectId", l.postal_code as "postalCode", a.name_fi as name
         from project_location l join postal_area a on a.postal_code = l.postal_code
        where l.project_id in (${marks}) order by l.project_id, l.postal_code`,
      ids,
    );
    // A separate statement: as a correlated EXISTS in the page query, PostgreSQL hashes every visible project per page.
    const umbrellas = new Set(
      (await em.execute<Array<{ parentId: number }>>(`select distinct parent_id as "parentId" from project where parent_id in (${marks})`, ids)).map((row) => row.parentId),
    );
    const linesOf = groupBy(lines, (line) => line.projectId);
    const locationsOf = groupBy(locations, (location) => location.projectId);
    yield rows.map((row) => ({
      id: row.id,
      code: row.code,
      euraCode: row.euraCode,
      hyrraNumber: row.hyrraNumber,
      title: row.title,
      summary: row.summary,
      purpose: row.purpose,
      plannedStart: row.plannedStart,
      plannedEnd: row.plannedEnd,
      actualStart: row.actualStart,
      actualEnd: row.actualEnd,
      umbrella: umbrellas.has(row.id),
      programme: { id: row.programmeId, code: row.programmeCode, name: row.programmeName, scheme: row.scheme, periodStart: row.periodStart, periodEnd: row.periodEnd },
      beneficiary: row.beneficiaryId === null ? null : { id: row.beneficiaryId, name: row.beneficiaryName!, businessId: row.beneficiaryBusinessId },
      locations: (locationsOf.get(row.id) ?? []).map(({ postalCode, name }) => ({ postalCode, name })),
      fundingLines: (linesOf.get(row.id) ?? []).map(({ id, source, planned, granted, decisionDate }) => ({ id, source, planned, granted, decisionDate })),
    }));
    after = rows[rows.length - 1].id;
  }
}

function groupBy<T>(items: T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
