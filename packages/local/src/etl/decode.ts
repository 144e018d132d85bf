/**
 * Bytes → physical lines. Lines are split at LF bytes (0x0A never occurs inside a
 * multi-byte UTF-8 sequence), so one bad byte spoils one line, not the whole file.
 */

/** One physical line of a raw file. */
export interface SourceLine {
  /** 1-based line number. */
  n: number;
  /** The line without its terminator (LF or CRLF); invalid bytes replaced by U+FFFD. */
  text: string;
  /** False when the line's bytes are not valid UTF-8. */
  valid: boolean;
}

const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });

/** A file is binary, not text, when it contains a NUL byte (UTF-16 text does too). */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.indexOf(0) !== -1;
}

function decodeLine(bytes: Uint8Array): { text: string; valid: boolean } {
  try {
    return { text: fatal.decode(bytes), valid: true };
  } catch {
    return { text: lenient.decode(bytes), valid: false };
  }
}

/**
 * Splits a file into lines: strips a UTF-8 BOM at the start of the file and a CR before
 * each LF; a final LF does not start another line.
 */
export function splitLines(bytes: Uint8Array): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let n = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    const next = end === -1 ? bytes.length : end + 1;
    if (end === -1) end = bytes.length;
    const stop = end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
    lines.push({ n: ++n, ...decodeLine(bytes.subarray(start, stop)) });
    start = next;
  }
  return lines;
}
