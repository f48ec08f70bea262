import { FundingSource } from './funding.enums';
import { addEuros, summarise } from './funding-totals';

describe('addEuros', () => {
  it('adds exactly, with no float error', () => {
    expect(addEuros(['0.10', '0.20'])).toBe('0.30');
    expect(addEuros(['999999999999.99', '0.01'])).toBe('1000000000000.00');
    expect(addEuros([])).toBe('0.00');
  });
});

describe('summarise', () => {
  it('totals sources and orders them as the enum does', () => {
    const totals = summarise([
      { source: FundingSource.MUNICIPAL, planned: '10.00', granted: '5.00', paid: '0.00' },
      { source: FundingSource.ESR, planned: '100.00', granted: '90.10', paid: '45.05' },
    ]);
    expect(totals).toEqual({
      planned: '110.00',
      granted: '95.10',
      paid: '45.05',
      bySource: [
        { source: FundingSource.ESR, planned: '100.00', granted: '90.10', paid: '45.05' },
        { source: FundingSource.MUNICIPAL, planned: '10.00', granted: '5.00', paid: '0.00' },
      ],
    });
  });
});
