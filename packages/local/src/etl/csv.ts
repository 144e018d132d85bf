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

/** One CSV record with the lines it came from. */
export interface CsvRecord {
  /** Line where the record starts (1-based). */
  line: number;
  /** The record's source lines joined with LF. */
  raw: string;
  /** False when one of its lines is not valid UTF-8. */
  valid: boolean;
  /** The fields, or undefined when the record is malformed. */
  fields: string[] | undefined;
}

/** Reads the records of a CSV file (header included, as the first record). */
export function readCsv(lines: readonly SourceLine[]): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.text === "") {
      i++;
      continue;
    }
    const first = i;
    const fields: string[] = [];
    let line = lines[i]!.text;
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
          if (i + 1 >= lines.length) {
            malformed = true; // quote still open at the end of the file
            break;
          }
          line = lines[++i]!.text;
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
    const span = lines.slice(first, i + 1);
    records.push({
      line: lines[first]!.n,
      raw: span.map((l) => l.text).join("\n"),
      valid: span.every((l) => l.valid),
      fields: malformed ? undefined : fields,
    });
    i++;
  }
  return records;
}
