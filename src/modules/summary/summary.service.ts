import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { knexOf } from '../../shared/db/session';
import { OrderDirection } from '../../shared/relay/connection';
import type { ListSpec } from '../../shared/relay/keyset';
import { FundingSource } from '../funding/funding.enums';
import { Organisation } from '../organisation/organisation.entity';
import { Scheme } from '../programme/programme.enums';
import type { CeilingYearUsage, ProgrammeYearFunding, SourceYearFunding, ThemeSummary } from './summary.types';

const SOURCE_ORDER = Object.values(FundingSource);

interface YearRow {
  programme_id: number;
  year: number;
  by_source: SourceYearFunding[];
  ceilings: CeilingYearUsage[];
}

/**
 * Funding per programme and year, for every programme in the batch in one statement. Years are
 * `years` when given, else those of each programme's period. A line's year is the year of its
 * decision date, exactly as the ceiling check counts it (src/modules/funding/funding.mutations.ts);
 * sums are PostgreSQL numeric, handed over as text. Row-level security leaves hidden projects out.
 */
export function fundingByYearLoader(em: EntityManager, years: readonly number[] | null): DataLoader<number, ProgrammeYearFunding[]> {
  return new DataLoader<number, ProgrammeYearFunding[]>(async (programmeIds) => {
    const result = await knexOf(em).raw(
      `with y as (
         select g.id as programme_id, yr as year
         from programme g
         cross join lateral unnest(coalesce(?::int[], array(select generate_series(extract(year from g.period_start)::int, extract(year from g.period_end)::int)))) as yr
         where g.id = any(?::int[])
       ),
       s as (
         select p.programme_id, extract(year from f.decision_date)::int as year, f.source,
                sum(f.planned) as planned, sum(f.granted) as granted, sum(f.paid) as paid
         from funding_line f join project p on p.id = f.project_id
         where p.programme_id = any(?::int[]) and f.decision_date is not null
         group by 1, 2, 3
       )
       select y.programme_id, y.year,
         (select coalesce(json_agg(json_build_object('source', s.source, 'planned', s.planned::text, 'granted', s.granted::text, 'paid', s.paid::text)), '[]')
          from s where s.programme_id = y.programme_id and s.year = y.year) as by_source,
         (select coalesce(json_agg(json_build_object('sources', c.sources, 'annualAmount', c.annual_amount::text, 'granted', u.granted::text,
                                                     'remaining', (c.annual_amount - u.granted)::text, 'approximate', c.approximate) order by c.id), '[]')
          from programme_ceiling c
          cross join lateral (select coalesce(sum(s.granted), 0) as granted from s
                              where s.programme_id = y.programme_id and s.year = y.year and s.source::text = any(c.sources)) u
          where c.programme_id = y.programme_id and (c.year is null or c.year = y.year)) as ceilings
       from y order by y.programme_id, y.year`,
      [years ? [...years] : null, [...programmeIds], [...programmeIds]],
    );
    const byProgramme = new Map<number, ProgrammeYearFunding[]>(programmeIds.map((id) => [id, []]));
    for (const row of (result as { rows: YearRow[] }).rows) {
      const bySource = [...row.by_source].sort((a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source));
      byProgramme.get(Number(row.programme_id))?.push({ year: Number(row.year), bySource, ceilings: row.ceilings });
    }
    return programmeIds.map((id) => byProgramme.get(id) ?? []);
  });
}

/** Organisations taking part (any role) in at least one visible Kake project and one visible Leader project, by name. */
export function bothSchemesSpec(): ListSpec<Organisation> {
  const takesPartIn = `exists (select 1 from participation pa join project p on p.id = pa.project_id join programme g on g.id = p.programme_id
                               where pa.organisation_id = t.id and g.scheme = ?)`;
  return {
    entity: Organisation,
    table: 'organisation',
    keyColumn: 'id',
    sort: { sql: 'lower(t.name)', cast: 'text' },
    direction: OrderDirection.ASC,
    where: (qb) => {
      qb.whereRaw(`${takesPartIn} and ${takesPartIn}`, [Scheme.KAKE, Scheme.LEADER]);
    },
  };
}

/**
 * Every theme with its visible projects counted by urban/rural (see ThemeSummary) and their granted
 * total: one statement. A location's class comes from all programme territories that include its
 * postal code, as PostalArea.coverage shows them.
 */
export async function themeSummaries(em: EntityManager): Promise<ThemeSummary[]> {
  const result = await knexOf(em).raw(
    `with loc as (
       select l.project_id,
              case when bool_and(a.area_type = 'URBAN') then 'URBAN' when bool_and(a.area_type = 'RURAL') then 'RURAL' end as kind
       from project_location l left join programme_area a on a.postal_code = l.postal_code
       group by l.project_id, l.postal_code
     ),
     cls as (
       select p.id,
              coalesce(bool_or(loc.kind = 'URBAN'), false) as u,
              coalesce(bool_or(loc.kind = 'RURAL'), false) as r,
              bool_or(loc.kind is null) as x
       from project p left join loc on loc.project_id = p.id
       group by p.id
     ),
     money as (select f.project_id, sum(f.granted) as granted from funding_line f group by f.project_id)
     select t.id as theme_id,
            count(c.id)::int as project_count,
            (count(*) filter (where c.u and not c.r and not c.x))::int as urban,
            (count(*) filter (where c.r and not c.u and not c.x))::int as rural,
            (count(*) filter (where c.u and c.r))::int as mixed,
            (count(*) filter (where c.x and not (c.u and c.r)))::int as unknown,
            coalesce(sum(m.granted), 0)::text as granted
     from theme t
     left join (project_theme pt join cls c on c.id = pt.project_id) on pt.theme_id = t.id
     left join money m on m.project_id = c.id
     group by t.id, t.code
     order by t.code`,
  );
  return (
    result as { rows: { theme_id: number; project_count: number; urban: number; rural: number; mixed: number; unknown: number; granted: string }[] }
  ).rows.map((row) => ({
    themeId: Number(row.theme_id),
    projectCount: row.project_count,
    urbanProjects: row.urban,
    ruralProjects: row.rural,
    mixedProjects: row.mixed,
    unknownProjects: row.unknown,
    granted: row.granted,
  }));
}
