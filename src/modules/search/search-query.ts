/**
 * Turns a search box text into words for Finnish full-text search. Pure logic, unit-tested.
 * Finnish inflects heavily and PostgreSQL's Snowball stemmer maps "nuoret", "nuorten" and "nuorille"
 * to different stems (nuore, nuort, nuor), so each word is matched both by its stem and by a prefix
 * one letter shorter than the stem (nuor:*), which joins the inflected forms.
 */
export const MAX_SEARCH_LENGTH = 200;
const MAX_WORDS = 8;

export function searchWords(text: string): string[] {
  const words = text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
  return [...new Set(words)].slice(0, MAX_WORDS);
}

/** The prefix used for a stem: one letter shorter, never below four letters (or the stem itself when shorter). */
export function stemPrefix(stem: string): string {
  const letters = [...stem];
  if (letters.length <= 4) return stem;
  return letters.slice(0, letters.length - 1).join('');
}
