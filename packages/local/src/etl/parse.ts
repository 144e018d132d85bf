/**
 * Stage 1 of the ETL: one raw file → records, each either a pair of string fields or a
 * quarantine reason (file, encoding, syntax, presence and type checks).
 */
import { readCsv } from "./csv.ts";
import { isBinary, type SourceLine, splitLines } from "./decode.ts";
import {
  checkFields,
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

function parseCsv(source: string, lines: SourceLine[]): ParsedRecord[] {
  const [header, ...rows] = readCsv(lines);
  if (!header) return [];
  if (!header.valid) return [record(source, header.line, header.raw, "invalid_utf8")];
  if (!header.fields) return [record(source, header.line, header.raw, "malformed_csv")];
  const names = header.fields.map(normalizeWhitespace);
  const textAt = names.indexOf("text");
  const labelAt = names.indexOf("label");
  return rows.map((row) => {
    if (!row.valid) return record(source, row.line, row.raw, "invalid_utf8");
    if (!row.fields) return record(source, row.line, row.raw, "malformed_csv");
    if (row.fields.length !== names.length) return record(source, row.line, row.raw, "wrong_column_count");
    const text = textAt >= 0 ? row.fields[textAt] : undefined;
    const label = labelAt >= 0 ? row.fields[labelAt] : undefined;
    const reason = checkFields(text, label);
    return reason ? record(source, row.line, row.raw, reason) : record(source, row.line, row.raw, null, text, label);
  });
}

/**
 * Reads one raw object into records. Never throws for bad content: unsupported
 * extensions and binary files become one record about the whole file (line 0).
 * @param source the object key, kept in every record
 */
export function parseFile(source: string, bytes: Uint8Array): ParsedRecord[] {
  const format = formatOf(source);
  if (!format) return [record(source, 0, "", "unsupported_format")];
  if (isBinary(bytes)) return [record(source, 0, "", "binary_file")];
  const lines = splitLines(bytes);
  if (format === "csv") return parseCsv(source, lines);
  const out: ParsedRecord[] = [];
  for (const line of lines) {
    const rec = parseJsonLine(source, line);
    if (rec) out.push(rec);
  }
  return out;
}
