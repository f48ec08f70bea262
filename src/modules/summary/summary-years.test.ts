import { checkYears } from './summary-years';

describe('checkYears', () => {
  it('leaves the choice to the programme period when no years are given', () => {
    expect(checkYears(null)).toBeNull();
    expect(checkYears(undefined)).toBeNull();
  });

  it('sorts and removes repeats', () => {
    expect(checkYears([2020, 2018, 2020])).toEqual([2018, 2020]);
    expect(checkYears([])).toEqual([]);
  });

  it('refuses years outside 1900–2199 with BAD_USER_INPUT', () => {
    for (const year of [1899, 2200, -1]) {
      expect(() => checkYears([2018, year])).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argumentName: 'years' }) }));
    }
    expect(checkYears([1900, 2199])).toEqual([1900, 2199]);
  });

  it('refuses more than 50 distinct years', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => 2000 + i);
    expect(checkYears(fifty)).toHaveLength(50);
    expect(() => checkYears([...fifty, 2050])).toThrow(/At most 50 years/);
    expect(checkYears([...fifty, 2000])).toHaveLength(50);
  });
});
