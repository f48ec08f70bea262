import { FundingSource } from './funding.enums';
import {
  applicableCeilings,
  breachMessage,
  decisionYear,
  findCeilingBreaches,
  formatEuros,
  fromCents,
  toCents,
  type CeilingRule,
} from './ceilings';

const { ESR, STATE, MUNICIPAL, EAFRD } = FundingSource;

const KAKE_HARD: CeilingRule = { id: 1, sources: [ESR, STATE], annualAmount: '300000.00', year: null, approximate: false };
const KAKE_CITY: CeilingRule = { id: 2, sources: [MUNICIPAL], annualAmount: '100000.00', year: null, approximate: true };

describe('toCents and fromCents', () => {
  it('convert exactly, with no float error', () => {
    expect(toCents('0.10') + toCents('0.20')).toBe(toCents('0.30'));
    expect(toCents('1250.5')).toBe(125050n);
    expect(toCents('7')).toBe(700n);
    expect(fromCents(toCents('999999999999.99') + 1n)).toBe('1000000000000.00');
    expect(fromCents(5n)).toBe('0.05');
    expect(fromCents(-5n)).toBe('-0.05');
  });

  it('refuses anything that is not a non-negative amount with at most two decimals', () => {
    for (const bad of ['-5.00', '1.234', 'abc', '', '1e3']) expect(() => toCents(bad)).toThrow(/Not a euro amount/);
  });
});

describe('decisionYear', () => {
  it('is the calendar year of the date, or null', () => {
    expect(decisionYear('2019-12-31')).toBe(2019);
    expect(decisionYear(null)).toBeNull();
    expect(decisionYear(undefined)).toBeNull();
  });
});

describe('applicableCeilings', () => {
  const only2019: CeilingRule = { ...KAKE_HARD, id: 3, year: 2019, annualAmount: '250000.00' };

  it('keeps hard ceilings that list the source and apply to the year', () => {
    expect(applicableCeilings([KAKE_HARD, KAKE_CITY, only2019], ESR, 2019)).toEqual([KAKE_HARD, only2019]);
    expect(applicableCeilings([KAKE_HARD, KAKE_CITY, only2019], STATE, 2020)).toEqual([KAKE_HARD]);
  });

  it('never includes approximate ceilings or ceilings of other sources', () => {
    expect(applicableCeilings([KAKE_HARD, KAKE_CITY], MUNICIPAL, 2019)).toEqual([]);
    expect(applicableCeilings([KAKE_HARD, KAKE_CITY], EAFRD, 2019)).toEqual([]);
  });
});

describe('findCeilingBreaches', () => {
  const decision = (granted: string, source = ESR, decisionDate: string | null = '2019-05-02') => ({ source, granted, decisionDate });

  it('allows a decision that reaches the ceiling exactly', () => {
    expect(findCeilingBreaches([KAKE_HARD], decision('50000.00'), { ESR: '200000.00', STATE: '50000.00' })).toEqual([]);
  });

  it('reports a decision one cent over, counting every source of the ceiling together', () => {
    const breaches = findCeilingBreaches([KAKE_HARD], decision('50000.01', STATE), { ESR: '200000.00', STATE: '50000.00', MUNICIPAL: '999999.00' });
    expect(breaches).toEqual([{ ceiling: KAKE_HARD, year: 2019, currentTotal: '250000.00', newTotal: '300000.01' }]);
  });

  it('ignores approximate ceilings, other sources and lines without a decision date or amount', () => {
    expect(findCeilingBreaches([KAKE_CITY], decision('200000.00', MUNICIPAL), {})).toEqual([]);
    expect(findCeilingBreaches([KAKE_HARD], decision('400000.00', EAFRD), {})).toEqual([]);
    expect(findCeilingBreaches([KAKE_HARD], decision('400000.00', ESR, null), {})).toEqual([]);
    expect(findCeilingBreaches([KAKE_HARD], decision('0.00'), { ESR: '400000.00' })).toEqual([]);
  });

  it('applies a one-year ceiling only in its year', () => {
    const only2018: CeilingRule = { ...KAKE_HARD, year: 2018, annualAmount: '10.00' };
    expect(findCeilingBreaches([only2018], decision('20.00', ESR, '2019-01-01'), {})).toEqual([]);
    expect(findCeilingBreaches([only2018], decision('20.00', ESR, '2018-12-31'), {})).toHaveLength(1);
  });

  it('reports each breached ceiling', () => {
    const tight: CeilingRule = { id: 9, sources: [ESR], annualAmount: '100.00', year: 2019, approximate: false };
    expect(findCeilingBreaches([KAKE_HARD, tight], decision('300000.01'), {}).map((b) => b.ceiling.id)).toEqual([1, 9]);
  });

  it('counts the stored line in the current total when updating within the same ceiling and year', () => {
    const previous = decision('40000.00');
    const breaches = findCeilingBreaches([KAKE_HARD], decision('60000.00'), { ESR: '250000.00' }, previous);
    expect(breaches).toEqual([{ ceiling: KAKE_HARD, year: 2019, currentTotal: '290000.00', newTotal: '310000.00' }]);
    // Moved to another year: the stored amount does not count in the new year's current total.
    const moved = findCeilingBreaches([KAKE_HARD], decision('60000.00', ESR, '2020-01-15'), { ESR: '250000.00' }, previous);
    expect(moved[0].currentTotal).toBe('250000.00');
  });

  it('never refuses a change that does not raise the total, even in a year that is already over', () => {
    const previous = decision('80000.00');
    expect(findCeilingBreaches([KAKE_HARD], decision('70000.00'), { ESR: '290000.00' }, previous)).toEqual([]);
    expect(findCeilingBreaches([KAKE_HARD], decision('80000.00', STATE), { ESR: '290000.00' }, previous)).toEqual([]);
  });
});

describe('breachMessage', () => {
  it('names the ceiling, the year, the current total and the new total', () => {
    expect(formatEuros('1300000.50')).toBe('1 300 000.50 €');
    const message = breachMessage({ ceiling: KAKE_HARD, year: 2019, currentTotal: '250000.00', newTotal: '310000.00' });
    expect(message).toContain('300 000.00 € a year for ESR + STATE');
    expect(message).toContain('in 2019');
    expect(message).toContain('granted so far 250 000.00 €');
    expect(message).toContain('with this decision 310 000.00 €');
  });
});
