/**
 * How well stored overlap findings match the generator's ground truth (`silta generate --truth`),
 * and the small statistics the overlap benchmark prints. Pure: no database, so it is unit-tested.
 */

/** The kinds a finding can have, in the order the engine tries them. */
export const OVERLAP_KINDS = ['DOUBLE_FUNDING_RISK', 'DUPLICATION_RISK', 'SAME_ORGANISATION', 'SYNERGY', 'SHARED_PARTNER'] as const;
export type OverlapKindName = (typeof OVERLAP_KINDS)[number];

/** The kinds the issue sets a precision and recall target for. */
export const RISK_KINDS: readonly OverlapKindName[] = ['DUPLICATION_RISK', 'DOUBLE_FUNDING_RISK'];
export const RECALL_TARGET = 0.95;
export const PRECISION_TARGET = 0.9;

/** One pair of the truth file, as `silta generate` writes it (src/db/generate/generate.ts, TruthPair). */
export interface TruthPair {
  projects: [string, string];
  kind: string;
  planted: boolean;
  notKinds: string[];
  alsoKinds: string[];
  variations: string[];
  sharedOrganisation: string | null;
  sharedAreas: string[];
}

/** A stored finding with its projects' codes. */
export interface Finding {
  codes: [string, string];
  kind: string;
  score: number;
  signals: unknown;
}

export interface KindQuality {
  kind: string;
  /** Planted truth pairs of this kind. */
  truthPairs: number;
  /** Of those, found with this kind. */
  found: number;
  recall: number | null;
  /** Findings of this kind that involve a project the truth file names (planted or hard negative). */
  judged: number;
  /** Of those, the pair is planted with this kind among its kind and alsoKinds. */
  correct: number;
  precision: number | null;
  /**
   * Precision over findings whose two projects the truth both names: leaves out a truth project's
   * chance resemblance to background projects, which the generator writes from the same few texts.
   */
  judgedWithinTruth: number;
  correctWithinTruth: number;
  precisionWithinTruth: number | null;
  /**
   * Wrong findings of this kind by what their projects are in the truth ("DUPLICATION_RISK +
   * background"): tells a generator that makes unlisted look-alikes from a detector that errs.
   */
  wrongByRoles: Record<string, number>;
  /** The TEXT_SIMILARITY signal's score over right and wrong findings of this kind: how far apart the two are. */
  textSimilarity: { right: Distribution; wrong: Distribution };
}

export interface HardNegativeQuality {
  /** The truth pair's kind (a hard negative kind, or SAME_ORGANISATION / SHARED_PARTNER, which are negatives for the risks). */
  truthKind: string;
  pairs: number;
  /** Pairs whose finding has a kind the truth says it must not have. */
  violated: number;
  /** Those violations by the kind found. */
  foundKinds: Record<string, number>;
}

export interface Miss {
  codes: [string, string];
  truthKind: string;
  variations: string[];
  /** What the engine said about the pair instead, if anything. */
  foundKind: string | null;
  score: number | null;
  signals: unknown;
}

export interface FalsePositive {
  codes: [string, string];
  kind: string;
  score: number;
  /** The pair's truth kind when the truth names the pair itself, else null (at least one of its projects is named). */
  truthKind: string | null;
  /** For each project, the kind of the truth pair it belongs to, or null for a background project. */
  projectKinds: [string | null, string | null];
  signals: unknown;
}

export interface Quality {
  byKind: KindQuality[];
  hardNegatives: HardNegativeQuality[];
  misses: Miss[];
  falsePositives: FalsePositive[];
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/**
 * Recall of kind K: planted pairs of kind K found with kind K. Precision of K: among findings of
 * kind K that touch a project the truth names, those whose pair is planted with K as its kind or
 * one of its alsoKinds. Background projects resemble one another by chance (the generator draws
 * them from a few theme texts), so findings between two background projects are not judged.
 */
export function assessFindings(truth: readonly TruthPair[], findings: Iterable<Finding>, listLimit = 10): Quality {
  const truthByPair = new Map<string, TruthPair>();
  const truthKindOf = new Map<string, string>();
  for (const pair of truth) {
    truthByPair.set(pairKey(...pair.projects), pair);
    for (const code of pair.projects) truthKindOf.set(code, pair.kind);
  }
  const truthProjects = new Set(truthKindOf.keys());
  const findingByPair = new Map<string, Finding>();
  const judged = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (!truthProjects.has(finding.codes[0]) && !truthProjects.has(finding.codes[1])) continue;
    findingByPair.set(pairKey(...finding.codes), finding);
    const ofKind = judged.get(finding.kind);
    if (ofKind) ofKind.push(finding);
    else judged.set(finding.kind, [finding]);
  }

  const isRightFor = (finding: Finding): boolean => {
    const pair = truthByPair.get(pairKey(...finding.codes));
    return pair !== undefined && pair.planted && (pair.kind === finding.kind || pair.alsoKinds.includes(finding.kind));
  };

  const byKind = OVERLAP_KINDS.map((kind): KindQuality => {
    const planted = truth.filter((pair) => pair.planted && pair.kind === kind);
    const found = planted.filter((pair) => findingByPair.get(pairKey(...pair.projects))?.kind === kind).length;
    const ofKind = judged.get(kind) ?? [];
    const correct = ofKind.filter(isRightFor).length;
    const withinTruth = ofKind.filter((finding) => truthProjects.has(finding.codes[0]) && truthProjects.has(finding.codes[1]));
    const correctWithinTruth = withinTruth.filter(isRightFor).length;
    const wrongByRoles: Record<string, number> = {};
    for (const finding of ofKind) {
      if (isRightFor(finding)) continue;
      const roles = finding.codes.map((code) => truthKindOf.get(code) ?? 'background').sort().join(' + ');
      wrongByRoles[roles] = (wrongByRoles[roles] ?? 0) + 1;
    }
    return {
      kind,
      truthPairs: planted.length,
      found,
      recall: ratio(found, planted.length),
      judged: ofKind.length,
      correct,
      precision: ratio(correct, ofKind.length),
      judgedWithinTruth: withinTruth.length,
      correctWithinTruth,
      precisionWithinTruth: ratio(correctWithinTruth, withinTruth.length),
      wrongByRoles,
      textSimilarity: {
        right: distribution(ofKind.filter(isRightFor).map((finding) => signalScore(finding.signals, 'TEXT_SIMILARITY') ?? 0)),
        wrong: distribution(ofKind.filter((finding) => !isRightFor(finding)).map((finding) => signalScore(finding.signals, 'TEXT_SIMILARITY') ?? 0)),
      },
    };
  });

  const negatives = new Map<string, HardNegativeQuality>();
  for (const pair of truth) {
    if (pair.notKinds.length === 0) continue;
    const entry = negatives.get(pair.kind) ?? { truthKind: pair.kind, pairs: 0, violated: 0, foundKinds: {} };
    entry.pairs += 1;
    const finding = findingByPair.get(pairKey(...pair.projects));
    if (finding && pair.notKinds.includes(finding.kind)) {
      entry.violated += 1;
      entry.foundKinds[finding.kind] = (entry.foundKinds[finding.kind] ?? 0) + 1;
    }
    negatives.set(pair.kind, entry);
  }

  // The risk kinds first: they have targets.
  const listed = [...RISK_KINDS, ...OVERLAP_KINDS.filter((kind) => !RISK_KINDS.includes(kind))];
  const misses: Miss[] = [];
  for (const kind of listed) {
    for (const pair of truth) {
      if (misses.length >= listLimit) break;
      if (!pair.planted || pair.kind !== kind) continue;
      const finding = findingByPair.get(pairKey(...pair.projects));
      if (finding?.kind === kind) continue;
      misses.push({
        codes: pair.projects,
        truthKind: pair.kind,
        variations: pair.variations,
        foundKind: finding?.kind ?? null,
        score: finding?.score ?? null,
        signals: finding?.signals ?? null,
      });
    }
  }

  // Both sorts of wrong call, alternately: between two truth projects (a hard negative, projects of
  // two different pairs) and a truth project with a background one.
  const wrong: [Finding[], Finding[]] = [[], []];
  for (const kind of RISK_KINDS) {
    for (const finding of judged.get(kind) ?? []) {
      if (!isRightFor(finding)) wrong[truthProjects.has(finding.codes[0]) && truthProjects.has(finding.codes[1]) ? 0 : 1].push(finding);
    }
  }
  const falsePositives: FalsePositive[] = [];
  for (let i = 0; falsePositives.length < listLimit && i < Math.max(wrong[0].length, wrong[1].length); i++) {
    for (const finding of [wrong[0][i], wrong[1][i]]) {
      if (!finding || falsePositives.length >= listLimit) continue;
      falsePositives.push({
        codes: finding.codes,
        kind: finding.kind,
        score: finding.score,
        truthKind: truthByPair.get(pairKey(...finding.codes))?.kind ?? null,
        projectKinds: [truthKindOf.get(finding.codes[0]) ?? null, truthKindOf.get(finding.codes[1]) ?? null],
        signals: finding.signals,
      });
    }
  }

  return { byKind, hardNegatives: [...negatives.values()], misses, falsePositives };
}

/** Whether a kind meets the target: recall >= 0.95 at precision >= 0.90. */
export function meetsQualityTarget(quality: KindQuality): boolean {
  return quality.recall !== null && quality.precision !== null && quality.recall >= RECALL_TARGET && quality.precision >= PRECISION_TARGET;
}

/** Nearest-rank percentile (p in 0–1) of the values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export interface Distribution {
  n: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

export function distribution(values: readonly number[]): Distribution {
  return { n: values.length, p50: percentile(values, 0.5), p95: percentile(values, 0.95), max: values.length ? Math.max(...values) : null };
}

export interface Growth {
  from: number;
  to: number;
  /** How many times longer the larger scale took. */
  factor: number;
  /** The factor linear and quadratic growth would give. */
  linear: number;
  quadratic: number;
  /** k in time ∝ n^k. */
  exponent: number;
}

export function growth(from: { n: number; ms: number }, to: { n: number; ms: number }): Growth {
  const size = to.n / from.n;
  const factor = to.ms / from.ms;
  return { from: from.n, to: to.n, factor, linear: size, quadratic: size * size, exponent: Math.log(factor) / Math.log(size) };
}

/** The score of one signal of a finding, or null when it has none of that kind. */
export function signalScore(signals: unknown, kind: string): number | null {
  if (!Array.isArray(signals)) return null;
  const signal = signals.find((candidate: { kind?: unknown }) => candidate.kind === kind) as { score?: unknown } | undefined;
  return typeof signal?.score === 'number' ? signal.score : null;
}

/** A finding's signals in one line: `KIND score (evidence); …`, whatever shape the engine stored. */
export function describeSignals(signals: unknown, maxLength = 400): string {
  if (!Array.isArray(signals)) return signals === null || signals === undefined ? '' : JSON.stringify(signals).slice(0, maxLength);
  const text = signals
    .map((signal: { kind?: unknown; score?: unknown; evidence?: unknown }) => {
      const score = typeof signal.score === 'number' ? ` ${signal.score.toFixed(2)}` : '';
      const evidence = signal.evidence ? ` (${String(signal.evidence)})` : '';
      return `${String(signal.kind ?? '?')}${score}${evidence}`;
    })
    .join('; ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
