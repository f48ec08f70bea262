import { UserErrorCode, userError, type UserError } from '../../shared/mutations/user-error';
import { Checks, MAX_NAME, MAX_TEXT } from '../../shared/mutations/validation';
import { ProjectStatus } from './project.enums';

/** Pure input rules of the project mutations: no ORM, no GraphQL, so that they are unit-testable. */

/** Column lengths of the project's identifiers (project.entity.ts). */
export const MAX_PROJECT_CODE = 60;
export const MAX_EXTERNAL_CODE = 40;
export const MAX_RECORD_NUMBER = 60;

// Identifiers are looked up by exact value, so control and invisible format characters are refused.
const PRINTABLE = /^[^\p{Cc}\p{Cf}]*$/u;

/** The editable fields that create and update share; undefined = not given, null = clear. */
export interface ProjectFields {
  code?: string | null;
  euraCode?: string | null;
  hyrraNumber?: string | null;
  recordNumber?: string | null;
  title?: string | null;
  summary?: string | null;
  purpose?: string | null;
  achievements?: string | null;
  internalNotes?: string | null;
  plannedStart?: string | null;
  plannedEnd?: string | null;
  actualStart?: string | null;
  actualEnd?: string | null;
  themes?: readonly string[] | null;
  targetGroups?: readonly string[] | null;
  locations?: readonly string[] | null;
}

/**
 * Identifiers (code, EURA code, Hyrrä number, record number) are stored NFC-normalised and trimmed,
 * so that a lookup by code finds them; a blank optional identifier is stored as null.
 */
export function normaliseIdentifier(value: string | null | undefined): string | null | undefined {
  if (value == null) return value;
  const text = value.normalize('NFC').trim();
  return text === '' ? null : text;
}

/** Vocabulary codes and postal codes as a set: trimmed, duplicates dropped, first occurrence wins. */
export function distinctCodes(values: readonly string[] | null | undefined): string[] {
  return [...new Set((values ?? []).map((value) => value.trim()))];
}

function identifier(checks: Checks, value: string | null | undefined, max: number, field: string): void {
  const text = normaliseIdentifier(value);
  checks.maxLength(text, max, field).pattern(text, PRINTABLE, field, `${field} may not contain control or invisible characters`);
}

/**
 * Input checks that need no database. `current` holds the stored values on update, so that a
 * period is checked as it will be after the change (e.g. a new end against the old start).
 */
export function validateProjectFields(input: ProjectFields, current: ProjectFields | null): Checks {
  const creating = current === null;
  const checks = new Checks();
  if (creating || input.code !== undefined) checks.required(input.code, 'input.code');
  identifier(checks, input.code, MAX_PROJECT_CODE, 'input.code');
  identifier(checks, input.euraCode, MAX_EXTERNAL_CODE, 'input.euraCode');
  identifier(checks, input.hyrraNumber, MAX_EXTERNAL_CODE, 'input.hyrraNumber');
  identifier(checks, input.recordNumber, MAX_RECORD_NUMBER, 'input.recordNumber');
  if (creating || input.title !== undefined) checks.required(input.title, 'input.title');
  checks
    .maxLength(input.title, MAX_NAME, 'input.title')
    .maxLength(input.summary, MAX_TEXT, 'input.summary')
    .maxLength(input.purpose, MAX_TEXT, 'input.purpose')
    .maxLength(input.achievements, MAX_TEXT, 'input.achievements')
    .maxLength(input.internalNotes, MAX_TEXT, 'input.internalNotes');
  input.themes?.forEach((code, index) => checks.required(code, `input.themes[${index}]`));
  input.targetGroups?.forEach((code, index) => checks.required(code, `input.targetGroups[${index}]`));
  input.locations?.forEach((code, index) =>
    checks.pattern(code.trim(), /^\d{5}$/, `input.locations[${index}]`, 'A postal code has five digits'),
  );
  periodAfterChange(checks, input, current ?? {}, 'plannedStart', 'plannedEnd');
  periodAfterChange(checks, input, current ?? {}, 'actualStart', 'actualEnd');
  return checks;
}

function periodAfterChange(
  checks: Checks,
  input: ProjectFields,
  current: ProjectFields,
  startKey: 'plannedStart' | 'actualStart',
  endKey: 'plannedEnd' | 'actualEnd',
): void {
  if (input[startKey] === undefined && input[endKey] === undefined) return;
  const start = input[startKey] === undefined ? current[startKey] : input[startKey];
  const end = input[endKey] === undefined ? current[endKey] : input[endKey];
  // Name the field the caller changed; the end when both were given.
  checks.period(start, end, input[endKey] !== undefined ? `input.${endKey}` : `input.${startKey}`);
}

export interface ActualDates {
  actualStart?: string | null;
  actualEnd?: string | null;
}

export interface TransitionDatesResult {
  errors: UserError[];
  /** The dates to store; a key is present only when the transition sets it. */
  set: ActualDates;
}

/**
 * Actual dates a status change sets: starting (ONGOING) sets the actual start, completing sets the
 * actual end, and cancelling a running project ends it too; each is the given date or today.
 * A date given to a transition that does not set it is refused rather than silently ignored.
 */
export function transitionDates(from: ProjectStatus, to: ProjectStatus, current: ActualDates, given: ActualDates, today: string): TransitionDatesResult {
  const errors: UserError[] = [];
  const setsStart = to === ProjectStatus.ONGOING;
  const setsEnd = to === ProjectStatus.COMPLETED || (to === ProjectStatus.CANCELLED && from === ProjectStatus.ONGOING);
  if (given.actualStart != null && !setsStart) {
    errors.push(userError(UserErrorCode.INVALID_VALUE, 'input.actualStart', `A move to ${to} does not set the actual start; only starting (ONGOING) does`));
  }
  if (given.actualEnd != null && !setsEnd) {
    errors.push(
      userError(UserErrorCode.INVALID_VALUE, 'input.actualEnd', `A move from ${from} to ${to} does not set the actual end; completing or cancelling a running project does`),
    );
  }
  const set: ActualDates = {};
  if (setsStart) set.actualStart = given.actualStart ?? today;
  if (setsEnd) set.actualEnd = given.actualEnd ?? today;
  const start = set.actualStart !== undefined ? set.actualStart : current.actualStart;
  const end = set.actualEnd !== undefined ? set.actualEnd : current.actualEnd;
  if (errors.length === 0 && start != null && end != null && end < start) {
    const field = setsEnd ? 'input.actualEnd' : 'input.actualStart';
    errors.push(userError(UserErrorCode.END_BEFORE_START, field, `The project would end (${end}) before it started (${start})`));
  }
  return { errors, set };
}

/** Today's date in Finland (the projects' time zone), YYYY-MM-DD. */
export function todayInFinland(now: Date = new Date()): string {
  // The Swedish locale formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
