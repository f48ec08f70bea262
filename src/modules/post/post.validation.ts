import { UserErrorCode } from '../../shared/mutations/user-error';
import { Checks, MAX_NAME, MAX_TEXT } from '../../shared/mutations/validation';
import type { ParticipationRole } from '../project/project.enums';
import { PostKind } from './post.enums';

/** Pure input rules of the post mutations: no ORM, no GraphQL, so that they are unit-testable. */

export const MAX_PLACE = 300;
export const MAX_LINKS = 20;
export const MAX_LINK = 500;
export const MAX_CODES = 50;

/** A post's editable fields; in an input undefined = not given, null = clear. */
export interface PostFields {
  title?: string | null;
  body?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  place?: string | null;
  postalCode?: string | null;
  partnerSought?: string | null;
  roleWanted?: ParticipationRole | null;
  opensOn?: string | null;
  closesOn?: string | null;
  eligibleApplicants?: string | null;
  outcomes?: string | null;
  links?: readonly string[] | null;
  themes?: readonly string[] | null;
  areas?: readonly string[] | null;
}

type KindField = Exclude<keyof PostFields, 'title' | 'body' | 'themes' | 'areas'>;

/** Which kind-specific fields each kind has; themes and areas go with any kind. */
export const KIND_FIELDS: Record<PostKind, readonly KindField[]> = {
  [PostKind.NEWS]: [],
  [PostKind.EVENT]: ['startsAt', 'endsAt', 'place', 'postalCode'],
  [PostKind.PARTNER_SEARCH]: ['partnerSought', 'roleWanted', 'closesOn'],
  [PostKind.RESULT]: ['outcomes', 'links'],
  [PostKind.CALL]: ['opensOn', 'closesOn', 'eligibleApplicants'],
};

/** Fields each kind cannot do without. */
export const REQUIRED_FIELDS: Record<PostKind, readonly KindField[]> = {
  [PostKind.NEWS]: [],
  [PostKind.EVENT]: ['startsAt'],
  [PostKind.PARTNER_SEARCH]: ['partnerSought', 'closesOn'],
  [PostKind.RESULT]: ['outcomes'],
  [PostKind.CALL]: ['opensOn', 'closesOn', 'eligibleApplicants'],
};

const ALL_KIND_FIELDS = [...new Set(Object.values(KIND_FIELDS).flat())];

function isBlank(value: unknown): boolean {
  return value == null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

/** The post as it will be after the change: `input` over `current` (undefined keeps, null clears). */
export function merged(current: PostFields, input: PostFields): PostFields {
  const result: PostFields = { ...current };
  for (const [key, value] of Object.entries(input) as [keyof PostFields, unknown][]) {
    if (value !== undefined) (result as Record<string, unknown>)[key] = value;
  }
  return result;
}

/**
 * Input checks that need no database, on the post as it will be (`current` is null when creating):
 * lengths, the fields the kind needs, fields of another kind, date order, http(s) links, code formats.
 */
export function validatePostFields(kind: PostKind, input: PostFields, current: PostFields | null): Checks {
  const checks = new Checks();
  const after = merged(current ?? {}, input);
  const given = (key: keyof PostFields) => current === null || input[key] !== undefined;
  if (given('title')) checks.required(after.title, 'input.title');
  if (given('body')) checks.required(after.body, 'input.body');
  checks
    .maxLength(input.title, MAX_NAME, 'input.title')
    .maxLength(input.body, MAX_TEXT, 'input.body')
    .maxLength(input.place, MAX_PLACE, 'input.place')
    .maxLength(input.partnerSought, MAX_TEXT, 'input.partnerSought')
    .maxLength(input.eligibleApplicants, MAX_TEXT, 'input.eligibleApplicants')
    .maxLength(input.outcomes, MAX_TEXT, 'input.outcomes')
    .pattern(input.postalCode, /^\d{5}$/, 'input.postalCode', 'A postal code has five digits');
  for (const key of ALL_KIND_FIELDS) {
    if (!KIND_FIELDS[kind].includes(key) && !isBlank(input[key])) {
      const owners = (Object.keys(KIND_FIELDS) as PostKind[]).filter((other) => KIND_FIELDS[other].includes(key));
      checks.add(UserErrorCode.INVALID_VALUE, `input.${key}`, `input.${key} belongs to ${owners.join(' and ')} posts, not ${kind}`);
    }
  }
  for (const key of REQUIRED_FIELDS[kind]) {
    if (isBlank(after[key])) checks.add(UserErrorCode.REQUIRED, `input.${key}`, `A ${kind} post needs input.${key}`);
  }
  if (after.startsAt && after.endsAt && after.endsAt < after.startsAt && (input.startsAt !== undefined || input.endsAt !== undefined)) {
    const field = input.endsAt !== undefined ? 'input.endsAt' : 'input.startsAt';
    checks.add(UserErrorCode.END_BEFORE_START, field, `The event would end (${after.endsAt.toISOString()}) before it starts (${after.startsAt.toISOString()})`);
  }
  if (input.opensOn !== undefined || input.closesOn !== undefined) {
    checks.period(after.opensOn, after.closesOn, input.closesOn !== undefined ? 'input.closesOn' : 'input.opensOn');
  }
  if (input.links) {
    if (input.links.length > MAX_LINKS) checks.add(UserErrorCode.TOO_LONG, 'input.links', `At most ${MAX_LINKS} links`);
    input.links.forEach((link, index) => checks.url(link, `input.links[${index}]`).maxLength(link, MAX_LINK, `input.links[${index}]`));
  }
  for (const key of ['themes', 'areas'] as const) {
    if ((input[key]?.length ?? 0) > MAX_CODES) checks.add(UserErrorCode.TOO_LONG, `input.${key}`, `At most ${MAX_CODES} values`);
  }
  input.themes?.forEach((code, index) => checks.required(code, `input.themes[${index}]`));
  input.areas?.forEach((code, index) => checks.pattern(code.trim(), /^\d{5}$/, `input.areas[${index}]`, 'A postal code has five digits'));
  return checks;
}
