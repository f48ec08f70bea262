import { parseEuros } from './scalars';

describe('Euros', () => {
  it.each([
    ['0', '0.00'],
    ['12', '12.00'],
    ['12.5', '12.50'],
    ['300000.05', '300000.05'],
    [1250.5, '1250.50'],
  ])('normalises %p to %p', (input, expected) => {
    expect(parseEuros(input)).toBe(expected);
  });

  it.each(['-1', '1.234', '01', '1e3', 'abc', '', null, Number.NaN, '1 000'])('refuses %p', (input) => {
    expect(() => parseEuros(input)).toThrow(/Euros must be/);
  });
});
