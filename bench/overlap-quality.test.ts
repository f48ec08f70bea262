import { assessFindings, describeSignals, distribution, growth, meetsQualityTarget, percentile, signalScore, type Finding, type TruthPair } from './overlap-quality';

function truthPair(a: string, b: string, kind: string, extra: Partial<TruthPair> = {}): TruthPair {
  return { projects: [a, b], kind, planted: true, notKinds: [], alsoKinds: [], variations: [], sharedOrganisation: null, sharedAreas: [], ...extra };
}

function finding(a: string, b: string, kind: string, score = 0.8): Finding {
  return { codes: [a, b], kind, score, signals: [{ kind: 'TEXT_SIMILARITY', score: 0.7, evidence: 'titles 0.70 similar' }] };
}

const TRUTH: TruthPair[] = [
  truthPair('K1', 'L1', 'DUPLICATION_RISK'),
  truthPair('K2', 'L2', 'DUPLICATION_RISK'),
  truthPair('K3', 'L3', 'DOUBLE_FUNDING_RISK', { alsoKinds: ['SAME_ORGANISATION', 'DUPLICATION_RISK'] }),
  truthPair('K4', 'L4', 'SAME_ORGANISATION', { notKinds: ['DUPLICATION_RISK', 'DOUBLE_FUNDING_RISK'] }),
  truthPair('K5', 'L5', 'SIMILAR_TITLE_OTHER_DECADE', { planted: false, notKinds: ['DUPLICATION_RISK', 'DOUBLE_FUNDING_RISK', 'SYNERGY'] }),
];

describe('assessFindings', () => {
  const quality = assessFindings(TRUTH, [
    finding('L1', 'K1', 'DUPLICATION_RISK'), // found, codes in the other order
    finding('K3', 'L3', 'DUPLICATION_RISK'), // a double-funding pair called duplication: right for DUPLICATION_RISK, a miss for DOUBLE_FUNDING_RISK
    finding('K4', 'L4', 'SAME_ORGANISATION'),
    finding('K5', 'L5', 'DUPLICATION_RISK'), // a hard negative reported as a risk
    finding('K2', 'B9', 'DUPLICATION_RISK'), // a truth project with a background one: judged, wrong
    finding('B1', 'B2', 'DUPLICATION_RISK'), // two background projects: not judged
  ]);
  const of = (kind: string) => quality.byKind.find((entry) => entry.kind === kind)!;

  it.each([
    ['DUPLICATION_RISK', { truthPairs: 2, found: 1, recall: 0.5, judged: 4, correct: 2, precision: 0.5, judgedWithinTruth: 3, precisionWithinTruth: 2 / 3 }],
    ['DOUBLE_FUNDING_RISK', { truthPairs: 1, found: 0, recall: 0, judged: 0, correct: 0, precision: null }],
    ['SAME_ORGANISATION', { truthPairs: 1, found: 1, recall: 1, judged: 1, correct: 1, precision: 1 }],
    ['SYNERGY', { truthPairs: 0, found: 0, recall: null, judged: 0, correct: 0, precision: null }],
  ])('%s', (kind, expected) => {
    expect(of(kind)).toMatchObject(expected);
  });

  it('compares the text similarity of right and wrong calls', () => {
    expect(of('DUPLICATION_RISK').textSimilarity).toEqual({ right: { n: 2, p50: 0.7, p95: 0.7, max: 0.7 }, wrong: { n: 2, p50: 0.7, p95: 0.7, max: 0.7 } });
    expect(signalScore([{ kind: 'THEME', score: 0.5 }], 'THEME')).toBe(0.5);
    expect(signalScore([{ kind: 'THEME', score: 0.5 }], 'TEXT_SIMILARITY')).toBeNull();
  });

  it('counts wrong calls by what their projects are in the truth', () => {
    expect(of('DUPLICATION_RISK').wrongByRoles).toEqual({ 'SIMILAR_TITLE_OTHER_DECADE + SIMILAR_TITLE_OTHER_DECADE': 1, 'DUPLICATION_RISK + background': 1 });
  });

  it('counts hard negatives given a kind they must not have', () => {
    expect(quality.hardNegatives).toEqual([
      { truthKind: 'SAME_ORGANISATION', pairs: 1, violated: 0, foundKinds: {} },
      { truthKind: 'SIMILAR_TITLE_OTHER_DECADE', pairs: 1, violated: 1, foundKinds: { DUPLICATION_RISK: 1 } },
    ]);
  });

  it('lists misses with what was found instead, and false positives with their truth kind', () => {
    expect(quality.misses.map((miss) => [miss.codes.join('-'), miss.truthKind, miss.foundKind])).toEqual([
      ['K2-L2', 'DUPLICATION_RISK', null],
      ['K3-L3', 'DOUBLE_FUNDING_RISK', 'DUPLICATION_RISK'],
    ]);
    expect(assessFindings([truthPair('K6', 'L6', 'SYNERGY')], []).misses.map((miss) => miss.truthKind)).toEqual(['SYNERGY']);
    expect(quality.falsePositives.map((fp) => [fp.codes.join('-'), fp.truthKind, fp.projectKinds])).toEqual([
      ['K5-L5', 'SIMILAR_TITLE_OTHER_DECADE', ['SIMILAR_TITLE_OTHER_DECADE', 'SIMILAR_TITLE_OTHER_DECADE']],
      ['K2-B9', null, ['DUPLICATION_RISK', null]],
    ]);
  });

  it('stops the lists at the limit', () => {
    const limited = assessFindings(TRUTH, [], 1);
    expect(limited.misses.map((miss) => miss.truthKind)).toEqual(['DUPLICATION_RISK']);
  });

  it('meets the target only with both recall and precision', () => {
    expect(meetsQualityTarget(of('SAME_ORGANISATION'))).toBe(true);
    expect(meetsQualityTarget(of('DUPLICATION_RISK'))).toBe(false);
    expect(meetsQualityTarget(of('DOUBLE_FUNDING_RISK'))).toBe(false);
  });
});

describe('statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
    expect(distribution([3, 1, 2])).toEqual({ n: 3, p50: 2, p95: 3, max: 3 });
  });

  it('compares growth with linear and quadratic', () => {
    const grown = growth({ n: 10_000, ms: 1000 }, { n: 100_000, ms: 12_000 });
    expect(grown).toMatchObject({ factor: 12, linear: 10, quadratic: 100 });
    expect(grown.exponent).toBeCloseTo(1.079, 3);
  });

  it('describes signals in one line', () => {
    expect(describeSignals([{ kind: 'SAME_AREA', score: 1, evidence: 'shared postal area 70780' }, { kind: 'THEME', score: 0.5 }])).toBe(
      'SAME_AREA 1.00 (shared postal area 70780); THEME 0.50',
    );
    expect(describeSignals(null)).toBe('');
  });
});
