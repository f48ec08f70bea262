import { PostalAreaKind } from './geography.enums';
import { postalAreaKind, postiDate } from './reference-data';

describe("Posti's postal-code data", () => {
  it('maps type codes to kinds', () => {
    expect(postalAreaKind('1')).toBe(PostalAreaKind.NORMAL);
    expect(postalAreaKind('6')).toBe(PostalAreaKind.PARCEL_LOCKER);
    expect(postalAreaKind('9')).toBe(PostalAreaKind.TECHNICAL);
  });

  it('turns YYYYMMDD into ISO dates', () => {
    expect(postiDate('19881101')).toBe('1988-11-01');
    expect(postiDate('')).toBeNull();
  });
});
