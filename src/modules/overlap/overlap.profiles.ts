/**
 * Loads what the detector compares (ProjectProfile) and the names its evidence uses, straight from
 * PostgreSQL as the database owner: the engine sees every project, and row-level security decides
 * later who may read a finding.
 */
import type { TextProfile, TextStatistics } from './text-similarity';
import { textProfile } from './text-similarity';
import type { EvidenceNames, ProjectProfile, RoleCode, SchemeCode } from './overlap.signals';

/** The part of node-postgres' Pool/Client the engine uses. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** Projects that can take part in findings: not REJECTED (no money), and with a known start. */
export const ELIGIBLE_PROJECT_SQL = `p.status <> 'REJECTED' and coalesce(p.actual_start, p.planned_start) is not null`;

interface ProjectRow {
  id: number;
  code: string;
  title: string;
  summary: string | null;
  purpose: string | null;
  programme_id: number;
  scheme: SchemeCode;
  parent_id: number | null;
  programme_start: string;
  programme_end: string;
  start: string;
  end: string | null;
}

interface Parts {
  roles: Map<number, Map<number, RoleCode>>;
  locations: Map<number, Array<{ postalCode: string; municipality: string }>>;
  themes: Map<number, string[]>;
  targetGroups: Map<number, string[]>;
  granted: Map<number, Map<string, number>>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `where` is a condition on project_id (or "true"), with `params`. */
async function loadParts(db: Queryable, where: string, params: unknown[]): Promise<Parts> {
  // One after another: the engine works on one connection (node-postgres would queue them anyway).
  const roles = await db.query<{ project_id: number; organisation_id: number; role: RoleCode }>(
    `select project_id, organisation_id, role from participation where role <> 'FUNDER' and ${where} order by project_id, organisation_id`, params);
  const locations = await db.query<{ project_id: number; postal_code: string; municipality_code: string }>(
    `select l.project_id, l.postal_code, a.municipality_code from project_location l join postal_area a on a.postal_code = l.postal_code where ${where.replace(/project_id/g, 'l.project_id')}`, params);
  const themes = await db.query<{ project_id: number; code: string }>(
    `select x.project_id, t.code from project_theme x join theme t on t.id = x.theme_id where ${where.replace(/project_id/g, 'x.project_id')}`, params);
  const targetGroups = await db.query<{ project_id: number; code: string }>(
    `select x.project_id, t.code from project_target_group x join target_group t on t.id = x.target_group_id where ${where.replace(/project_id/g, 'x.project_id')}`, params);
  const granted = await db.query<{ project_id: number; source: string; cents: string }>(
    `select project_id, source, round(sum(granted) * 100)::bigint as cents from funding_line where ${where} group by project_id, source having sum(granted) > 0 order by project_id, source`, params);
  const parts: Parts = { roles: new Map(), locations: new Map(), themes: new Map(), targetGroups: new Map(), granted: new Map() };
  const rank: Record<RoleCode, number> = { LEAD: 3, SUB_GRANTEE: 2, PARTNER: 1, FUNDER: 0 };
  for (const row of roles.rows) {
    let map = parts.roles.get(row.project_id);
    if (!map) parts.roles.set(row.project_id, (map = new Map()));
    const existing = map.get(row.organisation_id);
    if (!existing || rank[row.role] > rank[existing]) map.set(row.organisation_id, row.role);
  }
  for (const row of locations.rows) push(parts.locations, row.project_id, { postalCode: row.postal_code, municipality: row.municipality_code });
  for (const row of themes.rows) push(parts.themes, row.project_id, row.code);
  for (const row of targetGroups.rows) push(parts.targetGroups, row.project_id, row.code);
  for (const row of granted.rows) {
    let map = parts.granted.get(row.project_id);
    if (!map) parts.granted.set(row.project_id, (map = new Map()));
    map.set(row.source, Number(row.cents));
  }
  return parts;
}

const PROJECT_COLUMNS = `p.id, p.code, p.title, p.summary, p.purpose, p.programme_id, pr.scheme, p.parent_id,
  to_char(pr.period_start, 'YYYY-MM-DD') as programme_start, to_char(pr.period_end, 'YYYY-MM-DD') as programme_end,
  to_char(coalesce(p.actual_start, p.planned_start), 'YYYY-MM-DD') as start,
  to_char(coalesce(p.actual_end, p.planned_end), 'YYYY-MM-DD') as "end"`;

/** Territories of programmes: programme → postal code → URBAN/RURAL. */
export type Territories = Map<number, Map<string, string>>;

export async function loadTerritories(db: Queryable): Promise<Territories> {
  const { rows } = await db.query<{ programme_id: number; postal_code: string; area_type: string }>(
    'select programme_id, postal_code, area_type from programme_area');
  const territories: Territories = new Map();
  for (const row of rows) {
    let map = territories.get(row.programme_id);
    if (!map) territories.set(row.programme_id, (map = new Map()));
    map.set(row.postal_code, row.area_type);
  }
  return territories;
}

const NO_MONEY: ReadonlyMap<string, number> = new Map();
const NO_ROLES: ReadonlyMap<number, RoleCode> = new Map();
/** One shared empty list instead of thousands. */
const NONE: never[] = [];
const nonEmpty = <T>(list: T[]): T[] => (list.length ? list : NONE);

function profileOf(row: ProjectRow, parts: Parts, territories: Territories, text: TextProfile): ProjectProfile {
  const locations = parts.locations.get(row.id) ?? NONE;
  const territory = territories.get(row.programme_id);
  const postalCodes = [...new Set(locations.map((l) => l.postalCode))].sort();
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    summary: row.summary,
    purpose: row.purpose,
    programmeId: row.programme_id,
    programmePeriod: { start: row.programme_start, end: row.programme_end },
    scheme: row.scheme,
    parentId: row.parent_id,
    start: row.start,
    end: row.end,
    roles: parts.roles.get(row.id) ?? NO_ROLES,
    postalCodes: nonEmpty(postalCodes),
    municipalities: nonEmpty([...new Set(locations.map((l) => l.municipality))].sort()),
    outsideTerritory: territory && territory.size ? nonEmpty(postalCodes.filter((code) => !territory.has(code))) : NONE,
    themes: parts.themes.get(row.id) ?? NONE,
    targetGroups: parts.targetGroups.get(row.id) ?? NONE,
    granted: parts.granted.get(row.id) ?? NO_MONEY,
    text,
  };
}

/** Profiles of the given (eligible) projects. */
export async function loadProfiles(db: Queryable, ids: readonly number[], stats: TextStatistics | null, territories: Territories): Promise<Map<number, ProjectProfile>> {
  const profiles = new Map<number, ProjectProfile>();
  if (!ids.length) return profiles;
  const params = [ids];
  const projects = await db.query<ProjectRow>(`select ${PROJECT_COLUMNS} from project p join programme pr on pr.id = p.programme_id where p.id = any($1) and ${ELIGIBLE_PROJECT_SQL}`, params);
  const parts = await loadParts(db, 'project_id = any($1)', params);
  for (const row of projects.rows) profiles.set(row.id, profileOf(row, parts, territories, textProfile(row, stats)));
  return profiles;
}

/**
 * Every eligible project's profile, read in pages so that neither the texts nor the rows of its
 * parts are ever all in memory at once: `text` turns a page's rows into text profiles, and the
 * profiles keep no text (the full recompute reads it again for the evidence of its findings).
 */
export async function loadAllProfiles(
  db: Queryable,
  territories: Territories,
  text: (row: { title: string; summary: string | null; purpose: string | null }) => TextProfile,
  pageSize = 5000,
): Promise<ProjectProfile[]> {
  const profiles: ProjectProfile[] = [];
  let after = 0;
  for (;;) {
    const { rows } = await db.query<ProjectRow>(
      `select ${PROJECT_COLUMNS} from project p join programme pr on pr.id = p.programme_id
        where p.id > $1 and ${ELIGIBLE_PROJECT_SQL} order by p.id limit $2`, [after, pageSize]);
    if (!rows.length) break;
    const parts = await loadParts(db, 'project_id = any($1)', [rows.map((row) => row.id)]);
    for (const row of rows) {
      const profile = profileOf(row, parts, territories, text(row));
      profile.title = '';
      profile.summary = null;
      profile.purpose = null;
      profiles.push(profile);
    }
    after = rows[rows.length - 1].id;
  }
  return profiles;
}

/** Streams every eligible project's texts, page by page (for counting document frequencies). */
export async function forEachProjectText(
  db: Queryable,
  visit: (row: { title: string; summary: string | null; purpose: string | null }) => void,
  pageSize = 5000,
): Promise<void> {
  let after = 0;
  for (;;) {
    const { rows } = await db.query<{ id: number; title: string; summary: string | null; purpose: string | null }>(
      `select p.id, p.title, p.summary, p.purpose from project p where p.id > $1 and ${ELIGIBLE_PROJECT_SQL} order by p.id limit $2`, [after, pageSize]);
    if (!rows.length) break;
    rows.forEach(visit);
    after = rows[rows.length - 1].id;
  }
}

/** Names for the evidence of the given organisations (and every area, municipality, term, programme). */
export async function loadNames(
  db: Queryable,
  organisationIds: readonly number[],
  territories: Territories,
  textStatistics: TextStatistics | null,
): Promise<EvidenceNames> {
  const organisations = await db.query<{ id: number; name: string; business_id: string | null }>('select id, name, business_id from organisation where id = any($1)', [organisationIds]);
  const areas = await db.query<{ postal_code: string; name_fi: string }>('select postal_code, name_fi from postal_area');
  const municipalities = await db.query<{ code: string; name_fi: string }>('select code, name_fi from municipality');
  const themes = await db.query<{ code: string; label_fi: string }>('select code, label_fi from theme');
  const targetGroups = await db.query<{ code: string; label_fi: string }>('select code, label_fi from target_group');
  const programmes = await db.query<{ id: number; name: string }>('select id, name from programme');
  const organisationMap = new Map(organisations.rows.map((row) => [row.id, { name: row.name, businessId: row.business_id }]));
  const areaMap = new Map(areas.rows.map((row) => [row.postal_code, titleCase(row.name_fi)]));
  const municipalityMap = new Map(municipalities.rows.map((row) => [row.code, row.name_fi]));
  const themeMap = new Map(themes.rows.map((row) => [row.code, row.label_fi]));
  const targetGroupMap = new Map(targetGroups.rows.map((row) => [row.code, row.label_fi]));
  const programmeMap = new Map(programmes.rows.map((row) => [row.id, row.name]));
  return {
    organisation: (id) => organisationMap.get(id),
    postalArea: (code) => areaMap.get(code),
    municipality: (code) => municipalityMap.get(code),
    theme: (code) => themeMap.get(code),
    targetGroup: (code) => targetGroupMap.get(code),
    territory: (programmeId) => territories.get(programmeId),
    programmeName: (programmeId) => programmeMap.get(programmeId),
    textStatistics,
  };
}

/** Posti writes area names in capitals ("HILTULANLAHTI"); the evidence reads better as "Hiltulanlahti". */
function titleCase(name: string): string {
  return name.toLocaleLowerCase('fi').replace(/(^|[\s-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toLocaleUpperCase('fi'));
}
