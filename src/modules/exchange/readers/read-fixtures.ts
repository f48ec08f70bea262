import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Scheme } from '../../programme/programme.enums';
import { FundingSource } from '../../funding/funding.enums';
import type { ReadItem } from '../exchange.records';
import { readRecords, type ReadOptions } from './index';
import type { ReadContext } from './read-context';

/** Test helpers of the readers: a hand-built read context (a small slice of the demo data) and fixture reading. */
export const FIXTURES = path.join(__dirname, '../../../../test/fixtures/import');

export function testContext(): ReadContext {
  const { ESR, STATE, EAFRD, MUNICIPAL } = FundingSource;
  return {
    programmes: [
      { code: 'KAKE-JOENSUU-2018', scheme: Scheme.KAKE, periodStart: '2018-01-01', periodEnd: '2020-12-31', fundSources: [ESR, STATE], municipalityCodes: ['167'] },
      { code: 'KAKE-KUOPIO-2014', scheme: Scheme.KAKE, periodStart: '2014-09-01', periodEnd: '2017-12-31', fundSources: [ESR, STATE, MUNICIPAL], municipalityCodes: ['297'] },
      { code: 'KAKE-KUOPIO-2018', scheme: Scheme.KAKE, periodStart: '2018-01-01', periodEnd: '2020-12-31', fundSources: [ESR, STATE, MUNICIPAL], municipalityCodes: ['297'] },
      { code: 'LEADER-KALAKUKKO-2014', scheme: Scheme.LEADER, periodStart: '2014-01-01', periodEnd: '2020-12-31', fundSources: [EAFRD, STATE], municipalityCodes: ['297'] },
      { code: 'RR-FI-2014-2020', scheme: Scheme.OTHER, periodStart: '2014-01-01', periodEnd: '2023-12-31', fundSources: [], municipalityCodes: [] },
    ],
    municipalityOfPostalCode: new Map([
      ['70100', '297'],
      ['70780', '297'],
      ['71160', '297'],
      ['80100', '167'],
    ]),
    municipalityByName: new Map([
      ['kuopio', '297'],
      ['joensuu', '167'],
      ['siilinjärvi', '749'],
    ]),
  };
}

export async function readAll(input: Readable, options: Partial<ReadOptions> & { fileName: string }): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const item of readRecords(input, { context: testContext(), today: '2024-06-01', ...options })) items.push(item);
  return items;
}

export function readFixture(name: string, options: Partial<ReadOptions> = {}): Promise<ReadItem[]> {
  return readAll(createReadStream(path.join(FIXTURES, name), { highWaterMark: 64 }), { fileName: name, ...options });
}

export function readText(text: string | Buffer, options: Partial<ReadOptions> = {}): Promise<ReadItem[]> {
  return readAll(Readable.from([Buffer.isBuffer(text) ? text : Buffer.from(text)]), { fileName: 'test.csv', ...options });
}
