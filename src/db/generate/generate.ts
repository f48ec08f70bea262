/**
 * The national-scale synthetic data set (`silta generate`): pure, seeded, no database. Given the
 * Posti postal areas and the vocabularies, it returns organisations and programmes (small, in
 * memory) and the projects as a lazy sequence, so that 100 000 projects never sit in memory at once.
 *
 * Shape: a Kake programme (ESR + state + municipal, URBAN areas) for each larger city and period,
 * Leader programmes (EAFRD, RURAL areas) grouping the other municipalities of each region, in three
 * programme periods. A city's lowest postal codes are its URBAN core, its highest its RURAL
 * fringe, and a few in between (the "fringe") belong to both, as Kuopio's 70780 and 70870 do.
 *
 * Planted pairs, always one Kake and one Leader project, written to the ground truth:
 *  - DUPLICATION_RISK: the same work twice by different organisations, worded differently, in a
 *    shared fringe area and overlapping periods;
 *  - DOUBLE_FUNDING_RISK: the same, led by the same organisation, ESR via Kake and EAFRD via Leader;
 *  - SYNERGY: an urban and a rural project on the same theme and target group, in neighbouring
 *    areas and overlapping periods, by different organisations, with different content;
 *  - SAME_ORGANISATION: the same lead doing different work in both schemes at the same time;
 *  - SHARED_PARTNER: the same partner in projects of both schemes at the same time.
 * Hard negatives (resemble a kind but are not it):
 *  - SAME_AREA_PERIOD_OTHER_THEME: same fringe area and period, other themes and organisations;
 *  - SIMILAR_TITLE_OTHER_DECADE: similar title and content in the same area, 14 years apart;
 *  - the SAME_ORGANISATION pairs are also negatives for DUPLICATION_RISK and DOUBLE_FUNDING_RISK.
 * Organisations used by planted pairs ("bridges") take part in nothing else, and background
 * projects draw their organisations only from their own scheme's pool, so every organisation shared
 * across the Kake–Leader divide is one the ground truth names. Background projects of the same
 * theme can still resemble one another by chance; score a detector on the planted projects.
 */
import { FinnishBusinessIds } from 'finnish-business-ids';
import { createRandom, type Random } from './prng';
import { ORGANISATION_KINDS, ORGANISATION_NAMES, THEME_TEXTS, placeName, withSynonyms, type ThemeText } from './finnish-text';

/** The day the generated statuses are consistent with. */
export const GENERATED_AS_OF = '2025-06-30';
/** Every generated project and programme code starts with this, so generated rows are never mistaken for real ones. */
export const GENERATED_PREFIX = 'GEN-';

export const PERIODS = [
  { start: '2007-01-01', end: '2013-12-31', label: '2007' },
  { start: '2014-01-01', end: '2020-12-31', label: '2014' },
  { start: '2021-01-01', end: '2027-12-31', label: '2021' },
] as const;

/** Larger cities (municipality codes) that run a Kake programme. */
export const KAKE_CITIES = ['091', '049', '092', '837', '853', '564', '179', '297', '398', '609', '167', '405', '109', '905', '743', '698', '491', '285', '286', '272', '740', '205', '734', '638'];

export interface PostalAreaRef {
  postalCode: string;
  nameFi: string;
  municipalityCode: string;
  regionCode: string;
}

export interface GenerateOptions {
  projects: number;
  organisations: number;
  seed: number;
}

export interface OrganisationRow {
  id: number;
  name: string;
  type: string;
  business_id: string;
  association_register_number: string | null;
  home_municipality_code: string;
  postal_code: string;
  description: string;
}

export interface ProgrammeRow {
  id: number;
  code: string;
  name: string;
  scheme: 'KAKE' | 'LEADER';
  period_start: string;
  period_end: string;
  description: string;
}

export interface ProgrammeAreaRow {
  programme_id: number;
  postal_code: string;
  area_type: 'URBAN' | 'RURAL';
}

export interface ProjectRow {
  id: number;
  code: string;
  eura_code: string | null;
  hyrra_number: string | null;
  title: string;
  summary: string;
  purpose: string;
  status: string;
  planned_start: string;
  planned_end: string;
  actual_start: string | null;
  actual_end: string | null;
  programme_id: number;
}

export interface ParticipationRow {
  organisation_id: number;
  role: 'LEAD' | 'PARTNER';
  budget_share: string | null;
}

export interface FundingRow {
  source: string;
  planned: string;
  granted: string;
  paid: string;
  decision_date: string | null;
}

/** One project with everything that hangs on it. */
export interface ProjectBundle {
  project: ProjectRow;
  participations: ParticipationRow[];
  funding: FundingRow[];
  locations: string[];
  themes: string[];
  targetGroups: string[];
}

export type PlantedKind = 'DUPLICATION_RISK' | 'DOUBLE_FUNDING_RISK' | 'SYNERGY' | 'SAME_ORGANISATION' | 'SHARED_PARTNER';
export type HardNegativeKind = 'SAME_AREA_PERIOD_OTHER_THEME' | 'SIMILAR_TITLE_OTHER_DECADE';

export interface TruthPair {
  /** The Kake project's code, then the Leader project's. */
  projects: [string, string];
  kind: PlantedKind | HardNegativeKind;
  /** Planted overlap, or hard negative (resembles `notKinds` but is none of them). */
  planted: boolean;
  /** For a hard negative: the kinds a detector must not report for this pair. */
  notKinds: PlantedKind[];
  /** Other kinds this pair also rightly is (a double-funding pair has the same lead organisation). */
  alsoKinds: PlantedKind[];
  /** How the second project's wording and facts differ from the first's. */
  variations: string[];
  sharedOrganisation: string | null;
  sharedAreas: string[];
}

export interface GeneratedData {
  organisations: OrganisationRow[];
  programmes: ProgrammeRow[];
  programmeAreas: ProgrammeAreaRow[];
  /** Lazy: each call starts the same sequence again. */
  projects(): Iterable<ProjectBundle>;
  /** Filled while projects() is iterated; complete once it has run to the end. */
  truth: TruthPair[];
  /** Planted pairs that found no free slot (see takeSlot); known once projects() has run to the end. */
  slotCollisions(): number;
}

interface Territory {
  programmeIds: Map<string, number>; // period label → programme id
  areas: string[];
}

interface City {
  code: string;
  name: string;
  regionCode: string;
  urban: string[];
  fringe: string[];
  rural: string[];
  kake: Territory;
  leader: Territory;
  urbanPool: number[];
}

interface Lag {
  name: string;
  regionCode: string;
  leader: Territory;
  pool: number[];
  ruralAreas: string[];
}

const PAIR_CYCLE: ReadonlyArray<PlantedKind | HardNegativeKind> = [
  'DUPLICATION_RISK', 'SYNERGY', 'DOUBLE_FUNDING_RISK', 'SAME_AREA_PERIOD_OTHER_THEME', 'DUPLICATION_RISK',
  'SAME_ORGANISATION', 'SIMILAR_TITLE_OTHER_DECADE', 'SYNERGY', 'SHARED_PARTNER', 'DUPLICATION_RISK',
  'DOUBLE_FUNDING_RISK', 'SYNERGY', 'SAME_AREA_PERIOD_OTHER_THEME', 'SIMILAR_TITLE_OTHER_DECADE', 'SAME_ORGANISATION',
  'DUPLICATION_RISK', 'SHARED_PARTNER', 'DOUBLE_FUNDING_RISK', 'SYNERGY', 'DUPLICATION_RISK',
];
const NEEDS_BRIDGE = new Set(['DOUBLE_FUNDING_RISK', 'SAME_ORGANISATION', 'SHARED_PARTNER']);
/** About one project in twenty belongs to a planted pair or a hard negative. */
const PAIR_SHARE = 0.025;

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function addMonths(date: string, months: number): string {
  const [y, m] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10);
}

function euros(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Fictitious, valid, unique Y-tunnus values from a seed-dependent arithmetic sequence. */
function* businessIds(seed: number): Generator<string, void> {
  for (let base = 2_000_000 + (seed % 1000); base <= 9_999_999; base += 37) {
    const digits = String(base);
    const check = FinnishBusinessIds.calculateChecksum(digits);
    if (check < 0) continue; // remainder 1: no valid check digit for this base
    yield `${digits}-${check}`;
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function generateData(options: GenerateOptions, areas: readonly PostalAreaRef[], themeCodes: readonly string[], targetGroupCodes: readonly string[]): GeneratedData {
  const root = createRandom(options.seed);
  const themeTexts = THEME_TEXTS.filter((text) => themeCodes.includes(text.theme) && text.targetGroups.every((code) => targetGroupCodes.includes(code)));
  if (themeTexts.length < 3) throw new Error('generate: the database lacks the built-in themes and target groups');

  // ── Geography: cities (Kake) and local action groups (Leader) ─────────────────────
  const sorted = [...areas].sort((a, b) => a.postalCode.localeCompare(b.postalCode));
  const byMunicipality = new Map<string, PostalAreaRef[]>();
  for (const area of sorted) byMunicipality.set(area.municipalityCode, [...(byMunicipality.get(area.municipalityCode) ?? []), area]);
  const areaName = new Map(sorted.map((area) => [area.postalCode, placeName(area.nameFi)]));
  const areaByCode = new Map(sorted.map((area) => [area.postalCode, area]));

  const cities: City[] = [];
  for (const code of KAKE_CITIES) {
    const own = byMunicipality.get(code);
    if (!own || own.length < 3) continue;
    const urbanCount = Math.max(1, Math.ceil(own.length * 0.6));
    // Three fringe areas, more in large cities (up to eight): where the pairs are planted.
    const fringeCount = Math.min(Math.max(3, Math.min(8, Math.round(own.length * 0.12))), own.length - urbanCount);
    const codes = own.map((area) => area.postalCode);
    cities.push({
      code,
      name: placeName(own[0].nameFi),
      regionCode: own[0].regionCode,
      urban: codes.slice(0, urbanCount),
      fringe: codes.slice(urbanCount, urbanCount + fringeCount),
      rural: codes.slice(urbanCount + fringeCount),
      kake: { programmeIds: new Map(), areas: [] },
      leader: { programmeIds: new Map(), areas: [] },
      urbanPool: [],
    });
  }
  const cityCodes = new Set(cities.map((city) => city.code));
  const lags: Lag[] = [];
  const regions = [...new Set(sorted.map((area) => area.regionCode))].sort();
  for (const region of regions) {
    const municipalities = [...byMunicipality.keys()].filter((code) => !cityCodes.has(code) && byMunicipality.get(code)![0].regionCode === region).sort();
    chunk(municipalities, 6).forEach((group, index) => {
      const ruralAreas = group.flatMap((code) => byMunicipality.get(code)!.map((area) => area.postalCode));
      lags.push({ name: `${placeName(byMunicipality.get(group[0])![0].nameFi)}n seudun Leader ${index + 1}`.replace('nn ', 'n '), regionCode: region, leader: { programmeIds: new Map(), areas: ruralAreas }, pool: [], ruralAreas });
    });
  }
  // A city's fringe and rural tail go to its region's first local action group, or one of its own.
  for (const city of cities) {
    let lag = lags.find((candidate) => candidate.regionCode === city.regionCode);
    if (!lag) {
      lag = { name: `${city.name}n maaseudun Leader`, regionCode: city.regionCode, leader: { programmeIds: new Map(), areas: [] }, pool: [], ruralAreas: [] };
      lags.push(lag);
    }
    city.kake.areas = [...city.urban, ...city.fringe];
    lag.leader.areas.push(...city.fringe, ...city.rural);
    city.leader = lag.leader;
  }
  const lagOfCity = new Map(cities.map((city) => [city.code, lags.find((lag) => lag.leader === city.leader)!]));

  // ── Programmes ──────────────────────────────────────────────────────────────────
  const programmes: ProgrammeRow[] = [];
  const programmeAreas: ProgrammeAreaRow[] = [];
  const addProgramme = (scheme: 'KAKE' | 'LEADER', key: string, name: string, territory: Territory, urban: ReadonlySet<string>) => {
    for (const period of PERIODS) {
      const id = programmes.length + 1;
      const endYear = period.end.slice(0, 4);
      programmes.push({
        id,
        code: `${GENERATED_PREFIX}${scheme}-${key}-${period.label}`,
        name: `${name} ${period.start.slice(0, 4)}–${endYear}`,
        scheme,
        period_start: period.start,
        period_end: period.end,
        description: scheme === 'KAKE'
          ? `Kaupunkien kestävän kehittämisen ohjelma (ESR, valtio ja kunta), ${name}. Synteettinen aineisto.`
          : `Leader-toimintaryhmän ohjelma maaseudulle (maaseuturahasto EAFRD), ${name}. Synteettinen aineisto.`,
      });
      territory.programmeIds.set(period.label, id);
      for (const code of [...new Set(territory.areas)].sort()) {
        programmeAreas.push({ programme_id: id, postal_code: code, area_type: scheme === 'KAKE' && urban.has(code) ? 'URBAN' : 'RURAL' });
      }
    }
  };
  for (const city of cities) addProgramme('KAKE', city.code, `Kake ${city.name}`, city.kake, new Set(city.kake.areas));
  lags.forEach((lag, index) => addProgramme('LEADER', pad(index + 1, 3), lag.name, lag.leader, new Set()));
  // Kake areas are URBAN (the fringe included); Leader areas RURAL: the fringe is in both.

  // ── Organisations ───────────────────────────────────────────────────────────────
  const orgRandom = root.fork('organisations');
  const cycle = Array.from({ length: Math.floor(options.projects * PAIR_SHARE) }, (_, j) => PAIR_CYCLE[j % PAIR_CYCLE.length]);
  const bridgeCount = Math.min(Math.floor(options.organisations / 4), cycle.filter((kind) => NEEDS_BRIDGE.has(kind)).length);
  const units: Array<{ kind: 'city'; city: City } | { kind: 'lag'; lag: Lag }> = [];
  for (let i = 0; i < Math.max(cities.length, lags.length); i += 1) {
    if (i < cities.length) units.push({ kind: 'city', city: cities[i] });
    if (i < lags.length) units.push({ kind: 'lag', lag: lags[i] });
  }
  const ids = businessIds(options.seed);
  const names = new Set<string>();
  const organisations: OrganisationRow[] = [];
  const bridges: number[] = [];
  const urbanAll: number[] = [];
  const ruralAll: number[] = [];
  for (let i = 0; i < options.organisations; i += 1) {
    const id = i + 1;
    const bridge = i < bridgeCount;
    const unit = units[i % units.length];
    const homeAreas = bridge
      ? cities[i % cities.length].fringe
      : unit.kind === 'city' ? unit.city.urban : unit.lag.ruralAreas.length ? unit.lag.ruralAreas : unit.lag.leader.areas;
    const postalCode = orgRandom.pick(homeAreas);
    const area = areaByCode.get(postalCode)!;
    const type = orgRandom.pick(['ASSOCIATION', 'ASSOCIATION', 'ASSOCIATION', 'ASSOCIATION', 'COMPANY', 'FOUNDATION', 'EDUCATIONAL', 'PARISH'] as const);
    const kindWord = orgRandom.pick(ORGANISATION_KINDS[type]);
    const suffix = type === 'ASSOCIATION' ? ' ry' : type === 'COMPANY' ? ' Oy' : type === 'FOUNDATION' ? ' sr' : '';
    const core = `${kindWord} ${orgRandom.pick(ORGANISATION_NAMES)}`;
    let name = `${core}${suffix}`;
    for (let n = 1; names.has(name); n += 1) name = `${core}, ${areaName.get(postalCode)}${n > 1 ? ` ${n}` : ''}${suffix}`;
    names.add(name);
    const next = ids.next();
    if (next.done) throw new Error('generate: ran out of business IDs');
    organisations.push({
      id,
      name,
      type,
      business_id: next.value,
      association_register_number: type === 'ASSOCIATION' ? String(100000 + ((id * 7919) % 899999)) : null,
      home_municipality_code: area.municipalityCode,
      postal_code: postalCode,
      description: `${kindWord}, kotipaikka ${placeName(area.nameFi)}. Synteettinen aineisto.`,
    });
    if (bridge) bridges.push(id);
    else if (unit.kind === 'city') {
      unit.city.urbanPool.push(id);
      urbanAll.push(id);
    } else {
      unit.lag.pool.push(id);
      ruralAll.push(id);
    }
  }
  if (urbanAll.length < 5 || ruralAll.length < 5) throw new Error('generate: too few organisations for the projects; give more --organisations');

  const truth: TruthPair[] = [];
  let slotCollisions = 0;
  const programmeIdsOf = (territory: Territory, period: (typeof PERIODS)[number]) => territory.programmeIds.get(period.label)!;

  // ── Projects ────────────────────────────────────────────────────────────────────
  function* projects(): Generator<ProjectBundle, void> {
    truth.length = 0;
    const random = root.fork('projects');
    let nextId = 1;
    let bridgeIndex = 0;
    const takeBridge = () => bridges[bridgeIndex++ % Math.max(1, bridges.length)] ?? random.pick(urbanAll);
    const codeOf = (id: number, scheme: string) => `${GENERATED_PREFIX}${scheme}-${pad(id, 6)}`;

    interface Spec {
      scheme: 'KAKE' | 'LEADER';
      programmeId: number;
      text: ThemeText;
      extraThemes: string[];
      title: string;
      summary: string;
      start: string;
      months: number;
      locations: string[];
      lead: number;
      partners: number[];
      visible: boolean;
    }

    // Fringe areas are where pairs are planted; background projects stay out of them.
    // Planted pairs also use two urban and two rural areas of their city besides the fringe; no
    // background project goes there either, or it could copy a planted project's work in its area
    // and make a duplicate the ground truth does not list.
    const plantingUrban = new Map(cities.map((city) => [city.code, city.urban.length > 3 ? city.urban.slice(-2) : city.urban]));
    const plantingRural = new Map(cities.map((city) => {
      const lag = lagOfCity.get(city.code)!;
      const rural = city.rural.length ? city.rural : lag.ruralAreas.length ? lag.ruralAreas : city.fringe;
      return [city.code, rural.length > 3 ? rural.slice(0, 2) : rural];
    }));
    const plantingAreas = new Set(cities.flatMap((city) => [...city.fringe, ...plantingUrban.get(city.code)!, ...plantingRural.get(city.code)!]));
    const unplanted = (codes: readonly string[]) => {
      const free = codes.filter((code) => !plantingAreas.has(code));
      return free.length ? free : codes;
    };
    const slots = new Map<string, Array<[string, string]>>();
    const pickPeriod = (r: Random) => (r.next() < 0.2 ? PERIODS[0] : r.next() < 0.5 ? PERIODS[1] : PERIODS[2]);
    const startIn = (r: Random, period: (typeof PERIODS)[number]) => addMonths(period.start, r.int(0, 66));
    const fill = (template: string, place: string) => template.replace('{place}', place);
    const summaryOf = (text: ThemeText, ideas: number[], rewritten: boolean) => ideas.map((i) => text.ideas[i][rewritten ? 1 : 0]).join(' ');
    const partnersFrom = (r: Random, pool: readonly number[], fallback: readonly number[], lead: number, count: number) => {
      const source = pool.length > count + 1 ? pool : fallback;
      return r.sample(source.filter((id) => id !== lead), count);
    };

    const build = (spec: Spec): ProjectBundle => {
      const id = nextId++;
      const plannedStart = spec.start;
      const plannedEnd = addDays(addMonths(plannedStart, spec.months), -1);
      let status: string;
      if (plannedEnd < GENERATED_AS_OF) status = spec.visible ? 'COMPLETED' : random.pick(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'CANCELLED', 'REJECTED']);
      else if (plannedStart <= GENERATED_AS_OF) status = 'ONGOING';
      else status = spec.visible ? 'APPROVED' : random.pick(['APPROVED', 'SUBMITTED', 'SUBMITTED', 'DRAFT']);
      const started = status === 'ONGOING' || status === 'COMPLETED' || (status === 'CANCELLED');
      const budget = random.int(200, 4000) * 10_000; // 20 000 – 400 000 €, in cents
      const granted = ['APPROVED', 'ONGOING', 'COMPLETED', 'CANCELLED'].includes(status);
      const paidRatio = status === 'COMPLETED' ? 1 : status === 'ONGOING' ? 0.4 : status === 'CANCELLED' ? 0.2 : 0;
      const decisionDate = ['APPROVED', 'ONGOING', 'COMPLETED', 'CANCELLED', 'REJECTED'].includes(status) ? addDays(plannedStart, -random.int(20, 90)) : null;
      const split: Array<[string, number]> = spec.scheme === 'KAKE'
        ? [['ESR', 0.6], ['STATE', 0.25], ...(random.chance(0.3) ? [['MUNICIPAL', 0.15] as [string, number]] : [])]
        : [['EAFRD', 0.42], ['STATE', 0.38], ...(random.chance(0.25) ? [['PRIVATE', 0.2] as [string, number]] : [])];
      const funding = split.map(([source, share]): FundingRow => {
        const planned = Math.round((budget * share) / 100) * 100;
        const grantedCents = granted ? planned : 0;
        return { source, planned: euros(planned), granted: euros(grantedCents), paid: euros(Math.round(grantedCents * paidRatio)), decision_date: decisionDate };
      });
      return {
        project: {
          id,
          code: codeOf(id, spec.scheme),
          eura_code: spec.scheme === 'KAKE' ? `GS${pad(id, 7)}` : null,
          hyrra_number: spec.scheme === 'LEADER' ? `G${pad(id, 7)}` : null,
          title: spec.title,
          summary: spec.summary,
          purpose: spec.text.purpose,
          status,
          planned_start: plannedStart,
          planned_end: plannedEnd,
          actual_start: started ? plannedStart : null,
          actual_end: status === 'COMPLETED' ? plannedEnd : null,
          programme_id: spec.programmeId,
        },
        participations: [
          { organisation_id: spec.lead, role: 'LEAD', budget_share: euros(Math.round(budget * 0.7)) },
          ...spec.partners.map((organisation_id): ParticipationRow => ({ organisation_id, role: 'PARTNER', budget_share: null })),
        ],
        funding,
        locations: [...new Set(spec.locations)].sort(),
        themes: [...new Set([spec.text.theme, ...spec.extraThemes])],
        targetGroups: [...spec.text.targetGroups],
      };
    };

    const background = (): ProjectBundle => {
      const r = random;
      const text = r.pick(themeTexts);
      const period = pickPeriod(r);
      const urban = r.chance(0.45);
      let spec: Spec;
      const ideas = r.sample([0, 1, 2, 3], r.int(2, 3)).sort();
      const template = r.pick(text.titles)[r.int(0, 1)];
      const base = {
        text,
        extraThemes: r.chance(0.3) ? [r.pick(themeTexts).theme] : [],
        summary: summaryOf(text, ideas, r.chance(0.5)),
        start: startIn(r, period),
        months: r.int(6, 36),
        partners: [] as number[],
        visible: false,
      };
      if (urban) {
        const city = r.pick(cities);
        const locations = r.sample(unplanted(city.urban), r.int(1, 3));
        const lead = city.urbanPool.length ? r.pick(city.urbanPool) : r.pick(urbanAll);
        spec = { ...base, scheme: 'KAKE', programmeId: programmeIdsOf(city.kake, period), title: fill(template, areaName.get(locations[0])!), locations, lead };
        spec.partners = partnersFrom(r, city.urbanPool, urbanAll, lead, r.int(0, 4));
      } else {
        const lag = r.pick(lags);
        const rural = unplanted(lag.ruralAreas.length ? lag.ruralAreas : lag.leader.areas);
        const locations = r.sample(rural, r.int(1, 3));
        const lead = lag.pool.length ? r.pick(lag.pool) : r.pick(ruralAll);
        spec = { ...base, scheme: 'LEADER', programmeId: programmeIdsOf(lag.leader, period), title: fill(template, areaName.get(locations[0])!), locations, lead };
        spec.partners = partnersFrom(r, lag.pool, ruralAll, lead, r.int(0, 4));
      }
      return build(spec);
    };

    /**
     * A planted pair takes a slot: a fringe area and theme that no other planted pair uses at an
     * overlapping time (a pair occupies up to four years from its start). Otherwise two pairs of the
     * same work in the same place would be duplicates of each other that the ground truth does not
     * list. After 50 tries the last pick is taken (and counted in `slotCollisions`).
     */
    const takeSlot = (r: Random, kind: PlantedKind | HardNegativeKind) => {
      const fringeCities = cities.filter((candidate) => candidate.fringe.length > 0);
      const free = (key: string, from: string, until: string) => (slots.get(key) ?? []).every(([f, u]) => until <= f || from >= u);
      let pick!: { city: City; fringe: string; text: ThemeText; period: (typeof PERIODS)[number]; start: string; other: ThemeText; laterStart: string };
      for (let attempt = 0; attempt < 200; attempt++) {
        const city = r.pick(fringeCities);
        const period = kind === 'SIMILAR_TITLE_OTHER_DECADE' ? PERIODS[0] : r.pick([PERIODS[1], PERIODS[2]]);
        const text = r.pick(themeTexts);
        const start = startIn(r, period);
        // The second project of a hard negative sits in the same fringe area too: its slot counts.
        const unrelated = themeTexts.filter((candidate) => candidate.theme !== text.theme && candidate.targetGroups.every((code) => !text.targetGroups.includes(code)));
        const other = r.pick(unrelated.length ? unrelated : themeTexts.filter((candidate) => candidate.theme !== text.theme));
        let laterStart = addMonths(start, 14 * 12);
        if (laterStart > addMonths(PERIODS[2].end, -24)) laterStart = addMonths(PERIODS[2].start, r.int(0, 36));
        pick = { city, fringe: r.pick(city.fringe), text, period, start, other, laterStart };
        const wanted: Array<[string, string]> = [[`${pick.fringe}:${text.theme}`, start]];
        if (kind === 'SAME_AREA_PERIOD_OTHER_THEME') wanted.push([`${pick.fringe}:${other.theme}`, start]);
        if (kind === 'SIMILAR_TITLE_OTHER_DECADE') wanted.push([`${pick.fringe}:${text.theme}`, laterStart]);
        if (wanted.every(([key, from]) => free(key, from, addMonths(from, 48)))) {
          for (const [key, from] of wanted) slots.set(key, [...(slots.get(key) ?? []), [from, addMonths(from, 48)]]);
          return pick;
        }
      }
      slotCollisions += 1;
      return pick;
    };

    const pair = (kind: PlantedKind | HardNegativeKind): [ProjectBundle, ProjectBundle] => {
      const r = random;
      const { city, fringe, text, period, start, other: otherText, laterStart } = takeSlot(r, kind);
      const lag = lagOfCity.get(city.code)!;
      const ruralAreas = plantingRural.get(city.code)!;
      const urbanAreas = plantingUrban.get(city.code)!;
      const urbanLead = city.urbanPool.length ? r.pick(city.urbanPool) : r.pick(urbanAll);
      const ruralLead = lag.pool.length ? r.pick(lag.pool) : r.pick(ruralAll);
      const months = r.int(18, 36);
      const titleIndex = r.int(0, text.titles.length - 1);
      const ideas = r.sample([0, 1, 2, 3], 3).sort();
      const a: Spec = {
        scheme: 'KAKE', programmeId: programmeIdsOf(city.kake, period), text, extraThemes: [], visible: true,
        title: fill(text.titles[titleIndex][0], areaName.get(fringe)!), summary: summaryOf(text, ideas, false),
        start, months, locations: [fringe], lead: urbanLead, partners: partnersFrom(r, city.urbanPool, urbanAll, urbanLead, r.int(0, 2)),
      };
      const b: Spec = { ...a, scheme: 'LEADER', programmeId: programmeIdsOf(city.leader, period), lead: ruralLead, partners: partnersFrom(r, lag.pool, ruralAll, ruralLead, r.int(0, 2)) };
      const variations: string[] = [];
      let sharedOrganisation: number | null = null;
      let notKinds: PlantedKind[] = [];
      let alsoKinds: PlantedKind[] = [];
      const shiftPeriod = () => {
        const shift = r.int(1, 8);
        b.start = addMonths(a.start, shift);
        b.months = a.months + r.int(-4, 6);
        variations.push(`period shifted by ${shift} months (partly overlapping)`);
      };
      const reword = () => {
        // Two or three of the ways people say the same thing differently.
        const ways = r.sample(['synonyms', 'inflection', 'reordered', 'rewritten', 'copied'], r.int(2, 3));
        // A copied summary comes with a reworded title, or the pair would be an exact duplicate.
        if (ways.includes('copied') && !ways.includes('inflection')) ways.push('inflection');
        let summaryIdeas = ideas;
        if (ways.includes('reordered')) summaryIdeas = [...ideas].reverse();
        b.summary = summaryOf(text, summaryIdeas, ways.includes('rewritten'));
        if (ways.includes('copied')) b.summary = a.summary;
        if (ways.includes('synonyms')) b.summary = withSynonyms(b.summary);
        b.title = fill(text.titles[titleIndex][ways.includes('inflection') ? 1 : 0], areaName.get(fringe)!);
        if (ways.includes('synonyms')) b.title = withSynonyms(b.title);
        variations.push(...ways.map((way) => `summary/title ${way}`));
      };
      const partlySharedAreas = () => {
        a.locations = [fringe, r.pick(urbanAreas)];
        b.locations = [fringe, r.pick(ruralAreas)];
        variations.push('areas partly shared (one fringe area in common)');
      };
      const otherWork = () => {
        const other = otherText;
        const otherIdeas = r.sample([0, 1, 2, 3], 3).sort();
        b.text = other;
        b.title = fill(r.pick(other.titles)[0], areaName.get(b.locations[0])!);
        b.summary = summaryOf(other, otherIdeas, false);
        variations.push(`other theme (${other.theme}) and content`);
      };

      switch (kind) {
        case 'DUPLICATION_RISK':
          reword();
          shiftPeriod();
          partlySharedAreas();
          break;
        case 'DOUBLE_FUNDING_RISK':
          sharedOrganisation = takeBridge();
          a.lead = sharedOrganisation;
          b.lead = sharedOrganisation;
          a.partners = a.partners.filter((id) => id !== sharedOrganisation);
          b.partners = b.partners.filter((id) => id !== sharedOrganisation);
          reword();
          shiftPeriod();
          if (r.chance(0.5)) partlySharedAreas();
          alsoKinds = ['SAME_ORGANISATION', 'DUPLICATION_RISK'];
          variations.push('same lead organisation; ESR via Kake and EAFRD via Leader');
          break;
        case 'SYNERGY': {
          // Complementary, not duplicates: same theme and target group, different ideas and titles.
          const urbanArea = r.pick(urbanAreas);
          const ruralArea = r.pick(ruralAreas);
          a.locations = [urbanArea];
          b.locations = [ruralArea];
          a.title = fill(text.titles[titleIndex][0], areaName.get(urbanArea)!);
          b.title = fill(text.titles[(titleIndex + 1) % text.titles.length][0], areaName.get(ruralArea)!);
          const [first, second] = [r.sample([0, 1, 2, 3], 2).sort(), [] as number[]];
          for (const i of [0, 1, 2, 3]) if (!first.includes(i)) second.push(i);
          a.summary = summaryOf(text, first, false);
          b.summary = summaryOf(text, second, false);
          shiftPeriod();
          variations.push('urban and rural neighbouring areas', 'same theme and target group, complementary content');
          break;
        }
        case 'SAME_ORGANISATION':
          sharedOrganisation = takeBridge();
          a.lead = sharedOrganisation;
          b.lead = sharedOrganisation;
          a.partners = a.partners.filter((id) => id !== sharedOrganisation);
          b.partners = b.partners.filter((id) => id !== sharedOrganisation);
          a.locations = [r.pick(urbanAreas)];
          b.locations = [r.pick(ruralAreas)];
          otherWork();
          shiftPeriod();
          notKinds = ['DUPLICATION_RISK', 'DOUBLE_FUNDING_RISK'];
          variations.push('same lead organisation, different work');
          break;
        case 'SHARED_PARTNER':
          sharedOrganisation = takeBridge();
          a.partners = [...a.partners.filter((id) => id !== sharedOrganisation), sharedOrganisation];
          b.partners = [...b.partners.filter((id) => id !== sharedOrganisation), sharedOrganisation];
          a.locations = [r.pick(urbanAreas)];
          b.locations = [r.pick(ruralAreas)];
          otherWork();
          shiftPeriod();
          notKinds = ['DUPLICATION_RISK', 'DOUBLE_FUNDING_RISK'];
          variations.push('same partner organisation, different leads and work');
          break;
        case 'SAME_AREA_PERIOD_OTHER_THEME':
          otherWork();
          notKinds = ['DUPLICATION_RISK', 'DOUBLE_FUNDING_RISK', 'SYNERGY'];
          variations.push('same area and period');
          break;
        case 'SIMILAR_TITLE_OTHER_DECADE': {
          const later = PERIODS[2];
          b.programmeId = programmeIdsOf(city.leader, later);
          b.start = laterStart;
          b.title = fill(text.titles[titleIndex][1], areaName.get(fringe)!);
          b.summary = summaryOf(text, ideas, true);
          notKinds = ['DUPLICATION_RISK', 'DOUBLE_FUNDING_RISK', 'SYNERGY'];
          variations.push(`same area, similar title and content, ${a.start.slice(0, 4)} vs ${b.start.slice(0, 4)}`);
          break;
        }
      }
      const planted = kind !== 'SAME_AREA_PERIOD_OTHER_THEME' && kind !== 'SIMILAR_TITLE_OTHER_DECADE';
      const first = build(a);
      const second = build(b);
      truth.push({
        projects: [first.project.code, second.project.code],
        kind,
        planted,
        notKinds,
        alsoKinds,
        variations,
        sharedOrganisation: sharedOrganisation === null ? null : organisations[sharedOrganisation - 1].business_id,
        sharedAreas: first.locations.filter((code) => second.locations.includes(code)),
      });
      return [first, second];
    };

    const stride = cycle.length ? Math.max(2, Math.floor(options.projects / cycle.length)) : Number.POSITIVE_INFINITY;
    let produced = 0;
    let pairIndex = 0;
    while (produced < options.projects) {
      if (pairIndex < cycle.length && produced % stride < 2 && options.projects - produced >= 2) {
        const [first, second] = pair(cycle[pairIndex++]);
        yield first;
        yield second;
        produced += 2;
      } else {
        yield background();
        produced += 1;
      }
    }
  }

  return { organisations, programmes, programmeAreas, projects: () => projects(), truth, slotCollisions: () => slotCollisions };
}
