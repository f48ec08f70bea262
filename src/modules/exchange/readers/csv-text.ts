import { TextDecoder } from 'node:util';

/** How the CSV bytes become text: the encoding is detected, line ends become `\n`. */
export type TextEncodingName = 'utf-8' | 'windows-1252';

export interface DecodedText {
  /** Text chunks with `\n` line ends (a `\r\n` or lone `\r` becomes `\n`, also inside quoted cells). */
  chunks: AsyncGenerator<string>;
  /** The encoding decided on, once the first non-ASCII byte was seen (`utf-8` until then). */
  encoding: () => TextEncodingName;
}

function firstNonAscii(bytes: Buffer): number {
  for (let index = 0; index < bytes.length; index++) if (bytes[index] >= 0x80) return index;
  return -1;
}

/** A chunk that decodes as UTF-8 (a sequence cut at its end is allowed) is UTF-8; anything else is Windows-1252. */
function detect(bytes: Buffer): TextEncodingName {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/**
 * Decodes a CSV file streaming, in constant memory. Valid UTF-8 (with or without BOM) is read as
 * UTF-8; otherwise as Windows-1252, which Excel writes in Finland (its ISO-8859-1 is a subset, as the
 * WHATWG Encoding Standard and Node's built-in `TextDecoder` treat it). The decision is made on the
 * first chunk that holds a non-ASCII byte (ASCII reads the same in both); a UTF-8 file that breaks
 * later shows U+FFFD, which the reader reports on its line.
 */
export function decodeText(input: AsyncIterable<Buffer>): DecodedText {
  let encoding: TextEncodingName | null = null;
  async function* chunks(): AsyncGenerator<string> {
    let decoder: TextDecoder | null = null;
    let carriageReturn = false;
    let atStart = true;
    const lines = (text: string, last: boolean): string => {
      let value = (carriageReturn ? '\r' : '') + text;
      carriageReturn = !last && value.endsWith('\r');
      if (carriageReturn) value = value.slice(0, -1);
      return value.replace(/\r\n?/g, '\n');
    };
    for await (const chunk of input) {
      let bytes = chunk;
      if (atStart) {
        atStart = false;
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
          encoding = 'utf-8';
          bytes = bytes.subarray(3);
        }
      }
      if (decoder === null) {
        const index = encoding === null ? firstNonAscii(bytes) : 0;
        if (index < 0) {
          yield lines(bytes.toString('latin1'), false);
          continue;
        }
        encoding ??= detect(bytes.subarray(index));
        decoder = new TextDecoder(encoding, { ignoreBOM: true });
        const ascii = bytes.subarray(0, index).toString('latin1');
        yield lines(ascii + decoder.decode(bytes.subarray(index), { stream: true }), false);
        continue;
      }
      yield lines(decoder.decode(bytes, { stream: true }), false);
    }
    yield lines(decoder ? decoder.decode() : '', true);
  }
  return { chunks: chunks(), encoding: () => encoding ?? 'utf-8' };
}
