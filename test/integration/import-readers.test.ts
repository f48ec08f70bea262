import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { ReadItem } from '../../src/modules/exchange/exchange.records';
import { readRecords } from '../../src/modules/exchange/readers';
import { loadReadContext, type ReadContext } from '../../src/modules/exchange/readers/read-context';
import { startTestApp, type TestApp } from '../support/test-app';

const FIXTURES = path.join(__dirname, '../fixtures/import');

async function read(name: string, context: ReadContext): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const item of readRecords(createReadStream(path.join(FIXTURES, name)), { fileName: name, context, today: '2024-06-01' })) items.push(item);
  return items;
}

describe('the CSV readers on the demo database’s read context', () => {
  let app: TestApp;
  let context: ReadContext;

  beforeAll(async () => {
    app = await startTestApp('demo');
    context = await loadReadContext(app.orm.em.fork());
  });

  afterAll(async () => {
    await app.close();
  });

  test('loadReadContext: the demo programmes with their funders’ sources and territory, and Posti’s places', () => {
    const byCode = new Map(context.programmes.map((programme) => [programme.code, programme]));
    expect([...byCode.keys()].sort()).toEqual(
      ['KAKE-JOENSUU-2018', 'KAKE-KUOPIO-2014', 'KAKE-KUOPIO-2018', 'KAKE-MIKKELI-2018', 'KAKE-SAVONLINNA-2018', 'LEADER-KALAKUKKO-2014', 'MAASEUTU-FI-2014-2020', 'RR-FI-2014-2020'],
    );
    expect(byCode.get('KAKE-KUOPIO-2018')).toEqual({
      code: 'KAKE-KUOPIO-2018',
      scheme: 'KAKE',
      periodStart: '2018-01-01',
      periodEnd: '2020-12-31',
      fundSources: expect.arrayContaining(['ESR', 'STATE', 'MUNICIPAL']),
      municipalityCodes: ['297'],
    });
    expect(byCode.get('LEADER-KALAKUKKO-2014')).toMatchObject({ scheme: 'LEADER', fundSources: expect.arrayContaining(['EAFRD']), municipalityCodes: ['297'] });
    expect(byCode.get('KAKE-JOENSUU-2018')).toMatchObject({ municipalityCodes: ['167'] });
    expect(byCode.get('RR-FI-2014-2020')).toMatchObject({ scheme: 'OTHER', municipalityCodes: [] });
    expect(context.municipalityOfPostalCode.get('70100')).toBe('297');
    expect(context.municipalityOfPostalCode.get('80100')).toBe('167');
    expect(context.municipalityByName.get('kuopio')).toBe('297');
    expect(context.municipalityByName.get('helsingfors')).toBe('091');
    expect(context.postalCodesByName?.get('vehmersalmi')).toEqual(['71310']);
  });

  test('Leader decisions and an Annex XII list land in the demo programmes by inference', async () => {
    const leader = await read('leader-decisions-three-bad.csv', context);
    expect(leader.filter((item) => item.kind === 'project').map((item) => item.kind === 'project' && item.record.programmeCode)).toEqual([
      'LEADER-KALAKUKKO-2014',
      'LEADER-KALAKUKKO-2014',
    ]);
    expect(leader.filter((item) => item.kind === 'invalid').map((item) => item.origin.line)).toEqual([3, 4, 5]);
    const eu = await read('eu-operations-2014-fi.csv', context);
    expect(eu.flatMap((item) => (item.kind === 'project' ? [[item.record.code, item.record.programmeCode]] : []))).toEqual([
      ['S21001', 'KAKE-KUOPIO-2018'],
      ['S21002', 'KAKE-JOENSUU-2018'],
    ]);
  });
});
