import fc from 'fast-check';
import { assessPair, cannotBeFinding, forEachCandidatePair, scorePair } from './overlap.engine';
import { OverlapKind, OverlapSignalKind } from './overlap.enums';
import { amountMatch, classify, measure, periodOverlap, territoryConflict, totalScore, type EvidenceNames, type ProjectProfile, type RoleCode } from './overlap.signals';
import { textProfile } from './text-similarity';

const YOUTH_A = {
  title: 'Nuorten olohuone Hiltulanlahdessa',
  summary: 'Nuorille avoin kohtaamispaikka, jossa nuoret suunnittelevat toimintaa itse. Vahvistetaan osallisuutta ja yhteisöllisyyttä.',
};
const YOUTH_B = {
  title: 'Nuorten kohtaamispaikka Hiltulanlahti',
  summary: 'Kohtaamispaikka nuorille kylätalolla: nuorten osallisuus ja yhteisöllisyys vahvistuvat, kun nuoret suunnittelevat toiminnan.',
};
const FOOD = { title: 'Lähiruokatori Petosella', summary: 'Kaupunginosatori, jolla lähiruoan tuottajat myyvät suoraan asukkaille.' };
const RECYCLING = { title: 'Kierrätysverstas työllistää', summary: 'Pyöräkorjaamo ja huonekaluverstas pitkään työttömille.' };

let nextId = 1;
function project(spec: Partial<Omit<ProjectProfile, 'roles' | 'granted' | 'text'>> & {
  roles?: Array<[number, RoleCode]>;
  granted?: Array<[string, number]>;
  text?: { title: string; summary?: string };
}): ProjectProfile {
  const text = spec.text ?? { title: `Hanke ${nextId}` };
  return {
    id: spec.id ?? nextId++,
    code: spec.code ?? `P-${nextId}`,
    title: text.title,
    summary: text.summary ?? null,
    purpose: null,
    programmeId: spec.programmeId ?? 1,
    programmePeriod: spec.programmePeriod ?? { start: '2014-01-01', end: '2027-12-31' },
    scheme: spec.scheme ?? 'KAKE',
    parentId: spec.parentId ?? null,
    start: spec.start ?? '2019-01-01',
    end: spec.end === undefined ? '2020-12-31' : spec.end,
    roles: new Map(spec.roles ?? []),
    postalCodes: spec.postalCodes ?? ['70100'],
    municipalities: spec.municipalities ?? ['297'],
    outsideTerritory: spec.outsideTerritory ?? [],
    themes: spec.themes ?? ['COMMUNITY'],
    targetGroups: spec.targetGroups ?? ['YOUNG_PEOPLE'],
    granted: new Map(spec.granted ?? []),
    text: textProfile(text, null),
  };
}

const kake = (spec: Parameters<typeof project>[0] = {}) => project({ programmeId: 1, scheme: 'KAKE', ...spec });
const leader = (spec: Parameters<typeof project>[0] = {}) => project({ programmeId: 2, scheme: 'LEADER', postalCodes: ['71160'], ...spec });

const names: EvidenceNames = {
  organisation: (id) => ({ 10: { name: 'Esimerkki ry', businessId: '1234567-1' }, 11: { name: 'Toinen ry', businessId: null } })[id],
  postalArea: (code) => ({ '70870': 'Hiltulanlahti', '71160': 'Riistavesi' })[code],
  municipality: (code) => ({ '297': 'Kuopio' })[code],
  theme: (code) => code.toLowerCase(),
  targetGroup: (code) => code.toLowerCase(),
  territory: (programmeId) => (programmeId === 2 ? new Map([['71160', 'RURAL'], ['70870', 'RURAL']]) : new Map([['70100', 'URBAN'], ['70870', 'URBAN']])),
  programmeName: (programmeId) => (programmeId === 2 ? 'Kalakukko Leader' : 'Kake Kuopio'),
  textStatistics: null,
};

describe('signals', () => {
  it.each<[string, { start: string; end: string | null }, { start: string; end: string | null }, number | null]>([
    ['identical', { start: '2019-01-01', end: '2019-12-31' }, { start: '2019-01-01', end: '2019-12-31' }, 1],
    ['half of the shorter', { start: '2019-01-01', end: '2019-12-31' }, { start: '2019-07-02', end: '2021-12-31' }, 0.5],
    ['contained', { start: '2018-01-01', end: '2021-12-31' }, { start: '2019-01-01', end: '2019-06-30' }, 1],
    ['one day', { start: '2019-01-01', end: '2019-12-31' }, { start: '2019-12-31', end: '2020-12-31' }, 1 / 365],
    ['apart', { start: '2019-01-01', end: '2019-12-31' }, { start: '2020-01-01', end: '2020-12-31' }, null],
    ['open-ended', { start: '2019-01-01', end: null }, { start: '2020-01-01', end: '2020-12-31' }, 1],
  ])('PERIOD_OVERLAP: %s', (_name, a, b, share) => {
    const overlap = periodOverlap(a, b, '2026-11-30');
    if (share === null) expect(overlap).toBeNull();
    else expect(overlap!.share).toBeCloseTo(share, 2);
  });

  it.each<[string, Array<[string, number]>, Array<[string, number]>, boolean]>([
    ['ESR and EAFRD equal', [['ESR', 3_360_000]], [['EAFRD', 3_360_000]], true],
    ['within 1 %', [['ESR', 1_000_000]], [['EAFRD', 990_500]], true],
    ['1.2 % apart', [['ESR', 1_000_000]], [['EAFRD', 988_000]], false],
    ['nothing granted', [], [['EAFRD', 988_000]], false],
  ])('AMOUNT_MATCH: %s', (_name, a, b, matches) => {
    expect(amountMatch(new Map(a), new Map(b)) !== null).toBe(matches);
  });

  it.each<[string, Array<[number, RoleCode]>, Array<[number, RoleCode]>, { same: number[]; beneficiaries: number[]; partners: number[]; score: number }]>([
    ['lead in both', [[10, 'LEAD']], [[10, 'LEAD']], { same: [10], beneficiaries: [10], partners: [], score: 1 }],
    ['lead and partner', [[10, 'LEAD']], [[10, 'PARTNER']], { same: [10], beneficiaries: [], partners: [], score: 0.7 }],
    ['partner in both', [[10, 'PARTNER']], [[10, 'PARTNER']], { same: [], beneficiaries: [], partners: [10], score: 0 }],
    ['sub-grantee and lead', [[10, 'SUB_GRANTEE']], [[10, 'LEAD']], { same: [10], beneficiaries: [10], partners: [], score: 1 }],
    ['different organisations', [[10, 'LEAD']], [[11, 'LEAD']], { same: [], beneficiaries: [], partners: [], score: 0 }],
  ])('SAME_ORGANISATION / SHARED_PARTNER: %s', (_name, rolesA, rolesB, expected) => {
    const m = measure(kake({ roles: rolesA }), leader({ roles: rolesB }));
    expect({ same: m.sameOrganisations, beneficiaries: m.sharedBeneficiaries, partners: m.sharedPartners, score: m.sameOrganisationScore }).toEqual(expected);
  });

  it('SAME_AREA and NEIGHBOURING_AREA', () => {
    const shared = measure(kake({ postalCodes: ['70870', '70100'] }), leader({ postalCodes: ['70870'] }));
    expect([shared.sharedAreas, shared.areaScore]).toEqual([['70870'], 1]);
    const nearby = measure(kake({ postalCodes: ['70100'] }), leader({ postalCodes: ['71160'] }));
    expect([nearby.sharedAreas, nearby.sharedMunicipalities]).toEqual([[], ['297']]);
  });

  it('THEME and TARGET_GROUP are Jaccard indexes', () => {
    const m = measure(kake({ themes: ['A', 'B'], targetGroups: ['X'] }), leader({ themes: ['B', 'C'], targetGroups: ['Y'] }));
    expect([m.sharedThemes, m.themeScore, m.sharedTargetGroups, m.targetGroupScore]).toEqual([['B'], 1 / 3, [], 0]);
  });

  it('REGRANT_CHAIN: money through an umbrella and directly', () => {
    const pilot = kake({ id: 501, roles: [[10, 'LEAD']], parentId: 500 });
    const direct = leader({ id: 502, roles: [[10, 'LEAD']] });
    expect(measure(pilot, direct).regrant).toEqual({ organisationId: 10, viaProjectId: 501, directProjectId: 502 });
    const umbrella = kake({ id: 503, roles: [[10, 'SUB_GRANTEE']] });
    expect(measure(umbrella, direct).regrant).toEqual({ organisationId: 10, viaProjectId: 503, directProjectId: 502 });
    expect(measure(kake({ roles: [[10, 'LEAD']] }), direct).regrant).toBeNull();
  });

  it('TERRITORY_CONFLICT: an urban Kake project in a rural-only area', () => {
    const urbanInRural = kake({ postalCodes: ['71160'], outsideTerritory: ['71160'] });
    expect(territoryConflict(urbanInRural, leader(), names)).toMatchObject({ projectId: urbanInRural.id, postalCode: '71160', areaType: 'RURAL' });
    expect(territoryConflict(kake({ postalCodes: ['70870'] }), leader({ postalCodes: ['70870'] }), names)).toBeNull(); // a fringe area in both territories
  });
});

describe('kinds', () => {
  const lead = (id: number): Array<[number, RoleCode]> => [[id, 'LEAD']];
  // [name, a, b, expected kind]
  const cases: Array<[string, ProjectProfile, ProjectProfile, OverlapKind | null]> = [
    [
      '(c) same lead, same text, ESR and EAFRD: double funding',
      kake({ roles: lead(10), text: RECYCLING, granted: [['ESR', 3_360_000]] }),
      leader({ roles: lead(10), text: RECYCLING, granted: [['EAFRD', 3_360_000]] }),
      OverlapKind.DOUBLE_FUNDING_RISK,
    ],
    [
      'double funding across two Kake programmes (no divide crossed)',
      kake({ roles: lead(10), text: RECYCLING }),
      kake({ programmeId: 3, roles: lead(10), text: RECYCLING }),
      OverlapKind.DOUBLE_FUNDING_RISK,
    ],
    [
      '(b) different organisations, reworded youth project in a shared area: duplication',
      kake({ roles: lead(10), text: YOUTH_A, postalCodes: ['70870'] }),
      leader({ roles: lead(11), text: YOUTH_B, postalCodes: ['70870'] }),
      OverlapKind.DUPLICATION_RISK,
    ],
    [
      'the same youth texts in the same municipality, no shared area: related work, not duplication',
      kake({ roles: lead(10), text: YOUTH_A, postalCodes: ['70100'] }),
      leader({ roles: lead(11), text: YOUTH_B, postalCodes: ['71160'] }),
      OverlapKind.SYNERGY,
    ],
    [
      '(a) same lead, different work: same organisation, not a risk',
      kake({ roles: lead(10), text: FOOD }),
      leader({ roles: lead(10), text: RECYCLING }),
      OverlapKind.SAME_ORGANISATION,
    ],
    [
      '(d) shared partner, different work',
      kake({ roles: [[10, 'PARTNER'], [11, 'LEAD']], text: FOOD, themes: ['LOCAL_FOOD'] }),
      leader({ roles: [[10, 'PARTNER'], [12, 'LEAD']], text: RECYCLING, themes: ['EMPLOYMENT'] }),
      OverlapKind.SHARED_PARTNER,
    ],
    [
      'similar text, shared area, but periods apart (similar titles in another decade)',
      kake({ text: YOUTH_A, postalCodes: ['70870'], start: '2007-01-01', end: '2008-12-31' }),
      leader({ text: YOUTH_B, postalCodes: ['70870'], start: '2021-01-01', end: '2022-12-31' }),
      null,
    ],
    [
      'same area and period, other theme and text (hard negative)',
      kake({ roles: lead(10), text: FOOD, postalCodes: ['70870'], themes: ['LOCAL_FOOD'], targetGroups: ['FAMILIES'] }),
      leader({ roles: lead(11), text: RECYCLING, postalCodes: ['70870'], themes: ['EMPLOYMENT'], targetGroups: ['UNEMPLOYED'] }),
      null,
    ],
    [
      'same organisation and text inside one programme: not compared',
      kake({ roles: lead(10), text: RECYCLING }),
      kake({ roles: lead(10), text: RECYCLING }),
      null,
    ],
  ];
  it.each(cases)('%s', (_name, a, b, kind) => {
    const finding = scorePair(a, b, names);
    expect(finding?.kind ?? null).toBe(kind);
    if (finding) {
      expect(finding.score).toBeGreaterThan(0);
      expect(finding.score).toBeLessThanOrEqual(1);
      expect(finding.signals.length).toBeGreaterThan(1);
      expect(scorePair(b, a, names)).toEqual(finding); // symmetric
      expect(assessPair(a, b, names)!.score).toBe(finding.score); // ranking score = the evidence's total
    }
  });

  it('explains a double-funding finding in words', () => {
    const a = kake({ code: 'KAKE-1', roles: lead(10), text: RECYCLING, postalCodes: ['70870'], granted: [['ESR', 3_360_000]], start: '2018-09-01', end: '2020-08-31' });
    const b = leader({ code: 'LEADER-1', roles: lead(10), text: RECYCLING, postalCodes: ['70870'], granted: [['EAFRD', 3_360_000]], start: '2018-10-01', end: '2020-09-30' });
    const finding = scorePair(a, b, names)!;
    const evidence = Object.fromEntries(finding.signals.map((signal) => [signal.kind, signal.evidence]));
    expect(evidence[OverlapSignalKind.SAME_ORGANISATION]).toBe('shared organisation Esimerkki ry (1234567-1): lead in KAKE-1, lead in LEADER-1');
    expect(evidence[OverlapSignalKind.PERIOD_OVERLAP]).toBe('periods overlap 2018-10-01 – 2020-08-31 (96 % of the shorter)');
    expect(evidence[OverlapSignalKind.SAME_AREA]).toBe('shared postal area 70870 Hiltulanlahti');
    expect(evidence[OverlapSignalKind.AMOUNT_MATCH]).toBe('granted ESR 33 600,00 € in KAKE-1 and EAFRD 33 600,00 € in LEADER-1 (0.0 % apart)');
    expect(evidence[OverlapSignalKind.TEXT_SIMILARITY]).toMatch(/^titles 1\.00 similar, texts 1\.00 similar; shared words: /);
    expect(finding.score).toBe(totalScore(finding.signals));
    expect(classify(measure(a, b), a, b)).toBe(OverlapKind.DOUBLE_FUNDING_RISK);
  });
});

describe('candidate pairs', () => {
  it('come from shared keys with overlapping periods, never from all pairs', () => {
    // 300 projects in 30 municipalities, each in one of two programmes; periods in three decades.
    const profiles = Array.from({ length: 300 }, (_, i) =>
      project({ id: i + 1, programmeId: 1 + (i % 2), municipalities: [`m${i % 30}`], postalCodes: [`${70000 + (i % 30)}`], roles: [], start: `${2000 + 10 * (i % 3)}-01-01`, end: `${2000 + 10 * (i % 3) + 5}-12-31` }),
    );
    const pairs: Array<[number, number]> = [];
    const count = forEachCandidatePair(profiles, (i, j) => pairs.push([i, j]));
    expect(count).toBe(pairs.length);
    for (const [i, j] of pairs) {
      expect(i).toBeLessThan(j);
      expect(profiles[i].municipalities).toEqual(profiles[j].municipalities);
      expect(profiles[i].programmeId).not.toBe(profiles[j].programmeId);
      expect(profiles[i].start).toBe(profiles[j].start);
    }
    // Every such pair, exactly once: per municipality 10 projects, in 3 decades … brute force agrees.
    let expected = 0;
    for (let i = 0; i < 300; i++) {for (let j = i + 1; j < 300; j++) {
      const [a, b] = [profiles[i], profiles[j]];
      if (a.municipalities[0] === b.municipalities[0] && a.programmeId !== b.programmeId && a.start === b.start) expected++;
    }}
    expect(count).toBe(expected);
    expect(count).toBeLessThan((300 * 299) / 2 / 20);
  });
});

describe('the shortcut that skips measuring', () => {
  it('never drops a pair that classify would keep', () => {
    const codes = fc.subarray(['70100', '70870', '71160', '70780'], { minLength: 1 });
    const profileArb = fc.record({
      scheme: fc.constantFrom<'KAKE' | 'LEADER'>('KAKE', 'LEADER'),
      roles: fc.array(fc.tuple(fc.integer({ min: 10, max: 13 }), fc.constantFrom<RoleCode>('LEAD', 'PARTNER', 'SUB_GRANTEE')), { maxLength: 3 }),
      postalCodes: codes,
      themes: fc.subarray(['A', 'B', 'C']),
      text: fc.constantFrom(YOUTH_A, YOUTH_B, FOOD, RECYCLING),
    });
    fc.assert(
      fc.property(profileArb, profileArb, (x, y) => {
        const a = project({ ...x, programmeId: 1 });
        const b = project({ ...y, programmeId: 2 });
        if (cannotBeFinding(a, b)) expect(classify(measure(a, b), a, b)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});
