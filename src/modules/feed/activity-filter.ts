/**
 * The activity filter of feeds and webhooks, checked (pure: no ORM, no GraphQL): kinds, schemes,
 * programmes, organisations and projects (global IDs), postal codes and crossDivideOnly, each list
 * matching any of its values and all given conditions together, as `activity(filter:)` takes them
 * (the same `ActivityFilter` input for webhooks). Unlike `activityConditions`, it reports every
 * problem at once (mutations return them all as userErrors) and checks enum names (the feed's
 * query string has no GraphQL to do it). A webhook stores the
 * checked form; the log reads it through `conditionsSql` (src/modules/activity/activity.log.ts).
 */
import type { ActivityConditions } from '../activity/activity.log';
import { ActivityType } from '../activity/activity.enums';
import { Scheme } from '../programme/programme.enums';
import { parseGlobalId, toGlobalId } from '../../shared/relay/global-id';

/** At most this many values in one list. */
export const MAX_FILTER_VALUES = 100;

/** The filter as given: enum names, global IDs, postal codes. */
export interface ActivityFilterValues {
  kinds?: readonly string[] | null;
  schemes?: readonly string[] | null;
  programmes?: readonly string[] | null;
  organisations?: readonly string[] | null;
  projects?: readonly string[] | null;
  postalCodes?: readonly string[] | null;
  crossDivideOnly?: boolean | null;
}

/** The filter as stored with a webhook (jsonb): IDs decoded; absent lists match everything. */
export interface StoredActivityFilter {
  types?: ActivityType[];
  schemes?: Scheme[];
  programmeIds?: number[];
  organisationIds?: number[];
  projectIds?: number[];
  postalCodes?: string[];
  crossDivideOnly?: boolean;
}

export interface FilterProblem {
  /** Which part of the filter, e.g. `kinds[1]`. */
  field: string;
  message: string;
}

export type FilterCheck = { filter: StoredActivityFilter; problems: [] } | { filter: null; problems: FilterProblem[] };

const ACTIVITY_TYPES = new Set<string>(Object.values(ActivityType));
const SCHEMES = new Set<string>(Object.values(Scheme));

function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 50)}…` : value);
}

/** Checks every value and reports every problem at once (a portal fixes them in one go). */
export function checkActivityFilter(values: ActivityFilterValues): FilterCheck {
  const problems: FilterProblem[] = [];
  const filter: StoredActivityFilter = {};
  const list = <T>(name: keyof ActivityFilterValues, given: readonly string[] | null | undefined, parse: (value: string, field: string) => T | undefined): T[] | undefined => {
    if (given == null || given.length === 0) return undefined;
    if (given.length > MAX_FILTER_VALUES) {
      problems.push({ field: name, message: `At most ${MAX_FILTER_VALUES} values; got ${given.length}` });
      return undefined;
    }
    const parsed: T[] = [];
    given.forEach((value, index) => {
      const result = parse(value, `${name}[${index}]`);
      if (result !== undefined && !parsed.includes(result)) parsed.push(result);
    });
    return parsed;
  };
  const id = (type: string) => (value: string, field: string): number | undefined => {
    const decoded = parseGlobalId(value);
    if (!decoded || decoded.type !== type || !/^\d+$/.test(decoded.key)) {
      problems.push({ field, message: `${quote(value)} is not a ${type} ID` });
      return undefined;
    }
    return Number(decoded.key);
  };

  const types = list('kinds', values.kinds, (value, field) => {
    if (ACTIVITY_TYPES.has(value)) return value as ActivityType;
    problems.push({ field, message: `${quote(value)} is not an activity kind; use one of ${[...ACTIVITY_TYPES].join(', ')}` });
    return undefined;
  });
  const schemes = list('schemes', values.schemes, (value, field) => {
    if (SCHEMES.has(value)) return value as Scheme;
    problems.push({ field, message: `${quote(value)} is not a scheme; use one of ${[...SCHEMES].join(', ')}` });
    return undefined;
  });
  const programmeIds = list('programmes', values.programmes, id('Programme'));
  const organisationIds = list('organisations', values.organisations, id('Organisation'));
  const projectIds = list('projects', values.projects, id('Project'));
  const postalCodes = list('postalCodes', values.postalCodes, (value, field) => {
    if (/^\d{5}$/.test(value)) return value;
    problems.push({ field, message: `A postal code has five digits, e.g. "70100"; got ${quote(value)}` });
    return undefined;
  });
  if (problems.length > 0) return { filter: null, problems };
  if (types) filter.types = types;
  if (schemes) filter.schemes = schemes;
  if (programmeIds) filter.programmeIds = programmeIds;
  if (organisationIds) filter.organisationIds = organisationIds;
  if (projectIds) filter.projectIds = projectIds;
  if (postalCodes) filter.postalCodes = postalCodes;
  if (values.crossDivideOnly) filter.crossDivideOnly = true;
  return { filter, problems: [] };
}

/** The stored filter as the log's conditions. */
export function conditionsOf(filter: StoredActivityFilter): ActivityConditions {
  return {
    types: filter.types,
    schemes: filter.schemes,
    programmeIds: filter.programmeIds,
    organisationIds: filter.organisationIds,
    projectIds: filter.projectIds,
    postalCodes: filter.postalCodes,
    crossDivideOnly: filter.crossDivideOnly,
  };
}

/** The stored filter as given back to clients: enum names and global IDs. */
export function filterValuesOf(filter: StoredActivityFilter): Required<{ [K in keyof ActivityFilterValues]: NonNullable<ActivityFilterValues[K]> }> {
  return {
    kinds: filter.types ?? [],
    schemes: filter.schemes ?? [],
    programmes: (filter.programmeIds ?? []).map((key) => toGlobalId('Programme', key)),
    organisations: (filter.organisationIds ?? []).map((key) => toGlobalId('Organisation', key)),
    projects: (filter.projectIds ?? []).map((key) => toGlobalId('Project', key)),
    postalCodes: filter.postalCodes ?? [],
    crossDivideOnly: filter.crossDivideOnly ?? false,
  };
}

/** Query-string names of the feed, singular and plural, for each filter field. */
const QUERY_NAMES: Record<string, keyof ActivityFilterValues> = {
  kind: 'kinds',
  kinds: 'kinds',
  scheme: 'schemes',
  schemes: 'schemes',
  programme: 'programmes',
  programmes: 'programmes',
  organisation: 'organisations',
  organisations: 'organisations',
  project: 'projects',
  projects: 'projects',
  postalCode: 'postalCodes',
  postalCodes: 'postalCodes',
  crossDivideOnly: 'crossDivideOnly',
};

/**
 * A feed URL's query string as filter values: each list as comma-separated values, repeated
 * parameters, or both; `crossDivideOnly=true|false`. Unknown parameters are problems (a misspelt
 * filter would otherwise widen the feed silently). `allowed` names extra parameters the caller reads.
 */
export function filterValuesFromQuery(params: URLSearchParams, allowed: readonly string[]): { values: ActivityFilterValues; problems: FilterProblem[] } {
  const problems: FilterProblem[] = [];
  const lists: Record<string, string[]> = {};
  let crossDivideOnly: boolean | undefined;
  for (const [name, raw] of params) {
    if (allowed.includes(name)) continue;
    const field = Object.hasOwn(QUERY_NAMES, name) ? QUERY_NAMES[name] : undefined;
    if (!field) {
      problems.push({ field: name, message: `Unknown parameter ${quote(name)}; use ${Object.keys(QUERY_NAMES).filter((key) => key.endsWith('s') || key === 'crossDivideOnly').join(', ')}${allowed.length ? `, ${allowed.join(', ')}` : ''}` });
      continue;
    }
    if (field === 'crossDivideOnly') {
      if (raw !== 'true' && raw !== 'false') problems.push({ field, message: `crossDivideOnly is true or false; got ${quote(raw)}` });
      else crossDivideOnly = raw === 'true';
      continue;
    }
    (lists[field] ??= []).push(...raw.split(',').map((value) => value.trim()).filter((value) => value !== ''));
  }
  return { values: { ...lists, crossDivideOnly }, problems };
}

/** The filter as a canonical query string (sorted values), for the feed's stable ID. */
export function canonicalQuery(filter: StoredActivityFilter): string {
  const values = filterValuesOf(filter);
  const parts: string[] = [];
  for (const key of ['kinds', 'schemes', 'programmes', 'organisations', 'projects', 'postalCodes'] as const) {
    const list = [...values[key]].sort();
    if (list.length) parts.push(`${key}=${list.map(encodeURIComponent).join(',')}`);
  }
  if (values.crossDivideOnly) parts.push('crossDivideOnly=true');
  return parts.join('&');
}
