/**
 * From two project profiles to a finding: measure (numbers only, cheap enough for millions of
 * candidate pairs), classify (one kind or none), then explain (the signals with their evidence in
 * words, only for pairs that become findings). Pure functions; the engine loads the profiles.
 */
import type { StoredSignal } from './overlap.entity';
import { OverlapKind, OverlapSignalKind } from './overlap.enums';
import { sharedWords, textSimilarity, type TextProfile, type TextSimilarity, type TextStatistics } from './text-similarity';

export type SchemeCode = 'KAKE' | 'LEADER' | 'OTHER';
export type RoleCode = 'LEAD' | 'PARTNER' | 'SUB_GRANTEE' | 'FUNDER';

/** Everything the detector knows about one project. */
export interface ProjectProfile {
  id: number;
  code: string;
  title: string;
  summary: string | null;
  purpose: string | null;
  programmeId: number;
  /** The programme's period: programmes that follow one another fund follow-ups, not duplicates. */
  programmePeriod: { start: string; end: string };
  scheme: SchemeCode;
  parentId: number | null;
  /** Effective period (actual, else planned); end null = open-ended. */
  start: string;
  end: string | null;
  /** Organisation ID → role (FUNDER roles are left out: a funder is not doing the work). */
  roles: ReadonlyMap<number, RoleCode>;
  postalCodes: readonly string[];
  municipalities: readonly string[];
  /** Postal codes outside its own programme's territory (when the programme has one). */
  outsideTerritory: readonly string[];
  themes: readonly string[];
  targetGroups: readonly string[];
  /** Granted euros (as cents) by source, sources with money only. */
  granted: ReadonlyMap<string, number>;
  text: TextProfile;
}

/** Names the evidence needs, looked up by the engine. */
export interface EvidenceNames {
  organisation(id: number): { name: string; businessId: string | null } | undefined;
  postalArea(code: string): string | undefined;
  municipality(code: string): string | undefined;
  theme(code: string): string | undefined;
  targetGroup(code: string): string | undefined;
  /** Postal codes of a programme's territory, with their area type, for TERRITORY_CONFLICT. */
  territory(programmeId: number): ReadonlyMap<string, string> | undefined;
  programmeName(programmeId: number): string | undefined;
  textStatistics: TextStatistics | null;
}

const EU_FUNDS = new Set(['ESR', 'EAFRD', 'ERDF']);
const BENEFICIARY: ReadonlySet<RoleCode> = new Set(['LEAD', 'SUB_GRANTEE']);

/** The numbers a pair is classified and scored by. */
export interface Measures {
  /** Organisations leading (or sub-granted in) one project and taking part in the other. */
  sameOrganisations: number[];
  /** … of which beneficiaries (lead or sub-grantee) in both: where double funding would land. */
  sharedBeneficiaries: number[];
  /** Organisations that are partners in both, and lead neither. */
  sharedPartners: number[];
  sameOrganisationScore: number;
  period: { start: string; end: string; share: number } | null;
  sharedAreas: string[];
  areaScore: number;
  sharedMunicipalities: string[];
  territoryConflict: { projectId: number; postalCode: string; otherProgrammeId: number; areaType: string } | null;
  sharedThemes: string[];
  themeScore: number;
  sharedTargetGroups: string[];
  targetGroupScore: number;
  text: TextSimilarity;
  amount: { a: [string, number]; b: [string, number]; difference: number } | null;
  regrant: { organisationId: number; viaProjectId: number; directProjectId: number } | null;
  differentEuFunds: boolean;
}

function jaccard(a: readonly string[], b: readonly string[]): { shared: string[]; score: number } {
  if (!a.length || !b.length) return { shared: [], score: 0 };
  const setB = new Set(b);
  const shared = [...new Set(a)].filter((x) => setB.has(x)).sort();
  const union = new Set([...a, ...b]).size;
  return { shared, score: shared.length / union };
}

const DAY = 86_400_000;
const OPEN_END = '9999-12-31';
function days(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / DAY) + 1;
}

/** The overlap of two periods, scored as the share of the shorter one (open ends count as today + 1 year for length only). */
export function periodOverlap(a: { start: string; end: string | null }, b: { start: string; end: string | null }, today = new Date().toISOString().slice(0, 10)): Measures['period'] {
  const endA = a.end ?? OPEN_END;
  const endB = b.end ?? OPEN_END;
  const start = a.start > b.start ? a.start : b.start;
  const end = endA < endB ? endA : endB;
  if (start > end) return null;
  const horizon = new Date(Date.parse(today) + 365 * DAY).toISOString().slice(0, 10);
  const lengthOf = (p: { start: string; end: string | null }) => days(p.start, p.end ?? (horizon > p.start ? horizon : p.start));
  const overlap = days(start, end === OPEN_END ? (horizon > start ? horizon : start) : end);
  const shorter = Math.min(lengthOf(a), lengthOf(b));
  return { start, end: end === OPEN_END ? '' : end, share: Math.max(0, Math.min(1, overlap / shorter)) };
}

/** Two granted amounts within 1 %: the closest pair of sources (EU funds first), or null. */
export function amountMatch(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): Measures['amount'] {
  let best: Measures['amount'] = null;
  const rank = (source: string) => (EU_FUNDS.has(source) ? 0 : 1);
  // Deterministic whatever the maps' order: EU funds first, then the closest, then by source names.
  const better = (x: NonNullable<Measures['amount']>, y: NonNullable<Measures['amount']>) =>
    rank(x.a[0]) + rank(x.b[0]) - (rank(y.a[0]) + rank(y.b[0])) || x.difference - y.difference || `${x.a[0]}/${x.b[0]}`.localeCompare(`${y.a[0]}/${y.b[0]}`);
  for (const [sa, va] of a) {
    for (const [sb, vb] of b) {
      if (va <= 0 || vb <= 0) continue;
      const difference = Math.abs(va - vb) / Math.max(va, vb);
      if (difference > 0.01) continue;
      const candidate = { a: [sa, va] as [string, number], b: [sb, vb] as [string, number], difference };
      if (!best || better(candidate, best) < 0) best = candidate;
    }
  }
  return best;
}

export function measure(a: ProjectProfile, b: ProjectProfile): Measures {
  const sameOrganisations: number[] = [];
  const sharedBeneficiaries: number[] = [];
  const sharedPartners: number[] = [];
  let sameOrganisationScore = 0;
  let regrant: Measures['regrant'] = null;
  for (const [organisationId, roleA] of a.roles) {
    const roleB = b.roles.get(organisationId);
    if (!roleB) continue;
    if (roleA === 'PARTNER' && roleB === 'PARTNER') {
      sharedPartners.push(organisationId);
      continue;
    }
    sameOrganisations.push(organisationId);
    const bothBeneficiaries = BENEFICIARY.has(roleA) && BENEFICIARY.has(roleB);
    if (bothBeneficiaries) sharedBeneficiaries.push(organisationId);
    sameOrganisationScore = Math.max(sameOrganisationScore, bothBeneficiaries ? 1 : 0.7);
    // Re-granted money (a sub-grant from an umbrella, or a pilot under one) and direct money to the same organisation.
    if (!regrant && bothBeneficiaries) {
      const viaA = roleA === 'SUB_GRANTEE' || a.parentId !== null;
      const viaB = roleB === 'SUB_GRANTEE' || b.parentId !== null;
      if (viaA !== viaB) regrant = { organisationId, viaProjectId: viaA ? a.id : b.id, directProjectId: viaA ? b.id : a.id };
    }
  }
  sameOrganisations.sort((x, y) => x - y);
  sharedPartners.sort((x, y) => x - y);

  const areas = new Set(b.postalCodes);
  const sharedAreas = a.postalCodes.filter((code) => areas.has(code)).sort();
  const areaScore = sharedAreas.length ? sharedAreas.length / Math.min(a.postalCodes.length, b.postalCodes.length) : 0;
  const municipalities = new Set(b.municipalities);
  const sharedMunicipalities = [...new Set(a.municipalities)].filter((code) => municipalities.has(code)).sort();
  const themes = jaccard(a.themes, b.themes);
  const targetGroups = jaccard(a.targetGroups, b.targetGroups);
  const fundsA = [...a.granted.keys()].filter((source) => EU_FUNDS.has(source));
  const fundsB = [...b.granted.keys()].filter((source) => EU_FUNDS.has(source));
  return {
    sameOrganisations,
    sharedBeneficiaries,
    sharedPartners,
    sameOrganisationScore,
    period: periodOverlap(a, b),
    sharedAreas,
    areaScore,
    sharedMunicipalities,
    territoryConflict: null,
    sharedThemes: themes.shared,
    themeScore: themes.score,
    sharedTargetGroups: targetGroups.shared,
    targetGroupScore: targetGroups.score,
    text: textSimilarity(a.text, b.text),
    amount: amountMatch(a.granted, b.granted),
    regrant,
    differentEuFunds: fundsA.length > 0 && fundsB.length > 0 && !fundsA.some((fund) => fundsB.includes(fund)),
  };
}

/** An urban Kake project in a postal area only the other (rural) programme's territory has, or the reverse. */
export function territoryConflict(a: ProjectProfile, b: ProjectProfile, names: Pick<EvidenceNames, 'territory'>): Measures['territoryConflict'] {
  if (a.scheme === b.scheme) return null;
  for (const [self, other] of [[a, b], [b, a]] as const) {
    const territory = names.territory(other.programmeId);
    if (!territory) continue;
    for (const code of self.outsideTerritory) {
      const areaType = territory.get(code);
      if (areaType) {
        return { projectId: self.id, postalCode: code, otherProgrammeId: other.programmeId, areaType };
      }
    }
  }
  return null;
}

/**
 * Thresholds, tuned on the demo data and the generator's planted pairs and checked against its hard
 * negatives (docs/overlaps.md): bench:overlaps prints what they give.
 */
export const THRESHOLDS = {
  /** Similar content, for double funding (the same organisation: less text needed). */
  doubleFundingText: 0.45,
  /** Similar content in a shared postal area, by different organisations. */
  duplicationText: 0.55,
  /** Duplicates run at the same time: an overlap of less than this share of the shorter period is a follow-up. */
  duplicationPeriod: 0.3,
  /** Related content, for synergy. */
  synergyText: 0.25,
} as const;

/** One kind, the first that applies in OverlapKind's order; null for a pair that is not a finding. */
export function classify(m: Measures, a: ProjectProfile, b: ProjectProfile): OverlapKind | null {
  if (!m.period) return null;
  const crosses = crossesDivide(a, b);
  const text = m.text.score;
  if (m.sharedBeneficiaries.length > 0 && text >= THRESHOLDS.doubleFundingText) return OverlapKind.DOUBLE_FUNDING_RISK;
  const together = m.sharedAreas.length > 0;
  const nearby = m.sharedMunicipalities.length > 0;
  const sharedWork = m.sharedThemes.length > 0 || m.sharedTargetGroups.length > 0;
  // The same work in the same place at the same time, from programmes open at the same time (a
  // successor programme funds follow-ups); similar work elsewhere in the municipality is synergy.
  const concurrentProgrammes = a.programmePeriod.start <= b.programmePeriod.end && b.programmePeriod.start <= a.programmePeriod.end;
  if (
    m.sharedBeneficiaries.length === 0 && sharedWork && together && concurrentProgrammes &&
    m.period.share >= THRESHOLDS.duplicationPeriod && text >= THRESHOLDS.duplicationText
  ) {
    return OverlapKind.DUPLICATION_RISK;
  }
  if (!crosses) return null;
  if (m.sameOrganisations.length > 0) return OverlapKind.SAME_ORGANISATION;
  if (m.sharedThemes.length > 0 && (together || nearby || m.sharedPartners.length > 0) && text >= THRESHOLDS.synergyText) return OverlapKind.SYNERGY;
  if (m.sharedPartners.length > 0) return OverlapKind.SHARED_PARTNER;
  return null;
}

export function crossesDivide(a: Pick<ProjectProfile, 'scheme'>, b: Pick<ProjectProfile, 'scheme'>): boolean {
  return a.scheme !== b.scheme && a.scheme !== 'OTHER' && b.scheme !== 'OTHER';
}

/** Weights of the total score (they sum to 1 when every signal is at its maximum). */
export const WEIGHTS: Readonly<Record<OverlapSignalKind, number>> = {
  [OverlapSignalKind.TEXT_SIMILARITY]: 0.35,
  [OverlapSignalKind.SAME_ORGANISATION]: 0.15,
  [OverlapSignalKind.SHARED_PARTNER]: 0.05,
  [OverlapSignalKind.PERIOD_OVERLAP]: 0.1,
  [OverlapSignalKind.SAME_AREA]: 0.12,
  [OverlapSignalKind.NEIGHBOURING_AREA]: 0.12,
  [OverlapSignalKind.TERRITORY_CONFLICT]: 0.03,
  [OverlapSignalKind.THEME]: 0.08,
  [OverlapSignalKind.TARGET_GROUP]: 0.04,
  [OverlapSignalKind.AMOUNT_MATCH]: 0.05,
  [OverlapSignalKind.REGRANT_CHAIN]: 0.03,
};

/** Below this, text similarity is noise and not shown as a signal. */
const MIN_TEXT_EVIDENCE = 0.05;

const percent = (share: number) => `${Math.round(share * 100)} %`;
const euros = (cents: number) =>
  `${(cents / 100).toLocaleString('fi-FI', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).replace(/\u00a0/g, ' ')} €`;

/** The signals of a finding, each with its score and evidence, strongest contribution first. */
export function explain(m: Measures, a: ProjectProfile, b: ProjectProfile, names: EvidenceNames): StoredSignal[] {
  const signals: StoredSignal[] = [];
  const organisation = (id: number) => {
    const found = names.organisation(id);
    return found ? `${found.name}${found.businessId ? ` (${found.businessId})` : ''}` : `organisation ${id}`;
  };
  const roleWord = (role: RoleCode | undefined) => (role === 'LEAD' ? 'lead' : role === 'SUB_GRANTEE' ? 'sub-grantee' : 'partner');
  if (m.sameOrganisations.length) {
    const id = m.sharedBeneficiaries[0] ?? m.sameOrganisations[0];
    const more = m.sameOrganisations.length > 1 ? ` and ${m.sameOrganisations.length - 1} more` : '';
    signals.push({
      kind: OverlapSignalKind.SAME_ORGANISATION,
      score: m.sameOrganisationScore,
      evidence: `shared organisation ${organisation(id)}: ${roleWord(a.roles.get(id))} in ${a.code}, ${roleWord(b.roles.get(id))} in ${b.code}${more}`,
      organisationIds: m.sameOrganisations,
    });
  }
  if (m.sharedPartners.length) {
    const more = m.sharedPartners.length > 1 ? ` and ${m.sharedPartners.length - 1} more` : '';
    signals.push({
      kind: OverlapSignalKind.SHARED_PARTNER,
      score: 1,
      evidence: `shared partner ${organisation(m.sharedPartners[0])}${more}`,
      organisationIds: m.sharedPartners,
    });
  }
  if (m.regrant) {
    signals.push({
      kind: OverlapSignalKind.REGRANT_CHAIN,
      score: 1,
      evidence: `${organisation(m.regrant.organisationId)} receives money through an umbrella project in ${m.regrant.viaProjectId === a.id ? a.code : b.code} and directly in ${m.regrant.directProjectId === a.id ? a.code : b.code}`,
      organisationIds: [m.regrant.organisationId],
    });
  }
  if (m.period) {
    signals.push({
      kind: OverlapSignalKind.PERIOD_OVERLAP,
      score: m.period.share,
      evidence: `periods overlap ${m.period.start} – ${m.period.end || 'open-ended'} (${percent(m.period.share)} of the shorter)`,
      period: { start: m.period.start, end: m.period.end },
    });
  }
  const areaName = (code: string) => `${code}${names.postalArea(code) ? ` ${names.postalArea(code)}` : ''}`;
  if (m.sharedAreas.length) {
    signals.push({
      kind: OverlapSignalKind.SAME_AREA,
      score: m.areaScore,
      evidence: `shared postal area${m.sharedAreas.length > 1 ? 's' : ''} ${m.sharedAreas.map(areaName).join(', ')}`,
      postalCodes: m.sharedAreas,
    });
  } else if (m.sharedMunicipalities.length) {
    const municipality = m.sharedMunicipalities[0];
    signals.push({
      kind: OverlapSignalKind.NEIGHBOURING_AREA,
      score: 0.5,
      evidence: `both in ${names.municipality(municipality) ?? municipality}: ${a.postalCodes.join(', ')} and ${b.postalCodes.join(', ')}`,
      postalCodes: [...new Set([...a.postalCodes, ...b.postalCodes])].sort(),
    });
  }
  if (m.territoryConflict) {
    const conflict = m.territoryConflict;
    const self = conflict.projectId === a.id ? a : b;
    const schemeWord = self.scheme === 'KAKE' ? 'urban Kake' : 'rural Leader';
    signals.push({
      kind: OverlapSignalKind.TERRITORY_CONFLICT,
      score: 1,
      evidence: `${self.code} (${schemeWord}) works in ${areaName(conflict.postalCode)}, a ${conflict.areaType.toLowerCase()} area of ${names.programmeName(conflict.otherProgrammeId) ?? 'the other programme'} and outside its own programme's territory`,
      postalCodes: [conflict.postalCode],
    });
  }
  if (m.sharedThemes.length) {
    signals.push({
      kind: OverlapSignalKind.THEME,
      score: m.themeScore,
      evidence: `shared theme${m.sharedThemes.length > 1 ? 's' : ''} ${m.sharedThemes.map((code) => names.theme(code) ?? code).join(', ')} (Jaccard ${m.themeScore.toFixed(2)})`,
    });
  }
  if (m.sharedTargetGroups.length) {
    signals.push({
      kind: OverlapSignalKind.TARGET_GROUP,
      score: m.targetGroupScore,
      evidence: `shared target group${m.sharedTargetGroups.length > 1 ? 's' : ''} ${m.sharedTargetGroups.map((code) => names.targetGroup(code) ?? code).join(', ')} (Jaccard ${m.targetGroupScore.toFixed(2)})`,
    });
  }
  if (m.text.score >= MIN_TEXT_EVIDENCE) {
    const words = sharedWords(`${a.title} ${a.summary ?? ''} ${a.purpose ?? ''}`, `${b.title} ${b.summary ?? ''} ${b.purpose ?? ''}`, names.textStatistics);
    signals.push({
      kind: OverlapSignalKind.TEXT_SIMILARITY,
      score: m.text.score,
      evidence: `titles ${m.text.title.toFixed(2)} similar, texts ${m.text.body.toFixed(2)} similar${words.length ? `; shared words: ${words.join(', ')}` : ''}`,
    });
  }
  if (m.amount) {
    signals.push({
      kind: OverlapSignalKind.AMOUNT_MATCH,
      score: 1 - m.amount.difference * 50,
      evidence: `granted ${m.amount.a[0]} ${euros(m.amount.a[1])} in ${a.code} and ${m.amount.b[0]} ${euros(m.amount.b[1])} in ${b.code} (${(m.amount.difference * 100).toFixed(1)} % apart)`,
    });
  }
  return signals.sort((x, y) => WEIGHTS[y.kind] * y.score - WEIGHTS[x.kind] * x.score || x.kind.localeCompare(y.kind));
}

/** The total score straight from the measures (what totalScore(explain(…)) gives, without writing the evidence). */
export function scoreOf(m: Measures): number {
  const W = WEIGHTS;
  let sum = 0;
  if (m.sameOrganisations.length) sum += W.SAME_ORGANISATION * m.sameOrganisationScore;
  if (m.sharedPartners.length) sum += W.SHARED_PARTNER;
  if (m.regrant) sum += W.REGRANT_CHAIN;
  if (m.period) sum += W.PERIOD_OVERLAP * m.period.share;
  if (m.sharedAreas.length) sum += W.SAME_AREA * m.areaScore;
  else if (m.sharedMunicipalities.length) sum += W.NEIGHBOURING_AREA * 0.5;
  if (m.territoryConflict) sum += W.TERRITORY_CONFLICT;
  if (m.sharedThemes.length) sum += W.THEME * m.themeScore;
  if (m.sharedTargetGroups.length) sum += W.TARGET_GROUP * m.targetGroupScore;
  if (m.text.score >= MIN_TEXT_EVIDENCE) sum += W.TEXT_SIMILARITY * m.text.score;
  if (m.amount) sum += W.AMOUNT_MATCH * (1 - m.amount.difference * 50);
  return Math.round(Math.min(1, Math.max(0, sum)) * 1000) / 1000;
}

/** The total score: the weighted sum of the signals, 0–1. */
export function totalScore(signals: readonly StoredSignal[]): number {
  const sum = signals.reduce((total, signal) => total + WEIGHTS[signal.kind] * signal.score, 0);
  return Math.round(Math.min(1, Math.max(0, sum)) * 1000) / 1000;
}
