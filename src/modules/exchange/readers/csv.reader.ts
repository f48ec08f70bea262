import type { ReadItem } from '../exchange.records';
import type { ReadOptions } from './index';

/** Reads CSV imports (Silta's CSV, EU lists of operations, Leader decisions). PLACEHOLDER until the reader branch lands. */
// eslint-disable-next-line require-yield
export async function* readCsv(_input: AsyncIterable<Buffer>, _options: ReadOptions): AsyncGenerator<ReadItem> {
  throw new Error('readCsv is not built yet');
}
