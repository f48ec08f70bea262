import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { Field, ObjectType } from 'type-graphql';
import { Euros } from '../../shared/scalars';
import { FundingSource } from './funding.enums';

@ObjectType({ description: 'Planned, granted and paid amounts from one funding source.', simpleResolvers: true })
export class SourceTotals {
  @Field(() => FundingSource, { description: 'The funding source.' })
  source!: FundingSource;

  @Field(() => Euros, { description: 'Sum of planned amounts.' })
  planned!: string;

  @Field(() => Euros, { description: 'Sum of granted amounts.' })
  granted!: string;

  @Field(() => Euros, { description: 'Sum of paid amounts.' })
  paid!: string;
}

@ObjectType({ description: 'Funding summed over funding lines, in total and by source.', simpleResolvers: true })
export class FundingTotals {
  @Field(() => Euros, { description: 'Sum of planned amounts over all sources.' })
  planned!: string;

  @Field(() => Euros, { description: 'Sum of granted amounts over all sources.' })
  granted!: string;

  @Field(() => Euros, { description: 'Sum of paid amounts over all sources.' })
  paid!: string;

  @Field(() => [SourceTotals], { description: 'Sums per source, in the order of the FundingSource enum; sources without lines are left out.' })
  bySource!: SourceTotals[];
}

const SOURCE_ORDER = Object.values(FundingSource);

/**
 * A project's totals by source as a JSON array of `SourceTotals` (exact sums as text), for SQL that
 * folds them into a bigger statement; `summarise` finishes them. `row` is the project row's alias.
 */
export function projectFundingTotalsJson(row: string): string {
  return `(select coalesce(json_agg(s), '[]') from (select f.source, sum(f.planned)::text as planned, sum(f.granted)::text as granted,
          sum(f.paid)::text as paid from funding_line f where f.project_id = ${row}.id group by f.source) s)`;
}

/**
 * Totals per parent, summed in PostgreSQL (numeric, exact): one statement for every parent in the batch.
 * `parentSql` is the column of funding_line (or a join) that holds the parent key.
 */
export function fundingTotalsLoader(
  em: EntityManager,
  parentSql: string,
  join = '',
): DataLoader<number, FundingTotals> {
  return new DataLoader<number, FundingTotals>(async (keys) => {
    const rows = await em.execute<
      { parent: number; source: FundingSource; planned: string; granted: string; paid: string }[]
    >(
      `select ${parentSql} as parent, f.source, sum(f.planned)::text as planned, sum(f.granted)::text as granted, sum(f.paid)::text as paid
       from funding_line f ${join}
       where ${parentSql} in (${keys.map(() => '?').join(', ')})
       group by ${parentSql}, f.source`,
      [...keys],
    );
    const byParent = new Map<number, SourceTotals[]>(keys.map((key) => [key, []]));
    for (const row of rows) byParent.get(Number(row.parent))?.push({ ...row });
    return keys.map((key) => summarise(byParent.get(key) ?? []));
  });
}

/**
 * A project's totals, summed and ordered in SQL (exact `numeric`, sources in the order of the
 * FundingSource enum): `[planned, granted, paid, [[source, planned, granted, paid], …]]`, amounts as
 * text. `fundingTotalsFromJson` turns it into `FundingTotals`; the compiled read path uses both.
 */
export function projectFundingTotalsSummedJson(row: string): string {
  const order = `array_position('{${SOURCE_ORDER.join(',')}}'::text[], s.source::text)`;
  return `(select json_build_array(coalesce(sum(s.planned), 0)::text, coalesce(sum(s.granted), 0)::text, coalesce(sum(s.paid), 0)::text,
            coalesce(json_agg(json_build_array(s.source, s.planned::text, s.granted::text, s.paid::text) order by ${order}) filter (where s.source is not null), '[]'))
          from (select f.source, sum(f.planned) as planned, sum(f.granted) as granted, sum(f.paid) as paid
                  from funding_line f where f.project_id = ${row}.id group by f.source) s)`;
}

type SummedJson = [string, string, string, [FundingSource, string, string, string][]];

export function fundingTotalsFromJson(raw: unknown): FundingTotals {
  const [planned, granted, paid, bySource] = raw as SummedJson;
  return { planned, granted, paid, bySource: bySource.map(([source, p, g, d]) => ({ source, planned: p, granted: g, paid: d })) };
}

/** Adds decimal strings exactly (as integer cents in BigInt). */
export function addEuros(values: string[]): string {
  const cents = values.reduce((sum, value) => {
    const [whole, fraction = ''] = value.split('.');
    return sum + BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
  }, 0n);
  return `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
}

export function summarise(bySource: SourceTotals[]): FundingTotals {
  const sorted = [...bySource].sort((a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source));
  return {
    planned: addEuros(sorted.map((s) => s.planned)),
    granted: addEuros(sorted.map((s) => s.granted)),
    paid: addEuros(sorted.map((s) => s.paid)),
    bySource: sorted,
  };
}
