import { conditionsSql, matchesConditions, type ActivityConditions } from './activity.log';
import { ActivityType } from './activity.enums';

const row = {
  type: ActivityType.PROJECT_UPDATED,
  schemes: ['KAKE'],
  programme_ids: [1],
  organisation_ids: [10, 11],
  project_ids: [100],
  postal_codes: ['70100', '70780'],
  cross_divide: false,
};

describe('matchesConditions (shared subscription reads filter rows in memory, as conditionsSql does in SQL)', () => {
  it.each<[string, ActivityConditions, boolean]>([
    ['no conditions', {}, true],
    ['empty lists mean no condition', { types: [], schemes: [], postalCodes: [] }, true],
    ['a kind listed', { types: [ActivityType.PROJECT_CREATED, ActivityType.PROJECT_UPDATED] }, true],
    ['no kind listed matches', { types: [ActivityType.FUNDING_DECIDED] }, false],
    ['any scheme of the list', { schemes: ['LEADER', 'KAKE'] }, true],
    ['another scheme', { schemes: ['LEADER'] }, false],
    ['a programme', { programmeIds: [2, 1] }, true],
    ['an organisation', { organisationIds: [11] }, true],
    ['another project', { projectIds: [101] }, false],
    ['one postal code of several', { postalCodes: ['70870', '70780'] }, true],
    ['other postal codes', { postalCodes: ['70870'] }, false],
    ['crossing the divide only', { crossDivideOnly: true }, false],
    ['every condition must hold', { schemes: ['KAKE'], postalCodes: ['70870'] }, false],
    ['… and does', { schemes: ['KAKE'], postalCodes: ['70100'], types: [ActivityType.PROJECT_UPDATED] }, true],
  ])('%s', (_name, conditions, expected) => {
    expect(matchesConditions(row, conditions)).toBe(expected);
  });

  it('knows every condition conditionsSql knows', () => {
    // A condition added to the SQL filter must be added to matchesConditions too: this lists them.
    const all: Required<ActivityConditions> = {
      types: [ActivityType.PROJECT_UPDATED], schemes: ['KAKE'], programmeIds: [1], organisationIds: [10], projectIds: [100], postalCodes: ['70100'], crossDivideOnly: true,
    };
    expect(conditionsSql(all, 1).sql.split(' and ')).toHaveLength(Object.keys(all).length);
    expect(matchesConditions({ ...row, cross_divide: true }, all)).toBe(true);
    for (const key of Object.keys(all) as Array<keyof ActivityConditions>) {
      const one = { [key]: key === 'crossDivideOnly' ? true : key === 'types' ? [ActivityType.FUNDING_DECIDED] : key === 'schemes' || key === 'postalCodes' ? ['none'] : [-1] };
      expect([key, matchesConditions({ ...row, cross_divide: false }, one)]).toEqual([key, false]);
    }
  });
});
