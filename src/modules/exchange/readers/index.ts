import type { Readable } from 'node:stream';
import type { ReadItem } from '../exchange.records';
import { readCsv } from './csv.reader';
import type { ReadContext } from './read-context';
import { readSiltaJson } from './silta-json.reader';

/** The formats `silta import` reads; detected from the content when not given. */
export type ImportFormat = 'silta-json' | 'silta-csv' | 'eu-operations' | 'leader-decisions';

export interface ReadOptions {
  /** The name errors are reported under (the path as the user gave it, or the upload's name). */
  fileName: string;
  /** `--programme CODE`: every row belongs to this programme (no inference). */
  programmeCode?: string;
  /** Force a format instead of detecting it. */
  format?: ImportFormat;
  /** A column mapping file for EU lists of operations (default: the bundled one). */
  mappingFile?: string;
  /** Today in Finland (YYYY-MM-DD), for statuses derived from dates; defaults to the real today. */
  today?: string;
  context: ReadContext;
}

/**
 * Reads an import file as a stream of records (or problems), one per row, in constant memory. JSON
 * (first non-blank character `{`) is Silta's own format; anything else is CSV, whose format is told by
 * its header unless `format` says it.
 */
export async function* readRecords(input: Readable, options: ReadOptions): AsyncGenerator<ReadItem> {
  const chunks = input[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) return;
  const head = Buffer.isBuffer(first.value) ? first.value : Buffer.from(String(first.value));
  async function* replay(): AsyncGenerator<Buffer> {
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(String(next.value));
    }
  }
  const text = head.subarray(0, 64).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  const isJson = options.format === 'silta-json' || (options.format === undefined && text.startsWith('{'));
  yield* isJson ? readSiltaJson(replay(), options) : readCsv(replay(), options);
}
