import { badUserInput } from '../../shared/errors';

/** Years a summary may ask for: wide enough for any programme period, narrow enough to stay a number of rows. */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2199;
export const MAX_YEARS = 50;

/**
 * The years asked for, sorted and without repeats; null when none were given (each programme's own
 * period then decides). Throws BAD_USER_INPUT for a year outside 1900–2199 or more than 50 years.
 */
export function checkYears(years: readonly number[] | null | undefined, argumentName = 'years'): number[] | null {
  if (years == null) return null;
  const distinct = [...new Set(years)].sort((a, b) => a - b);
  const outside = distinct.find((year) => !Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR);
  if (outside !== undefined) throw badUserInput(`Years must be between ${FIRST_YEAR} and ${LAST_YEAR}; got ${outside}`, argumentName);
  if (distinct.length > MAX_YEARS) throw badUserInput(`At most ${MAX_YEARS} years at a time; got ${distinct.length}`, argumentName);
  return distinct;
}
