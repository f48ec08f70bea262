import type { ReadItem } from '../exchange.records';
import type { ReadOptions } from './index';

/** Reads Silta's own JSON format (`silta/1`), streaming. PLACEHOLDER until the writer branch lands. */
// eslint-disable-next-line require-yield
export async function* readSiltaJson(_input: AsyncIterable<Buffer>, _options: ReadOptions): AsyncGenerator<ReadItem> {
  throw new Error('readSiltaJson is not built yet');
}
