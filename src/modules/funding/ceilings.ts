import type { FundingSource } from './funding.enums';

/**
 * Annual programme ceilings (e.g. Kake: at most 300 000 € a year ESR + state together): pure
 * decision logic, no ORM. Amounts are decimal strings and all arithmetic is in BigInt cents, so
 * 0.10 + 0.20 is exactly 0.30 and no float ever touches money.
 */

export interface CeilingRule {
  id: number;
  sources: readonly FundingSource[];
  /** Maximum granted per calendar year, a decimal string such as "300000.00". */
  annualAmount: string;
  /** The one year the ceiling applies to; null for every year. */
  year: number | null;
  /** An estimate ("about 100 000 €"): reported nowhere and never blocks a decision. */
  approximate: boolean;
}

/** What of a funding line counts against a ceiling. */
export interface GrantDecision {
  source: FundingSource;
  granted: string;
  /** `YYYY-MM-DD`; a line without a decision date counts against no ceiling. */
  decisionDate: string | null;
}

/** Granted sums per source of the programme's other lines (the line itself left out) decided in the decision's year. */
export type GrantedBySource = Partial<Record<FundingSource, string>>;

export interface CeilingBreach {
  ceiling: CeilingRule;
  year: number;
  /** The ceiling's total for the year as it stands, the line's present amount included when it counts. */
  currentTotal: string;
  /** The total with the decision as requested. */
  newTotal: string;
}

const EUROS = /^(\d+)(?:\.(\d{1,2}))?$/;

/** "1250.5" → 125050n. Throws on anything but a non-negative decimal with at most two decimals. */
export function toCents(euros: string): bigint {
  const match = EUROS.exec(euros);
  if (!match) throw new Error(`Not a euro amount: ${JSON.stringify(euros)}`);
  return BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

/** 125050n → "1250.50". */
export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** The calendar year of a `YYYY-MM-DD` date, or null. */
export function decisionYear(date: string | null | undefined): number | null {
  return date ? Number(date.slice(0, 4)) : null;
}

/** Hard ceilings that a decision of this source in this year counts against. */
export function applicableCeilings(ceilings: readonly CeilingRule[], source: FundingSource, year: number): CeilingRule[] {
  return ceilings.filter((ceiling) => !ceiling.approximate && ceiling.sources.includes(source) && (ceiling.year === null || ceiling.year === year));
}

function counts(ceiling: CeilingRule, decision: GrantDecision | null | undefined, year: number): boolean {
  return decision != null && ceiling.sources.includes(decision.source) && decisionYear(decision.decisionDate) === year;
}

/**
 * The hard ceilings that `next` would break. For each ceiling that is not approximate, lists the
 * line's source and applies to the decision year: others' granted in the ceiling's sources plus
 * the new amount, over the annual amount, is a breach. A change that does not raise the ceiling's
 * total (`previous` is the line as stored, when updating) is never a breach, so that a decision
 * can always be lowered, even in a year that is already over.
 */
export function findCeilingBreaches(
  ceilings: readonly CeilingRule[],
  next: GrantDecision,
  others: GrantedBySource,
  previous: GrantDecision | null = null,
): CeilingBreach[] {
  const year = decisionYear(next.decisionDate);
  const granted = toCents(next.granted);
  if (year === null || granted === 0n) return [];
  const breaches: CeilingBreach[] = [];
  for (const ceiling of applicableCeilings(ceilings, next.source, year)) {
    const otherTotal = ceiling.sources.reduce((sum, source) => sum + toCents(others[source] ?? '0'), 0n);
    const currentTotal = otherTotal + (counts(ceiling, previous, year) ? toCents(previous!.granted) : 0n);
    const newTotal = otherTotal + granted;
    if (newTotal > toCents(ceiling.annualAmount) && newTotal > currentTotal) {
      breaches.push({ ceiling, year, currentTotal: fromCents(currentTotal), newTotal: fromCents(newTotal) });
    }
  }
  return breaches;
}

/** "300000.00" → "300 000.00 €", thousands grouped with plain spaces as Finnish readers expect. */
export function formatEuros(euros: string): string {
  const [whole, fraction] = euros.split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')}.${fraction} €`;
}

/** The CEILING_EXCEEDED message: the ceiling, the year, the current total and the new total. */
export function breachMessage(breach: CeilingBreach): string {
  const { ceiling, year } = breach;
  return (
    `The ceiling of ${formatEuros(ceiling.annualAmount)} a year for ${ceiling.sources.join(' + ')} would be exceeded in ${year}: ` +
    `granted so far ${formatEuros(breach.currentTotal)}, with this decision ${formatEuros(breach.newTotal)}. ` +
    'A coordinator may confirm the decision with overrideCeiling: { reason }.'
  );
}
