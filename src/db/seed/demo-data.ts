/**
 * Deterministic demo data for Silta, loaded once into an empty database.
 *
 * Everything here is fictitious demo content (isDemo = true on every organisation, programme and
 * project): names of the real programmes and public bodies are kept, but all people, business IDs,
 * projects, amounts and decisions are invented. The data describes the situation as on
 * DEMO_AS_OF (30.9.2019), in the middle of Kake Kuopio 2018–2020, so that every status from DRAFT
 * to COMPLETED is consistent with its dates.
 *
 * Content (specs in demo-organisations.ts, demo-programmes.ts and demo-projects.ts):
 *  - parent programmes: the structural-fund programme (ESR/ERDF) and the rural development programme;
 *  - Kake Kuopio 2014–2017 (pilot, 21 small experiments), Kake Kuopio 2018–2020, Kalakukko ry
 *    Leader 2014–2020 and sister Kake programmes in Joensuu, Mikkeli and Savonlinna;
 *  - territories: Kake Kuopio covers the urban 70xxx areas of Kuopio (URBAN), Kalakukko Leader the
 *    rural 71xxx–73xxx areas (RURAL); the fringe areas 70780 and 70870 HILTULANLAHTI are in BOTH;
 *  - KAKE-KUO-2018-01 is an umbrella project re-granting to pilots KAKE-KUO-2018-01-K01…K06
 *    (parent set). A pilot's sub-grant is recorded as the budgetShare of its lead's SUB_GRANTEE
 *    participation on the umbrella (only for granted pilots; K06 has only applied) and of its LEAD
 *    participation on the pilot; pilots carry only an IN_KIND funding line, so that ESR/STATE money
 *    is counted once, on the umbrella.
 *
 * Planted overlaps across the Kake–Leader divide (later features must detect them):
 *  (a) Same organisation, both schemes, overlapping periods, different work:
 *      Kuopion Seudun Marttayhdistys ry leads KAKE-KUO-2018-03 "Arjen taidot ja ruokaosaaminen
 *      Petosella" (2018-03-01 – 2019-12-31) and LEADER-KAK-2018-02 "Lähiruokaa ja
 *      kotitalousneuvontaa kylille" (2018-06-01 – 2020-05-31). Near miss: Monikulttuurinen yhdistys
 *      Kotipesä ry (Kake lead in KAKE-KUO-2018-09 and others) applied for LEADER-KAK-2019-06, REJECTED.
 *  (b) Near-identical youth projects in the fringe area 70870 HILTULANLAHTI: KAKE-KUO-2018-02
 *      "Nuorten olohuone Hiltulanlahdessa" (2018-08-01 – 2020-06-30, Kuopion Nuorisoverkosto ry) and
 *      LEADER-KAK-2018-01 "Nuorten kohtaamispaikka Hiltulanlahti" (2018-10-01 – 2020-09-30,
 *      Hiltulanlahden Kyläyhdistys ry): same themes (YOUTH_PARTICIPATION, COMMUNITY), same target
 *      group (YOUNG_PEOPLE), summaries sharing stems (nuoret/nuorten/nuorille, osallisuus,
 *      yhteisöllisyys, kohtaamispaikka). Background: LEADER-KAK-2016-06 (Hiltulanlahden kyläsuunnitelma)
 *      named the youth meeting place as the village's first priority.
 *  (c) Possible double funding of the same work, in the fringe area 70780: KAKE-KUO-2018-04
 *      "Työpajalla töihin – kierrätysverstas Jynkässä" (ESR granted 33600.00, 2018-09-01 – 2020-08-31)
 *      and LEADER-KAK-2018-03 "Kierrätysverstas työllistää – paja Jynkän–Vanuvuoren laidalla"
 *      (EAFRD granted 33600.00, 2018-10-01 – 2020-09-30): same lead (Kierrätyspaja Kiertokuu ry,
 *      same Y-tunnus), identical summary, near-identical purpose, matching granted EU amounts.
 *  (d) Shared partners across schemes: Kuopion Seudun 4H-yhdistys ry (KAKE-KUO-2018-02,
 *      LEADER-KAK-2018-01, LEADER-KAK-2017-03; lead of KAKE-KUO-2017-02 and KAKE-KUO-2019-02),
 *      Itä-Suomen kansanopisto (KAKE-KUO-2016-06, KAKE-KUO-2018-07, LEADER-KAK-2015-03,
 *      LEADER-KAK-2018-05), Kuopion ev.-lut. seurakuntayhtymä (KAKE-KUO-2015-02, KAKE-KUO-2017-01,
 *      KAKE-KUO-2018-10, LEADER-KAK-2018-01; lead of KAKE-KUO-2019-09), Savon Makuja Oy
 *      (KAKE-KUO-2018-05, LEADER-KAK-2017-01, LEADER-KAK-2018-04).
 *  (e) Synergy pairs (complementary, not duplicates): KAKE-KUO-2018-05 "Lähiruokatori Petosella"
 *      (urban market, 70820) ↔ LEADER-KAK-2018-04 "Kylien lähiruoka kaupunkiin" (rural producers
 *      selling at that market), overlapping 2019–2020, theme LOCAL_FOOD, shared partner Savon Makuja Oy;
 *      and KAKE-KUO-2018-07 "Ikäihmisten digituki kaupunginosissa" ↔ LEADER-KAK-2018-05 "Kylien
 *      digikummit – ikäihmisten digituki kylätaloilla" (urban vs rural areas, shared materials and
 *      partner Itä-Suomen kansanopisto).
 *
 * Finnish search test text: nuoret, nuorten, nuorille, yhteisöllisyys, kylätalo, ikäihmiset; titles
 * with ä/ö/å ("Kesäöiden yhteislaulut – Allsång på Väinölänniemi", KAKE-KUO-2017-01); emoji in the
 * summaries of KAKE-KUO-2015-03 (🎸) and KAKE-KUO-2019-04 (🌱).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { FinnishBusinessIds } from 'finnish-business-ids';
import type { Logger } from 'pino';
import { FundingLine } from '../../modules/funding/funding-line.entity';
import { FundingSource } from '../../modules/funding/funding.enums';
import { PostalAreaKind } from '../../modules/geography/geography.enums';
import { ContactPerson } from '../../modules/organisation/contact-person.entity';
import { ExternalId } from '../../modules/organisation/external-id.entity';
import { Organisation } from '../../modules/organisation/organisation.entity';
import { OrganisationType } from '../../modules/organisation/organisation.enums';
import {
  ProgrammeArea,
  ProgrammeCeiling,
  ProgrammeDecision,
  ProgrammeFunder,
  ProgrammeObjective,
} from '../../modules/programme/programme-parts.entity';
import { Programme } from '../../modules/programme/programme.entity';
import { Scheme } from '../../modules/programme/programme.enums';
import { Participation } from '../../modules/project/participation.entity';
import { Project, ProjectLocation, ProjectTargetGroup, ProjectTheme } from '../../modules/project/project.entity';
import { ParticipationRole, ProjectStatus } from '../../modules/project/project.enums';
import { TargetGroup, Theme } from '../../modules/project/vocabulary.entity';
import { ORGANISATIONS, type ExternalSystem, type OrganisationSpec } from './demo-organisations';
import { PROGRAMMES, type ProgrammeSpec } from './demo-programmes';
import { PROJECTS, type ProjectSpec } from './demo-projects';

/** The day the demo data describes: statuses and dates are consistent with it. */
export const DEMO_AS_OF = '2019-09-30';

// ── Small deterministic helpers ─────────────────────────────────────────────────────

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** 2.10.2017 */
function finnishDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${d}.${m}.${y}`;
}

function euros(cents: number): string {
  if (!Number.isInteger(cents) || cents < 0) throw new Error(`demo data: bad amount ${cents} cents`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[äå]/g, 'a')
    .replace(/ö/g, 'o')
    .replace(/[^a-z0-9]+/g, '');
}

function fail(message: string): never {
  throw new Error(`demo data: ${message}`);
}

function need<T>(map: Map<string, T>, key: string, what: string): T {
  const value = map.get(key);
  if (value === undefined) fail(`unknown ${what} "${key}"`);
  return value;
}

/** Fictitious, valid and unique Y-tunnus values: 7 digits from a fixed sequence plus the check digit. */
function* businessIds(): Generator<string, void> {
  for (let base = 3951003; base <= 9999999; base += 47) {
    const digits = String(base);
    const check = FinnishBusinessIds.calculateChecksum(digits);
    if (check < 0) continue; // remainder 1: no valid check digit for this base
    const id = `${digits}-${check}`;
    if (!FinnishBusinessIds.isValidBusinessId(id)) fail(`generated invalid business ID ${id}`);
    yield id;
  }
}

const EXTERNAL_ID_FORMAT: Record<ExternalSystem, (n: number) => string> = {
  EURA: (n) => `E${70000 + n * 131}`,
  HYRRA: (n) => `A${5100000 + n * 977}`,
  KOHESIO: (n) => `FI-BEN-${2000 + n * 53}`,
  KEEP: (n) => `KEEP-PTN-${3000 + n * 29}`,
};

/** Funding split of a project's total budget, in basis points, by scheme. */
const SPLIT: Record<Scheme.KAKE | Scheme.LEADER, Array<[FundingSource, number]>> = {
  [Scheme.KAKE]: [
    [FundingSource.ESR, 6000],
    [FundingSource.STATE, 1500],
    [FundingSource.MUNICIPAL, 1500],
    [FundingSource.IN_KIND, 1000],
  ],
  [Scheme.LEADER]: [
    [FundingSource.EAFRD, 3360],
    [FundingSource.STATE, 3040],
    [FundingSource.MUNICIPAL, 1600],
    [FundingSource.PRIVATE, 800],
    [FundingSource.IN_KIND, 1200],
  ],
};

const DECIDED = new Set([
  ProjectStatus.APPROVED,
  ProjectStatus.REJECTED,
  ProjectStatus.ONGOING,
  ProjectStatus.COMPLETED,
  ProjectStatus.CANCELLED,
]);
const GRANTED = new Set([ProjectStatus.APPROVED, ProjectStatus.ONGOING, ProjectStatus.COMPLETED, ProjectStatus.CANCELLED]);

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

/** Payments lag the work by about four months (maksatushakemukset); never more than 90 % before the end. */
const PAYMENT_LAG_DAYS = 120;

function defaultPaidRatio(status: ProjectStatus, plannedEnd: string, actualStart?: string): number {
  switch (status) {
    case ProjectStatus.COMPLETED:
      return 1;
    case ProjectStatus.ONGOING: {
      const elapsed = daysBetween(actualStart!, DEMO_AS_OF) - PAYMENT_LAG_DAYS;
      const ratio = elapsed / daysBetween(actualStart!, plannedEnd);
      return Math.min(0.9, Math.max(0, Math.floor(ratio * 20) / 20)); // in steps of 5 %
    }
    case ProjectStatus.CANCELLED:
      return actualStart ? 0.2 : 0;
    default:
      return 0;
  }
}

interface Counts {
  [entity: string]: number;
}

// ── Seeding ─────────────────────────────────────────────────────────────────────────

/** Deterministic demo data; runs once, in one transaction, into an empty database. */
export async function seedDemoData(em: EntityManager, logger: Logger): Promise<void> {
  const started = process.hrtime.bigint();
  const counts = await em.transactional(async (tx) => {
    await checkPostalCodes(tx);
    const counts: Counts = {};
    const count = (entity: string, n = 1) => {
      counts[entity] = (counts[entity] ?? 0) + n;
    };

    const organisations = createOrganisations(tx, count);
    const programmes = createProgrammes(tx, organisations, count);
    const themes = new Map((await tx.find(Theme, {}, { orderBy: { id: 'asc' } })).map((t) => [t.code, t]));
    const targetGroups = new Map((await tx.find(TargetGroup, {}, { orderBy: { id: 'asc' } })).map((t) => [t.code, t]));
    createProjects(tx, { organisations, programmes, themes, targetGroups }, count);
    return counts; // em.transactional flushes once, here

  });
  const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
  logger.info({ ...counts, ms, asOf: DEMO_AS_OF }, 'loaded demo data');
}

/** Every postal code the specs use must exist, be an ordinary (NORMAL) area and lie in the stated municipality. */
async function checkPostalCodes(em: EntityManager): Promise<void> {
  const expected = new Map<string, string | undefined>();
  for (const org of ORGANISATIONS) expected.set(org.postalCode, org.municipality);
  for (const programme of PROGRAMMES) {
    for (const area of programme.areas ?? []) for (const code of area.postalCodes) if (!expected.has(code)) expected.set(code, undefined);
  }
  for (const project of PROJECTS) for (const code of project.locations) if (!expected.has(code)) expected.set(code, undefined);

  const rows = await em
    .getConnection()
    .execute<{ postal_code: string; kind: string; municipality_code: string }[]>(
      `select postal_code, kind, municipality_code from postal_area where postal_code in (${[...expected.keys()].map(() => '?').join(', ')})`,
      [...expected.keys()],
    );
  const found = new Map(rows.map((row) => [row.postal_code, row]));
  for (const [code, municipality] of expected) {
    const row = found.get(code) ?? fail(`postal code ${code} is not in the reference data`);
    if (row.kind !== PostalAreaKind.NORMAL) fail(`postal code ${code} is ${row.kind}, not NORMAL`);
    if (municipality && row.municipality_code !== municipality) fail(`postal code ${code} is in ${row.municipality_code}, not ${municipality}`);
  }
}

function createOrganisations(em: EntityManager, count: (entity: string, n?: number) => void): Map<string, Organisation> {
  const organisations = new Map<string, Organisation>();
  const ids = businessIds();
  const usedBusinessIds = new Set<string>();
  let associations = 0;
  let phones = 0;

  ORGANISATIONS.forEach((spec: OrganisationSpec, index) => {
    if (organisations.has(spec.key)) fail(`duplicate organisation key ${spec.key}`);
    let businessId: string | undefined;
    if (spec.hasBusinessId !== false) {
      const next = ids.next();
      if (next.done) fail('ran out of business IDs');
      const id: string = next.value;
      if (!FinnishBusinessIds.isValidBusinessId(id) || usedBusinessIds.has(id)) fail(`bad business ID ${id}`);
      usedBusinessIds.add(id);
      businessId = id;
    }
    const isAssociation = spec.type === OrganisationType.ASSOCIATION || spec.type === OrganisationType.LOCAL_ACTION_GROUP;
    const associationRegisterNumber = isAssociation ? String(180000 + associations++ * 1237) : undefined;

    const organisation = em.create(Organisation, {
      name: spec.name,
      type: spec.type,
      businessId,
      associationRegisterNumber,
      homeMunicipality: spec.municipality,
      postalArea: spec.postalCode,
      website: spec.website ?? (isAssociation && spec.externalIds ? `https://${slug(spec.name)}.example.fi` : undefined),
      description: `${spec.description} (Silta-demoaineistoa: kuvitteellinen organisaation tieto.)`,
      isDemo: true,
    });
    organisations.set(spec.key, organisation);
    count('organisation');

    if (spec.contacts.length < 1 || spec.contacts.length > 2) fail(`${spec.key}: give one or two contact people`);
    for (const [name, title] of spec.contacts) {
      const [first, ...rest] = name.split(' ');
      em.create(ContactPerson, {
        organisation,
        name,
        title,
        email: `${slug(first)}.${slug(rest.join(''))}@example.fi`,
        phone: `040 000 ${String(1001 + phones++).padStart(4, '0')}`,
      });
      count('contactPerson');
    }
    for (const system of spec.externalIds ?? []) {
      em.create(ExternalId, { organisation, system, value: EXTERNAL_ID_FORMAT[system](index) });
      count('externalId');
    }
  });
  return organisations;
}

function createProgrammes(
  em: EntityManager,
  organisations: Map<string, Organisation>,
  count: (entity: string, n?: number) => void,
): Map<string, { entity: Programme; spec: ProgrammeSpec; areas: Set<string> }> {
  const programmes = new Map<string, { entity: Programme; spec: ProgrammeSpec; areas: Set<string> }>();
  for (const spec of PROGRAMMES) {
    if (programmes.has(spec.key)) fail(`duplicate programme key ${spec.key}`);
    if (spec.periodEnd < spec.periodStart) fail(`${spec.code}: period ends before it starts`);
    const parent = spec.parent ? need(programmes, spec.parent, 'programme').entity : undefined;
    const programme = em.create(Programme, {
      code: spec.code,
      name: spec.name,
      scheme: spec.scheme,
      periodStart: spec.periodStart,
      periodEnd: spec.periodEnd,
      parent,
      administeringOrganisation: spec.administeringOrganisation
        ? need(organisations, spec.administeringOrganisation, 'organisation')
        : undefined,
      description: spec.description,
      isDemo: true,
    });
    count('programme');

    const areas = new Set<string>();
    for (const selector of spec.areas ?? []) {
      for (const postalCode of selector.postalCodes) {
        if (areas.has(postalCode)) fail(`${spec.code}: postal code ${postalCode} listed twice`);
        areas.add(postalCode);
        em.create(ProgrammeArea, { programme, postalArea: postalCode, areaType: selector.areaType });
        count('programmeArea');
      }
    }
    for (const [key, source] of spec.funders ?? []) {
      em.create(ProgrammeFunder, { programme, organisation: need(organisations, key, 'organisation'), source });
      count('programmeFunder');
    }
    for (const ceiling of spec.ceilings ?? []) {
      em.create(ProgrammeCeiling, {
        programme,
        sources: ceiling.sources,
        annualAmount: ceiling.annualAmount,
        year: ceiling.year,
        approximate: ceiling.approximate ?? false,
      });
      count('programmeCeiling');
    }
    for (const decision of spec.decisions ?? []) {
      em.create(ProgrammeDecision, { programme, ...decision });
      count('programmeDecision');
    }
    for (const [priorityAxis, specificObjective, title] of spec.objectives ?? []) {
      em.create(ProgrammeObjective, { programme, priorityAxis, specificObjective, title });
      count('programmeObjective');
    }
    programmes.set(spec.key, { entity: programme, spec, areas });
  }
  return programmes;
}

interface Lookups {
  organisations: Map<string, Organisation>;
  programmes: Map<string, { entity: Programme; spec: ProgrammeSpec; areas: Set<string> }>;
  themes: Map<string, Theme>;
  targetGroups: Map<string, TargetGroup>;
}

function createProjects(em: EntityManager, lookups: Lookups, count: (entity: string, n?: number) => void): void {
  const { organisations, programmes, themes, targetGroups } = lookups;
  const projects = new Map<string, { entity: Project; spec: ProjectSpec }>();
  const euraCodes = new Set<string>();
  const subGrantees = new Set<string>();
  let euraSeq = 0;
  let hyrraSeq = 0;
  let recordSeq = 0;
  let municipalSeq = 0;

  for (const spec of PROJECTS) {
    if (projects.has(spec.code)) fail(`duplicate project code ${spec.code}`);
    const where = spec.code;
    const { entity: programme, spec: programmeSpec, areas } = need(programmes, spec.programme, 'programme');
    const scheme = programmeSpec.scheme;
    if (scheme !== Scheme.KAKE && scheme !== Scheme.LEADER) fail(`${where}: projects belong to Kake or Leader programmes`);
    const parent = spec.parent ? need(projects, spec.parent, 'parent project') : undefined;
    if (parent && (parent.spec.programme !== spec.programme || parent.spec.parent)) {
      fail(`${where}: a pilot must be in its umbrella's programme, one level deep`);
    }
    if (parent ? spec.subGrant === undefined || spec.total !== undefined : spec.total === undefined) {
      fail(`${where}: pilots give subGrant, other projects give total`);
    }

    // Dates and status.
    const [plannedStart, plannedEnd] = spec.planned;
    if (plannedEnd < plannedStart) fail(`${where}: planned end before start`);
    if (plannedStart < programmeSpec.periodStart || plannedEnd > programmeSpec.periodEnd) {
      fail(`${where}: planned period outside the programme period`);
    }
    const decided = DECIDED.has(spec.status) ? (spec.decided ?? addDays(plannedStart, -28)) : undefined;
    if (!DECIDED.has(spec.status) && spec.decided) fail(`${where}: ${spec.status} projects have no decision`);
    if (decided && (decided > DEMO_AS_OF || decided > plannedStart)) fail(`${where}: decision ${decided} after the start or DEMO_AS_OF`);
    const [actualStart, actualEnd] =
      spec.actual ??
      (spec.status === ProjectStatus.COMPLETED
        ? [plannedStart, plannedEnd]
        : spec.status === ProjectStatus.ONGOING
          ? [plannedStart]
          : []);
    switch (spec.status) {
      case ProjectStatus.COMPLETED:
        if (!actualStart || !actualEnd || actualEnd > DEMO_AS_OF) fail(`${where}: completed projects end by ${DEMO_AS_OF}`);
        break;
      case ProjectStatus.ONGOING:
        if (!actualStart || actualEnd || actualStart > DEMO_AS_OF || plannedEnd < DEMO_AS_OF) fail(`${where}: inconsistent ongoing dates`);
        break;
      case ProjectStatus.CANCELLED:
        if (actualStart && (!actualEnd || actualEnd > DEMO_AS_OF)) fail(`${where}: a started, cancelled project needs an actual end`);
        break;
      case ProjectStatus.APPROVED:
      case ProjectStatus.SUBMITTED:
      case ProjectStatus.DRAFT:
        if (actualStart || plannedStart <= DEMO_AS_OF) fail(`${where}: ${spec.status} projects have not started by ${DEMO_AS_OF}`);
        break;
      case ProjectStatus.REJECTED:
        if (actualStart) fail(`${where}: rejected projects never start`);
        break;
    }
    if (actualStart && actualEnd && actualEnd < actualStart) fail(`${where}: actual end before start`);
    if (spec.achievements && spec.status !== ProjectStatus.COMPLETED && spec.status !== ProjectStatus.CANCELLED) {
      fail(`${where}: only completed or cancelled projects report achievements`);
    }

    // Identifiers in other systems.
    const filed = spec.status !== ProjectStatus.DRAFT;
    let euraCode: string | undefined;
    let hyrraNumber: string | undefined;
    let recordNumber: string | undefined;
    if (filed && !parent) {
      if (scheme === Scheme.KAKE) {
        euraCode = `${programmeSpec.periodStart < '2018-01-01' ? 'S20' : 'S21'}${String(104 + euraSeq++ * 17).padStart(3, '0')}`;
        if (euraCode.length !== 6 || euraCodes.has(euraCode)) fail(`${where}: bad EURA code ${euraCode}`);
        euraCodes.add(euraCode);
      } else {
        hyrraNumber = String(104213 + hyrraSeq++ * 173);
      }
      recordNumber = `POSELY/${311 + recordSeq++ * 23}/${(decided ?? DEMO_AS_OF).slice(0, 4)}`;
    }

    const project = em.create(Project, {
      code: spec.code,
      euraCode,
      hyrraNumber,
      recordNumber,
      title: spec.title,
      summary: spec.summary,
      purpose: spec.purpose,
      achievements: spec.achievements,
      status: spec.status,
      plannedStart,
      plannedEnd,
      actualStart,
      actualEnd,
      programme,
      parent: parent?.entity,
      isDemo: true,
    });
    projects.set(spec.code, { entity: project, spec });
    count('project');

    // Funding lines.
    const granted = GRANTED.has(spec.status);
    const paidRatio = spec.paidRatio ?? defaultPaidRatio(spec.status, plannedEnd, actualStart);
    if (paidRatio > 0 && !granted) fail(`${where}: nothing is paid without a grant`);
    let planned: Array<[FundingSource, number]>;
    if (parent) {
      planned = [[FundingSource.IN_KIND, Math.round(spec.subGrant! * 25)]]; // talkootyö, 25 % of the sub-grant, in cents
    } else if (spec.funding) {
      planned = Object.entries(spec.funding).map(([source, amount]) => [source as FundingSource, Math.round(amount! * 100)]);
    } else {
      const totalCents = Math.round(spec.total! * 100);
      const split = SPLIT[scheme];
      let rest = totalCents;
      planned = split.map(([source, basisPoints], i) => {
        const cents = i === split.length - 1 ? rest : Math.round((totalCents * basisPoints) / 10000);
        rest -= cents;
        return [source, cents];
      });
    }
    // Kake: the city decides its own share (viranhaltijapäätös of the administering unit).
    const cityDecision = () =>
      `${need(organisations, programmeSpec.administeringOrganisation ?? fail(`${where}: programme has no administrator`), 'organisation').name}, ` +
      `viranhaltijapäätös ${finnishDate(decided!)} § ${12 + municipalSeq++ * 3}`;
    for (const [source, plannedCents] of planned) {
      const grantedCents = granted ? plannedCents : 0;
      let decisionReference: string | undefined;
      if (decided) {
        if (parent) decisionReference = `Kake-kokeilut 2018–2020, ohjausryhmä ${finnishDate(decided)}`;
        else if (scheme === Scheme.KAKE && source === FundingSource.MUNICIPAL) decisionReference = cityDecision();
        else decisionReference = recordNumber;
      }
      em.create(FundingLine, {
        project,
        source,
        planned: euros(plannedCents),
        granted: euros(grantedCents),
        paid: euros(Math.round(grantedCents * paidRatio)),
        decisionDate: decided,
        decisionReference,
      });
      count('fundingLine');
    }

    // Participations: exactly one LEAD; partners; funders; pilots as SUB_GRANTEE of the umbrella.
    const roles = new Set<string>();
    const participate = (target: Project, key: string, role: ParticipationRole, shareCents?: number) => {
      const id = `${target.code}|${key}|${role}`;
      if (roles.has(id)) fail(`${where}: ${key} twice as ${role}`);
      roles.add(id);
      em.create(Participation, {
        project: target,
        organisation: need(organisations, key, 'organisation'),
        role,
        budgetShare: shareCents === undefined ? undefined : euros(shareCents),
      });
      count('participation');
    };
    const partners = (spec.partners ?? []).map((p) => (typeof p === 'string' ? ([p, undefined] as const) : ([p[0], p[1] * 100] as const)));
    const partnerShares = partners.reduce((sum, [, share]) => sum + (share ?? 0), 0);
    let leadShare: number | undefined;
    if (parent) leadShare = spec.subGrant! * 100;
    else if (partnerShares > 0) leadShare = Math.round(spec.total! * 100) - partnerShares;
    if (leadShare !== undefined && leadShare < 0) fail(`${where}: partner shares exceed the budget`);
    participate(project, spec.lead, ParticipationRole.LEAD, leadShare);
    for (const [key, share] of partners) participate(project, key, ParticipationRole.PARTNER, share);
    for (const key of spec.funders ?? []) participate(project, key, ParticipationRole.FUNDER);
    if (parent && granted) {
      const id = `${parent.entity.code}|${spec.lead}|${ParticipationRole.SUB_GRANTEE}`;
      if (subGrantees.has(id)) fail(`${where}: ${spec.lead} is already a sub-grantee of ${parent.entity.code}`);
      subGrantees.add(id);
      em.create(Participation, {
        project: parent.entity,
        organisation: need(organisations, spec.lead, 'organisation'),
        role: ParticipationRole.SUB_GRANTEE,
        budgetShare: euros(spec.subGrant! * 100),
      });
      count('participation');
    }

    // Themes, target groups, locations.
    for (const code of new Set(spec.themes)) {
      em.create(ProjectTheme, { project, theme: need(themes, code, 'theme') });
      count('projectTheme');
    }
    for (const code of new Set(spec.targetGroups)) {
      em.create(ProjectTargetGroup, { project, targetGroup: need(targetGroups, code, 'target group') });
      count('projectTargetGroup');
    }
    if (spec.locations.length === 0) fail(`${where}: give at least one location`);
    for (const postalCode of new Set(spec.locations)) {
      if (!areas.has(postalCode)) fail(`${where}: location ${postalCode} is outside the programme's territory`);
      em.create(ProjectLocation, { project, postalArea: postalCode });
      count('projectLocation');
    }
  }
}
