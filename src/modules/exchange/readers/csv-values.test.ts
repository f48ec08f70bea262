import fc from 'fast-check';
import { FinnishBusinessIds } from 'finnish-business-ids';
import { fromCents, parseAmount, parseBusinessId, parseDate, parseRate, toCents } from './csv-values';

const value = <T>(parsed: { ok: true; value: T } | { ok: false; message: string }): T | string => (parsed.ok ? parsed.value : `ERROR ${parsed.message}`);

describe('parseAmount', () => {
  test.each([
    ['1 234,50', '1234.50'],
    ['1\u00a0234,5', '1234.50'],
    ['1\u202f234\u202f567', '1234567.00'],
    ['1234,5', '1234.50'],
    ['1234.50', '1234.50'],
    ['1.234,50', '1234.50'],
    ['1,234.50', '1234.50'],
    ['12 345,50 €', '12345.50'],
    ['€ 100', '100.00'],
    ['100 EUR', '100.00'],
    ['0', '0.00'],
    ['007', '7.00'],
    ['999999999999,99', '999999999999.99'],
  ])('%j is %s', (raw, expected) => expect(value(parseAmount(raw))).toBe(expected));

  test.each([
    ['kolmetuhatta', '"kolmetuhatta" is not an amount; expected euros such as 1 234,50 or 1234.50'],
    ['1,234', '"1,234" has more than two decimals; expected euros such as 1 234,50 or 1234.50 (whole cents)'],
    ['-5', '"-5" is negative; expected euros such as 1 234,50 or 1234.50, zero or more'],
    ['12 34', '"12 34" is not an amount; expected euros such as 1 234,50 or 1234.50'],
    ['1.2.3', '"1.2.3" is not an amount; expected euros such as 1 234,50 or 1234.50'],
    ['1000000000000', '"1000000000000" is too large; amounts are at most 999 999 999 999,99 €'],
  ])('%j is refused', (raw, message) => expect(parseAmount(raw)).toEqual({ ok: false, message }));

  test('any amount of cents reads back the same, however Excel in Finland writes it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 99_999_999_999_999n }), fc.constantFrom(' ', '\u00a0', ''), fc.constantFrom(',', '.'), (cents, group, decimal) => {
        const [whole, fraction] = fromCents(cents).split('.');
        const grouped = group === '' ? whole : whole.replace(/\B(?=(\d{3})+$)/g, group);
        expect(value(parseAmount(`${grouped}${decimal}${fraction} €`))).toBe(fromCents(cents));
        expect(toCents(fromCents(cents))).toBe(cents);
      }),
    );
  });

  test('never throws, and whatever it accepts is a valid Euros value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9 .,€-]{0,20}$/)), (raw) => {
        const parsed = parseAmount(raw);
        if (parsed.ok) expect(parsed.value).toMatch(/^(0|[1-9]\d{0,11})\.\d{2}$/);
        else expect(parsed.message).toContain(`"${raw}"`);
      }),
    );
  });
});

describe('parseDate', () => {
  test.each([
    ['2024-03-31', '2024-03-31'],
    ['2024-3-5', '2024-03-05'],
    ['31.3.2024', '2024-03-31'],
    ['1.2.2019.', '2019-02-01'],
    ['05/06/2019', '2019-06-05'],
    ['3.4.2019 0:00', '2019-04-03'],
    ['29.2.2024', '2024-02-29'],
  ])('%j is %s', (raw, expected) => expect(value(parseDate(raw))).toBe(expected));

  test.each([
    ['31.2.2019', '"31.2.2019" is not a day of the calendar; expected a date such as 2024-03-31 or 31.3.2024'],
    ['29.2.2023', '"29.2.2023" is not a day of the calendar; expected a date such as 2024-03-31 or 31.3.2024'],
    ['1.2.19', '"1.2.19" has a two-digit year; expected a date such as 2024-03-31 or 31.3.2024'],
    ['huomenna', '"huomenna" is not a date; expected a date such as 2024-03-31 or 31.3.2024'],
    ['1.1.1899', '"1.1.1899" is outside 1900-01-01…2199-12-31; expected a date such as 2024-03-31 or 31.3.2024'],
  ])('%j is refused', (raw, message) => expect(parseDate(raw)).toEqual({ ok: false, message }));

  test('every day of 1900–2199 reads the same in all three spellings', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
        const iso = date.toISOString().slice(0, 10);
        const [y, m, d] = iso.split('-').map(Number);
        expect(value(parseDate(iso))).toBe(iso);
        expect(value(parseDate(`${d}.${m}.${y}`))).toBe(iso);
        expect(value(parseDate(`${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`))).toBe(iso);
      }),
    );
  });

  test('never throws, and whatever it accepts is a real ISO day', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9./: -]{0,14}$/)), (raw) => {
        const parsed = parseDate(raw);
        if (parsed.ok) expect(new Date(`${parsed.value}T00:00:00Z`).toISOString().slice(0, 10)).toBe(parsed.value);
      }),
    );
  });
});

describe('parseBusinessId', () => {
  test('a valid Y-tunnus, a VAT number and a spaced one', () => {
    expect(value(parseBusinessId('0201256-6'))).toBe('0201256-6');
    expect(value(parseBusinessId('FI02012566'))).toBe('0201256-6');
    expect(value(parseBusinessId(' 0201256 - 6 '))).toBe('0201256-6');
  });

  test('a wrong check digit names the right one; a shape that is no Y-tunnus says what one looks like', () => {
    expect(value(parseBusinessId('1234567-8'))).toBe('ERROR Y-tunnus 1234567-8 has a wrong check digit (expected 1234567-1)');
    expect(value(parseBusinessId('3456789-1'))).toBe('ERROR Y-tunnus 3456789-1 cannot exist: no check digit fits the digits 3456789');
    expect(value(parseBusinessId('123456-7'))).toBe('ERROR "123456-7" is not a Y-tunnus; expected seven digits, a hyphen and a check digit, e.g. 0123456-7');
  });

  test('agrees with finnish-business-ids on every seven digits and check digit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), fc.integer({ min: 0, max: 9 }), (digits, check) => {
        const id = `${String(digits).padStart(7, '0')}-${check}`;
        expect(parseBusinessId(id).ok).toBe(FinnishBusinessIds.isValidBusinessId(id));
      }),
    );
  });
});

describe('parseRate', () => {
  test.each([
    ['60', 600_000],
    ['60 %', 600_000],
    ['59,5', 595_000],
    ['43,00', 430_000],
    ['0.6', 600_000],
    ['100%', 1_000_000],
  ])('%j is %d millionths', (raw, expected) => expect(value(parseRate(raw))).toBe(expected));

  test('over 100 % and words are refused', () => {
    expect(value(parseRate('120'))).toBe('ERROR "120" is over 100 %; expected a rate between 0 and 100 %');
    expect(value(parseRate('puolet'))).toBe('ERROR "puolet" is not a percentage; expected e.g. 60 %, 59,5 or 0.6');
  });
});
