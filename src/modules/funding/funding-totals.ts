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
