import { SILTA_FORMAT, type ImportProblem, type ReadItem } from '../exchange.records';
import type { ReadOptions } from './index';
import { recordSchemaProblems, type RecordKind } from './silta-schema';

/** A record larger than this is refused rather than buffered (a file's records are small). */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

const LISTS: Record<string, RecordKind> = { programmes: 'programme', organisations: 'organisation', projects: 'project' };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === NEWLINE || byte === 0x0d;
}

class FatalProblem extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

interface Region {
  /** The element or member value text, still in pieces. */
  parts: Buffer[];
  bytes: number;
  line: number;
}

type Mode = 'start' | 'key' | 'colon' | 'value' | 'member' | 'list' | 'element' | 'after' | 'done';

/**
 * Reads Silta's own JSON format (`silta/1`) in constant memory: the document is cut into its records
 * by a small scanner that follows strings and nesting and counts lines, so each record is parsed alone
 * (`JSON.parse`) and reported with the physical line where it starts. Streaming JSON libraries
 * (stream-json, @streamparser/json) give no line numbers, and the report needs them. Each record is
 * then checked against `docs/formats/silta-1.schema.json` with ajv.
 */
export async function* readSiltaJson(input: AsyncIterable<Buffer>, options: ReadOptions): AsyncGenerator<ReadItem> {
  const file = options.fileName;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const counters: Record<RecordKind, number> = { programme: 0, organisation: 0, project: 0 };
  let mode: Mode = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let firstChunk = true;
  let key: string | null = null;
  let keyRegion: Region | null = null;
  let region: Region | null = null;
  let regionStart = -1;
  let format: string | null = null;
  let listKind: RecordKind | null = null;
  const seenKeys = new Set<string>();

  const problem = (at: number, column: string | null, message: string): ReadItem => ({
    kind: 'invalid',
    problems: [{ file, line: at, column, message }],
    origin: { file, line: at },
  });

  function text(done: Region): string {
    try {
      return decoder.decode(Buffer.concat(done.parts, done.bytes));
    } catch {
      throw new FatalProblem(done.line, 'The file is not UTF-8 (save it as UTF-8, with or without BOM)');
    }
  }

  function recordItem(kind: RecordKind, done: Region): ReadItem {
    const index = counters[kind]++;
    const base = `${kind}s[${index}]`;
    let value: unknown;
    try {
      value = JSON.parse(text(done));
    } catch (error) {
      if (error instanceof FatalProblem) throw error;
      return problem(done.line, base, `Not valid JSON: ${(error as Error).message}`);
    }
    const problems: ImportProblem[] = recordSchemaProblems(kind, value, base).map((found) => ({ file, line: done.line, column: found.column, message: found.message }));
    const origin = { file, line: done.line, path: base };
    if (problems.length > 0) return { kind: 'invalid', problems, origin };
    return { kind, record: value, origin } as ReadItem;
  }

  function memberValue(done: Region): ReadItem | null {
    const raw = text(done);
    if (key !== 'format') return problem(done.line, key, `Unknown member "${key}" (expected format, programmes, organisations, projects)`);
    try {
      format = JSON.parse(raw) as string;
    } catch {
      format = null;
    }
    if (format !== SILTA_FORMAT) throw new FatalProblem(done.line, `format must be "${SILTA_FORMAT}", not ${raw.trim()}`);
    return null;
  }

  try {
    for await (const piece of input) {
      let chunk = piece;
      if (firstChunk) {
        firstChunk = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      }
      const items: ReadItem[] = [];
      if (region) regionStart = 0;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === NEWLINE) line++;
        if (inString) {
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) {
            inString = false;
            if (mode === 'key' && keyRegion) {
              keyRegion.parts.push(chunk.subarray(regionStart, i + 1));
              keyRegion.bytes += i + 1 - regionStart;
              key = JSON.parse(text(keyRegion)) as string;
              keyRegion = null;
              region = null;
              mode = 'colon';
            }
          }
          continue;
        }
        if (isSpace(byte)) continue;
        switch (mode) {
          case 'start':
            if (byte !== OPEN_BRACE) throw new FatalProblem(line, `A ${SILTA_FORMAT} file is one JSON object: {"format": "${SILTA_FORMAT}", …}`);
            depth = 1;
            mode = 'key';
            break;
          case 'key':
            if (byte === CLOSE_BRACE) {
              depth = 0;
              mode = 'done';
            } else if (byte === QUOTE) {
              inString = true;
              keyRegion = { parts: [], bytes: 0, line };
              region = keyRegion;
              regionStart = i;
            } else if (byte !== COMMA) {
              throw new FatalProblem(line, 'Expected a member name in quotes');
            }
            break;
          case 'colon':
            if (byte !== COLON) throw new FatalProblem(line, `Expected ":" after "${key}"`);
            if (key !== null && seenKeys.has(key)) throw new FatalProblem(line, `"${key}" appears twice`);
            if (key !== null) seenKeys.add(key);
            mode = 'value';
            break;
          case 'value':
            if (key !== null && key in LISTS && byte === OPEN_BRACKET) {
              if (format === null) throw new FatalProblem(line, `"format": "${SILTA_FORMAT}" must come first`);
              listKind = LISTS[key];
              depth = 2;
              mode = 'list';
              break;
            }
            if (key !== null && key in LISTS) throw new FatalProblem(line, `"${key}" must be a list: [ … ]`);
            region = { parts: [], bytes: 0, line };
            regionStart = i;
            mode = 'member';
            i--;
            break;
          case 'list':
            if (byte === CLOSE_BRACKET) {
              depth = 1;
              mode = 'after';
            } else if (byte !== COMMA) {
              region = { parts: [], bytes: 0, line };
              regionStart = i;
              mode = 'element';
              i--;
            }
            break;
          case 'after':
            if (byte === COMMA) mode = 'key';
            else if (byte === CLOSE_BRACE) {
              depth = 0;
              mode = 'done';
            } else throw new FatalProblem(line, 'Expected "," or "}" after a list');
            break;
          case 'done':
            throw new FatalProblem(line, 'Unexpected text after the end of the document');
          case 'member':
          case 'element': {
            const own = mode === 'member' ? 1 : 2;
            if (byte === QUOTE) inString = true;
            else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
            else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET || byte === COMMA) && depth === own) {
              const done = region!;
              done.parts.push(chunk.subarray(regionStart, i));
              done.bytes += i - regionStart;
              region = null;
              if (mode === 'element') {
                items.push(recordItem(listKind!, done));
                if (byte === CLOSE_BRACE) throw new FatalProblem(line, 'Expected "]" to close the list');
                if (byte === CLOSE_BRACKET) {
                  depth = 1;
                  mode = 'after';
                } else mode = 'list';
              } else {
                const item = memberValue(done);
                if (item) items.push(item);
                if (byte === CLOSE_BRACKET) throw new FatalProblem(line, 'Unexpected "]"');
                if (byte === CLOSE_BRACE) {
                  depth = 0;
                  mode = 'done';
                } else mode = 'key';
              }
            } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
            break;
          }
        }
        if (region && region.bytes + (i - regionStart) > MAX_RECORD_BYTES) {
          throw new FatalProblem(region.line, `A record longer than ${MAX_RECORD_BYTES} bytes is refused`);
        }
      }
      if (region) {
        region.parts.push(chunk.subarray(regionStart));
        region.bytes += chunk.length - regionStart;
      }
      yield* items;
    }
    if (firstChunk || mode === 'start') throw new FatalProblem(1, 'The file is empty');
    if (mode !== 'done') throw new FatalProblem(line, 'The file ends in the middle of the document (cut short?)');
    if (format === null) throw new FatalProblem(1, `"format": "${SILTA_FORMAT}" is missing`);
  } catch (error) {
    if (!(error instanceof FatalProblem)) throw error;
    yield problem(error.line, null, error.message);
  }
}
