/**
 * Stage 1 of the ETL: one raw file → records, each either a pair of string fields or a
 * quarantine reason (file, encoding, syntax, presence and type checks). Streaming: records are
 * yielded one at a time from a stream of lines.
 */
import { readCsv } from "./csv.ts";
import { BinaryFileError, iterLines, type SourceLine } from "./decode.ts";
import {
  checkFields,
  type FileFormat,
  formatOf,
  MAX_JSON_DEPTH,
  MAX_RAW_CODE_POINTS,
  normalizeWhitespace,
  type Reason,
  truncateCodePoints,
} from "./rules.ts";

/** A record read from a raw file: `reason` set (quarantined) or `text`/`label` as given. */
export interface ParsedRecord {
  source: string;
  /** 1-based line where the record starts; 0 for a record about the whole file. */
  line: number;
  /** The raw row (truncated to {@link MAX_RAW_CODE_POINTS} code points). */
  raw: string;
  reason: Reason | null;
  text: string;
  label: string;
}

function record(source: string, line: number, raw: string, reason: Reason | null, text = "", label = ""): ParsedRecord {
  return { source, line, raw: truncateCodePoints(raw, MAX_RAW_CODE_POINTS), reason, text, label };
}

function tooDeep(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (depth > MAX_JSON_DEPTH) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => tooDeep(child, depth + 1));
}

function field(obj: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(obj, name) ? obj[name] : undefined;
}

function parseJsonLine(source: string, line: SourceLine): ParsedRecord | undefined {
  if (line.valid && /^[ \t]*$/.test(line.text)) return undefined; // blank lines are not records
  if (!line.valid) return record(source, line.n, line.text, "invalid_utf8");
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    return record(source, line.n, line.text, "malformed_json");
  }
  if (tooDeep(value, 1)) return record(source, line.n, line.text, "malformed_json");
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return record(source, line.n, line.text, "not_an_object");
  }
  const obj = value as Record<string, unknown>;
  const text = field(obj, "text");
  const label = field(obj, "label");
  const reason = checkFields(text, label);
  return reason
    ? record(source, line.n, line.text, reason)
    : record(source, line.n, line.text, null, text as string, label as string);
}

function* parseCsv(source: string, lines: Iterable<SourceLine>): Generator<ParsedRecord> {
  const records = readCsv(lines);
  const first = records.next();
  if (first.done) return;
  const header = first.value;
  if (!header.valid) return yield record(source, header.line, header.raw, "invalid_utf8");
  if (!header.fields) return yield record(source, header.line, header.raw, "malformed_csv");
  const names = header.fields.map(normalizeWhitespace);
  const textAt = names.indexOf("text");
  const labelAt = names.indexOf("label");
  for (const row of records) {
    if (!row.valid) yield record(source, row.line, row.raw, "invalid_utf8");
    else if (!row.fields) yield record(source, row.line, row.raw, "malformed_csv");
    else if (row.fields.length !== names.length) yield record(source, row.line, row.raw, "wrong_column_count");
    else {
      const text = textAt >= 0 ? row.fields[textAt] : undefined;
      const label = labelAt >= 0 ? row.fields[labelAt] : undefined;
      const reason = checkFields(text, label);
      yield reason ? record(source, row.line, row.raw, reason) : record(source, row.line, row.raw, null, text, label);
    }
  }
}

/**
 * The records of a stream of lines of a JSON Lines or CSV file.
 * @throws BinaryFileError (from the lines) when a NUL byte turns up
 */
export function* parseLines(source: string, format: FileFormat, lines: Iterable<SourceLine>): Generator<ParsedRecord> {
  if (format === "csv") return yield* parseCsv(source, lines);
  for (const line of lines) {
    const rec = parseJsonLine(source, line);
    if (rec) yield rec;
  }
}

/**
 * Reads one whole raw object into records. Never throws for bad content: unsupported
 * extensions and binary files become one record about the whole file (line 0).
 * @param source the object key, kept in every record
 */
export function parseFile(source: string, bytes: Uint8Array): ParsedRecord[] {
  const format = formatOf(source);
  if (!format) return [fileRecord(source, "unsupported_format")];
  try {
    return [...parseLines(source, format, iterLines([bytes]))];
  } catch (err) {
    if (err instanceof BinaryFileError) return [fileRecord(source, "binary_file")];
    throw err;
  }
}

/** The one record of a file that is not read (line 0). */
export function fileRecord(source: string, reason: "binary_file" | "unsupported_format"): ParsedRecord {
  return record(source, 0, "", reason);
}
