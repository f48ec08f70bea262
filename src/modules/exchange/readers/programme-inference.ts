import { FundingSource } from '../../funding/funding.enums';
import { Scheme } from '../../programme/programme.enums';
import type { Parsed } from './csv-values';
import type { ProgrammeCatalogueEntry } from './read-context';

/** Which scheme runs the programmes that a fund's projects belong to. */
export const SCHEME_OF_FUND: Partial<Record<FundingSource, Scheme>> = {
  [FundingSource.ESR]: Scheme.KAKE,
  [FundingSource.EAFRD]: Scheme.LEADER,
};

/** The n+3 rule: a project may run up to three years past its programme's period. */
export const YEARS_PAST_PERIOD = 3;

export interface ProgrammeClues {
  /** The EU fund of the row (ESR or EAFRD), if it names one. */
  fund?: FundingSource | null;
  /** Municipality codes of the row's location. */
  municipalityCodes: string[];
  start?: string | null;
  end?: string | null;
}

function addYears(date: string, years: number): string {
  return `${String(Number(date.slice(0, 4)) + years).padStart(4, '0')}${date.slice(4)}`;
}

/**
 * The one programme a row belongs to, from its fund (scheme), dates (overlapping the period, ending at
 * most three years after it) and location (the programme's municipalities). Each clue narrows the
 * candidates only when it leaves at least one: a project outside every territory still belongs to the
 * programme of its fund and dates (the overlap analytics flag the conflict), and a project running
 * into a second period belongs to the one in which it starts.
 */
export function inferProgramme(programmes: readonly ProgrammeCatalogueEntry[], clues: ProgrammeClues): Parsed<string> {
  const scheme = clues.fund ? SCHEME_OF_FUND[clues.fund] : undefined;
  // Projects belong to Kake and Leader programmes; the national umbrella programmes (OTHER) hold none.
  let candidates = programmes.filter((programme) => (scheme ? programme.scheme === scheme : programme.scheme !== Scheme.OTHER));
  const start = clues.start ?? clues.end ?? null;
  const end = clues.end ?? clues.start ?? null;
  if (start !== null && end !== null) {
    candidates = candidates.filter((p) => start <= p.periodEnd && end >= p.periodStart && end <= addYears(p.periodEnd, YEARS_PAST_PERIOD));
  }
  const narrow = (keep: (programme: ProgrammeCatalogueEntry) => boolean): void => {
    const kept = candidates.filter(keep);
    if (kept.length > 0) candidates = kept;
  };
  if (clues.municipalityCodes.length > 0) narrow((p) => p.municipalityCodes.some((code) => clues.municipalityCodes.includes(code)));
  if (start !== null) narrow((p) => p.periodStart <= start && start <= p.periodEnd);
  const told = [
    clues.fund ? `fund ${clues.fund}` : 'no fund',
    start !== null ? `dates ${start}…${end}` : 'no dates',
    clues.municipalityCodes.length > 0 ? `municipality ${clues.municipalityCodes.join(', ')}` : 'no known location',
  ].join(', ');
  if (candidates.length === 1) return { ok: true, value: candidates[0].code };
  if (candidates.length === 0) {
    return { ok: false, message: `No programme fits this row (${told}); name it with --programme CODE or a programme column` };
  }
  const codes = candidates.map((programme) => programme.code).join(', ');
  return { ok: false, message: `More than one programme fits this row (${codes}; ${told}); choose one with --programme CODE or a programme column` };
}
