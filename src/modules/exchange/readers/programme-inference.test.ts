import { FundingSource } from '../../funding/funding.enums';
import { inferProgramme } from './programme-inference';
import { testContext } from '../../../../test/fixtures/import/read-fixtures';

const { programmes } = testContext();
const infer = (clues: Parameters<typeof inferProgramme>[1]) => {
  const result = inferProgramme(programmes, clues);
  return result.ok ? result.value : `ERROR ${result.message}`;
};

describe('inferProgramme', () => {
  test('the fund picks the scheme, the municipality the city', () => {
    expect(infer({ fund: FundingSource.ESR, municipalityCodes: ['167'], start: '2019-01-01', end: '2019-12-31' })).toBe('KAKE-JOENSUU-2018');
    expect(infer({ fund: FundingSource.ESR, municipalityCodes: ['297'], start: '2019-01-01', end: '2019-12-31' })).toBe('KAKE-KUOPIO-2018');
    expect(infer({ fund: FundingSource.EAFRD, municipalityCodes: [], start: '2016-01-01', end: null })).toBe('LEADER-KALAKUKKO-2014');
  });

  test('the n+3 rule: a project may end up to three years after its programme, not more', () => {
    expect(infer({ fund: FundingSource.EAFRD, municipalityCodes: ['297'], start: '2020-06-01', end: '2023-12-31' })).toBe('LEADER-KALAKUKKO-2014');
    expect(infer({ fund: FundingSource.EAFRD, municipalityCodes: ['297'], start: '2020-06-01', end: '2024-01-01' })).toMatch(/^ERROR No programme fits this row .*--programme/);
  });

  test('a project running into the next period belongs to the one it starts in', () => {
    expect(infer({ fund: FundingSource.ESR, municipalityCodes: ['297'], start: '2017-06-01', end: '2018-06-30' })).toBe('KAKE-KUOPIO-2014');
  });

  test('outside every territory is not refused: fund and dates decide when they single one out', () => {
    expect(infer({ fund: FundingSource.EAFRD, municipalityCodes: ['749'], start: '2019-01-01', end: '2019-12-31' })).toBe('LEADER-KALAKUKKO-2014');
  });

  test('two cities and no location is ambiguous, and the message names --programme and the candidates', () => {
    expect(infer({ fund: FundingSource.ESR, municipalityCodes: [], start: '2019-01-01', end: '2019-12-31' })).toBe(
      'ERROR More than one programme fits this row (KAKE-JOENSUU-2018, KAKE-KUOPIO-2018; fund ESR, dates 2019-01-01…2019-12-31, no known location); choose one with --programme CODE or a programme column',
    );
  });
});
