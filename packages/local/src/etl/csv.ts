/**
 * A strict RFC 4180 reader over decoded lines, written out (not a library) so the local
 * runner and the Glue job parse every file — malformed ones included — the same way and
 * report the same line numbers. csv-parse is the oracle for well-formed files in the tests.
 *
 * Rules: fields separated by `,`; records end at a line end outside quotes; a field that
 * starts with `"` is quoted, `""` inside it is one `"`, and it may span lines (joined with
 * LF); a `"` inside an unquoted field is an ordinary character; anything but `,` or the line
 * end after a closing quote, or a quote still open at the end of the file, makes the record
 * malformed (the reader resumes at the next line). Empty lines between records are skipped.
 */
import type { SourceLine } from "./decode.ts";
import { MAX_RAW_CODE_POINTS } from "./rules.ts";

/** One CSV record with the lines it came from. */
export interface CsvRecord {
  /** Line where the record starts (1-based). */
  line: number;
  /** The record's source lines joined with LF (at least its first {@link MAX_RAW_CODE_POINTS} code points). */
  raw: string;
  /** False when one of its lines is not valid UTF-8. */
  valid: boolean;
  /** The fields, or undefined when the record is malformed. */
  fields: string[] | undefined;
}

/**
 * Reads the records of a CSV file (header included, as the first record), streaming: it holds one
 * record at a time, and only the first {@link MAX_RAW_CODE_POINTS} code points of its raw text.
 */
export function* readCsv(source: Iterable<SourceLine>): Generator<CsvRecord> {
  const lines = source[Symbol.iterator]();
  for (let next = lines.next(); !next.done; next = lines.next()) {
    let { text: line, valid } = next.value;
    if (line === "") continue;
    const first = next.value.n;
    const raw = [line];
    let rawLength = line.length;
    const fields: string[] = [];
    let pos = 0;
    let malformed = false;
    for (;;) {
      if (line.charCodeAt(pos) !== 0x22) {
        const comma = line.indexOf(",", pos);
        fields.push(line.slice(pos, comma === -1 ? line.length : comma));
        if (comma === -1) break;
        pos = comma + 1;
        continue;
      }
      // Quoted field.
      let field = "";
      pos++;
      for (;;) {
        const quote = line.indexOf('"', pos);
        if (quote === -1) {
          field += `${line.slice(pos)}\n`;
          const more = lines.next();
          if (more.done) {
            malformed = true; // quote still open at the end of the file
            break;
          }
          line = more.value.text;
          valid &&= more.value.valid;
          if (rawLength <= 2 * MAX_RAW_CODE_POINTS) {
            raw.push(line);
            rawLength += 1 + line.length;
          }
          pos = 0;
        } else if (line.charCodeAt(quote + 1) === 0x22) {
          field += `${line.slice(pos, quote)}"`;
          pos = quote + 2;
        } else {
          field += line.slice(pos, quote);
          pos = quote + 1;
          break;
        }
      }
      if (malformed) break;
      fields.push(field);
      if (pos === line.length) break;
      if (line.charCodeAt(pos) !== 0x2c) {
        malformed = true; // text after a closing quote
        break;
      }
      pos++;
    }
    yield { line: first, raw: raw.join("\n"), valid, fields: malformed ? undefined : fields };
  }
}
