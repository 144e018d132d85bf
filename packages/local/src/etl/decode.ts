/**
 * Bytes → physical lines, streaming. Lines are split at LF bytes (0x0A never occurs inside a
 * multi-byte UTF-8 sequence), so one bad byte spoils one line, not the whole file; memory holds
 * one line, not the file.
 */
import { isUtf8 } from "node:buffer";

/** One physical line of a raw file. */
export interface SourceLine {
  /** 1-based line number (within the segment being read; see segment.ts). */
  n: number;
  /** The line without its terminator (LF or CRLF); invalid bytes replaced by U+FFFD. */
  text: string;
  /** False when the line's bytes are not valid UTF-8. */
  valid: boolean;
}

/** The file holds a NUL byte: it is not text (UTF-16 included). */
export class BinaryFileError extends Error {
  constructor() {
    super("the file holds a NUL byte");
    this.name = "BinaryFileError";
  }
}

const lenient = new TextDecoder("utf-8", { ignoreBOM: true });

/** A file is binary, not text, when it contains a NUL byte (UTF-16 text does too). */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.indexOf(0) !== -1;
}

/** Decodes one line (CR at its end dropped, and a BOM when it is the file's first line). */
function decodeLine(n: number, bytes: Buffer, first: boolean): SourceLine {
  let start = 0;
  let end = bytes.length;
  if (first && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  if (end > start && bytes[end - 1] === 0x0d) end--;
  const line = bytes.subarray(start, end);
  if (isUtf8(line)) return { n, text: line.toString("utf8"), valid: true };
  return { n, text: lenient.decode(line), valid: false };
}

/**
 * Lines of a stream of byte chunks: LF splits; a CR before LF (or at the end) is dropped; a UTF-8
 * BOM at the very start is dropped when `atFileStart`; a final LF does not start another line.
 * @throws BinaryFileError at the first chunk holding a NUL byte
 */
export function* iterLines(chunks: Iterable<Uint8Array>, atFileStart = true): Generator<SourceLine> {
  let n = 0;
  let carry: Buffer[] = []; // pieces of the line being read (a line may span chunks)
  for (const chunk of chunks) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (bytes.indexOf(0) !== -1) throw new BinaryFileError();
    let start = 0;
    for (let end = bytes.indexOf(0x0a, start); end !== -1; end = bytes.indexOf(0x0a, start)) {
      let piece = bytes.subarray(start, end);
      if (carry.length > 0) {
        carry.push(piece);
        piece = Buffer.concat(carry);
        carry = [];
      }
      n++;
      yield decodeLine(n, piece, atFileStart && n === 1);
      start = end + 1;
    }
    if (start < bytes.length) carry.push(Buffer.from(bytes.subarray(start))); // the chunk's buffer may be reused
  }
  if (carry.length > 0) yield decodeLine(n + 1, Buffer.concat(carry), atFileStart && n === 0);
}

/** All lines of a whole file (see {@link iterLines}). */
export function splitLines(bytes: Uint8Array): SourceLine[] {
  return [...iterLines([bytes])];
}
