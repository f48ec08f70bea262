import { checkLooRow, kohesioDate, LOO_COLUMNS, percentage, cents, type LooRow } from './loo.rules';

function row(overrides: Partial<LooRow> = {}): LooRow {
  const base = Object.fromEntries(LOO_COLUMNS.map((column) => [column, ''])) as LooRow;
  return {
    ...base,
    Operation_Unique_Identifier: 'KAKE-KUO-2018-01',
    Operation_Start_Date: kohesioDate('2018-03-01'),
    Operation_End_Date: kohesioDate('2020-12-31'),
    Location_Indicator_Postcode: '70100',
    Total_Eligible_Expenditure_Currency: 'EUR',
    ...overrides,
  };
}

describe('the three Kohesio validator rules', () => {
  it('passes a complete EUR row', () => {
    expect(checkLooRow(row())).toEqual([]);
  });

  it('fails a row without any location field, and passes it with any one of them', () => {
    expect(checkLooRow(row({ Location_Indicator_Postcode: ' ' })).map((p) => p.rule)).toEqual(['LOCATION']);
    expect(checkLooRow(row({ Location_Indicator_Postcode: '', Location_Indicator_NUTS_code: 'FI1D3' }))).toEqual([]);
    expect(checkLooRow(row({ Location_Indicator_Postcode: '', Location_Indicator_latitude_longitude: '62.89,27.68' }))).toEqual([]);
  });

  it('fails a start after the end, and missing dates, and allows one-day operations', () => {
    const late = checkLooRow(row({ Operation_Start_Date: '01/01/2021' }));
    expect(late).toEqual([{ rule: 'DATES', column: 'Operation_Start_Date', message: 'start date 01/01/2021 is after end date 31/12/2020' }]);
    // dd/MM/yyyy compares by year first, not as text: 31/01/2019 is before 01/02/2019.
    expect(checkLooRow(row({ Operation_Start_Date: '31/01/2019', Operation_End_Date: '01/02/2019' }))).toEqual([]);
    expect(checkLooRow(row({ Operation_Start_Date: '05/05/2019', Operation_End_Date: '05/05/2019' }))).toEqual([]);
    expect(checkLooRow(row({ Operation_Start_Date: '' })).map((p) => p.column)).toEqual(['Operation_Start_Date']);
    expect(checkLooRow(row({ Operation_End_Date: '' })).map((p) => p.column)).toEqual(['Operation_End_Date']);
  });

  it('wants an exchange rate for any currency but EUR', () => {
    expect(checkLooRow(row({ Total_Eligible_Expenditure_Currency: 'SEK' })).map((p) => p.rule)).toEqual(['EXCHANGE_RATE']);
    expect(checkLooRow(row({ Total_Eligible_Expenditure_Currency: 'SEK', Total_Eligible_Expenditure_Exchange_Rate: '11.43' }))).toEqual([]);
  });

  it('reports every failed rule of a row', () => {
    const problems = checkLooRow(row({ Location_Indicator_Postcode: '', Operation_Start_Date: '', Total_Eligible_Expenditure_Currency: 'USD' }));
    expect(problems.map((p) => p.rule)).toEqual(['LOCATION', 'DATES', 'EXCHANGE_RATE']);
  });
});

describe('money', () => {
  it('computes the co-financing rate exactly, rounded half up', () => {
    expect(percentage(cents('60000.00'), cents('100000.00'))).toBe('60.00');
    expect(percentage(cents('1.00'), cents('3.00'))).toBe('33.33');
    expect(percentage(cents('2.00'), cents('3.00'))).toBe('66.67');
    expect(percentage(0n, 0n)).toBe('');
  });
});
