import { FinnishBusinessIds } from 'finnish-business-ids';
import { DATE_RANGE, parseEuros } from '../../../shared/scalars';

/** Cell parsers of the CSV readers: pure, total (never throw), each giving a value or an English message. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

// Thousand separators Excel writes in Finland: space, no-break space, narrow no-break space.
const GROUP_SPACE = /[ \u00a0\u202f]/g;
const CURRENCY = /^(?:€|eur)\s*|\s*(?:€|eur)$/giu;

/**
 * A euro amount as Excel writes it in Finland or elsewhere: `1 234,50`, `1234,5`, `1234.50`, `1.234,50`,
 * `1,234.50`, `1 234 €`. A lone separator is the decimal one; with both, the last is. The result is
 * normalised by the API's own `Euros` rules (non-negative, two decimals, at most 999 999 999 999.99).
 */
export function parseAmount(raw: string): Parsed<string> {
  const expected = 'expected euros such as 1 234,50 or 1234.50';
  let text = raw.trim().replace(CURRENCY, '').trim();
  if (text.startsWith('-') || text.startsWith('\u2212')) return fail(`"${raw}" is negative; ${expected}, zero or more`);
  if (/[ \u00a0\u202f]/.test(text)) {
    if (!/^\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$/.test(text)) return fail(`"${raw}" is not an amount; ${expected}`);
    text = text.replace(GROUP_SPACE, '');
  }
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    const decimal = lastComma > lastDot ? ',' : '.';
    const group = decimal === ',' ? '.' : ',';
    const [whole, fraction, ...rest] = text.split(decimal);
    const grouped = group === '.' ? /^\d{1,3}(?:\.\d{3})+$/ : /^\d{1,3}(?:,\d{3})+$/;
    if (rest.length > 0 || !grouped.test(whole)) {
      return fail(`"${raw}" is not an amount; ${expected}`);
    }
    text = `${whole.split(group).join('')}.${fraction}`;
  } else if (lastComma >= 0) {
    text = text.replace(',', '.');
  }
  if (!/^\d+(?:\.\d+)?$/.test(text)) return fail(`"${raw}" is not an amount; ${expected}`);
  const [whole, fraction = ''] = text.split('.');
  if (fraction.length > 2) return fail(`"${raw}" has more than two decimals; ${expected} (whole cents)`);
  const normalised = `${whole.replace(/^0+(?=\d)/, '')}${fraction ? `.${fraction}` : ''}`;
  try {
    return ok(parseEuros(normalised));
  } catch {
    return fail(`"${raw}" is too large; amounts are at most 999 999 999 999,99 €`);
  }
}

/** Cents of a normalised amount (`"1234.50"` → 123450n). */
export function toCents(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
}

/** A normalised amount from cents. */
export function fromCents(cents: bigint): string {
  const whole = cents / 100n;
  const fraction = (cents % 100n).toString().padStart(2, '0');
  return `${whole}.${fraction}`;
}

/**
 * A percentage such as the EU co-financing rate: `60`, `60 %`, `59,5`, `0.6` (a fraction, when at most 1
 * and written with decimals and no %). Returned in millionths of one (60 % → 600000).
 */
export function parseRate(raw: string): Parsed<number> {
  const text = raw.trim().replace(GROUP_SPACE, '');
  const match = /^(\d{1,3})(?:[.,](\d{1,6}))?(%?)$/.exec(text);
  if (!match) return fail(`"${raw}" is not a percentage; expected e.g. 60 %, 59,5 or 0.6`);
  const [, whole, fraction = '', percent] = match;
  const millionths = Number(whole) * 1_000_000 + Number(fraction.padEnd(6, '0'));
  const isFraction = percent === '' && fraction !== '' && millionths <= 1_000_000;
  const value = isFraction ? millionths : Math.round(millionths / 100);
  if (value > 1_000_000) return fail(`"${raw}" is over 100 %; expected a rate between 0 and 100 %`);
  return ok(value);
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A calendar date: `YYYY-MM-DD`, the Finnish `D.M.YYYY` (also with a trailing dot), or `DD/MM/YYYY`,
 * optionally followed by a time Excel adds (`0:00`), which is ignored. Years as in the API (1900–2199).
 */
export function parseDate(raw: string): Parsed<string> {
  const expected = 'expected a date such as 2024-03-31 or 31.3.2024';
  const text = raw.trim().replace(/[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?$/, '');
  let parts: RegExpExecArray | null;
  let year: number;
  let month: number;
  let day: number;
  if ((parts = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text))) {
    [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  } else if ((parts = /^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?$/.exec(text)) || (parts = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text))) {
    [day, month, year] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  } else if (/^\d{1,2}[./]\d{1,2}[./]\d{2}$/.test(text)) {
    return fail(`"${raw}" has a two-digit year; ${expected}`);
  } else {
    return fail(`"${raw}" is not a date; ${expected}`);
  }
  if (!isRealDate(year, month, day)) return fail(`"${raw}" is not a day of the calendar; ${expected}`);
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (iso < DATE_RANGE.first || iso > DATE_RANGE.last) return fail(`"${raw}" is outside ${DATE_RANGE.first}…${DATE_RANGE.last}; ${expected}`);
  return ok(iso);
}

/**
 * A Y-tunnus (`1234567-8`; also a VAT number `FI12345678`, or `1234567-8` with spaces), checked with
 * `finnish-business-ids` as the API checks it; a wrong check digit names the right one.
 */
export function parseBusinessId(raw: string): Parsed<string> {
  const text = raw.trim().replace(/\s+/g, '');
  const vat = /^FI(\d{7})(\d)$/i.exec(text);
  const id = vat ? `${vat[1]}-${vat[2]}` : text;
  if (!/^\d{7}-\d$/.test(id)) return fail(`"${raw}" is not a Y-tunnus; expected seven digits, a hyphen and a check digit, e.g. 0123456-7`);
  if (FinnishBusinessIds.isValidBusinessId(id)) return ok(id);
  const checksum = FinnishBusinessIds.calculateChecksum(id.slice(0, 7));
  return checksum < 0
    ? fail(`Y-tunnus ${id} cannot exist: no check digit fits the digits ${id.slice(0, 7)}`)
    : fail(`Y-tunnus ${id} has a wrong check digit (expected ${id.slice(0, 7)}-${checksum})`);
}

/** A `|`-separated list (also `;` or `,` inside a quoted cell of the other delimiter): trimmed, blanks dropped. */
export function splitList(raw: string): string[] {
  return raw
    .split('|')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A header as the readers compare it: NFC, lower case, inner whitespace collapsed, no BOM or quotes. */
export function headerKey(header: string): string {
  return header.replace(/^\uFEFF/, '').normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('fi');
}
