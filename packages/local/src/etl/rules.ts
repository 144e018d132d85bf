/**
 * The ETL rules as code. The specification is docs/etl-rules.md; the Glue job
 * (jobs/tollgate_etl) implements the same rules, and both are checked against
 * test/fixtures/etl/vectors.json. Change the spec and the vectors first.
 */
import { hash } from "node:crypto";

/** Stable quarantine reason codes, in the order the checks run (the first failing one wins). */
export const REASONS = [
  "unsupported_format",
  "binary_file",
  "invalid_utf8",
  "malformed_json",
  "malformed_csv",
  "not_an_object",
  "wrong_column_count",
  "missing_text",
  "text_not_string",
  "missing_label",
  "label_not_string",
  "invalid_character",
  "empty_text",
  "text_too_long",
  "empty_label",
  "label_too_long",
  "invalid_label",
  "conflicting_labels",
] as const;
/** A quarantine reason code. */
export type Reason = (typeof REASONS)[number];

/** Longest curated text, in Unicode code points, after whitespace normalisation. */
export const MAX_TEXT_CODE_POINTS = 100_000;
/** Longest label, in Unicode code points, after whitespace normalisation. */
export const MAX_LABEL_CODE_POINTS = 100;
/** Deepest nesting of arrays/objects in a JSON record (the record itself is depth 1). */
export const MAX_JSON_DEPTH = 64;
/** A quarantine record keeps at most this many code points of the raw row. */
export const MAX_RAW_CODE_POINTS = 1_000;
/** A curated shard holds at most about this many rows… */
export const SHARD_ROWS = 100_000;
/** …and about this many bytes of text and label (UTF-8): the shard count is chosen so that both hold. */
export const SHARD_BYTES = 64 * 2 ** 20;
/** Quarantine records per quarantine shard (the sorted quarantine list cut every this many records). */
export const QUARANTINE_ROWS = 10_000;

/** The shard sizes (the spec's by default; tests pass smaller ones to get many shards from small fixtures). */
export interface EtlLimits {
  shardRows: number;
  shardBytes: number;
  quarantineRows: number;
}
export const LIMITS: EtlLimits = { shardRows: SHARD_ROWS, shardBytes: SHARD_BYTES, quarantineRows: QUARANTINE_ROWS };

/** K: the fewest shards with at most `shardRows` rows and `shardBytes` text+label bytes each, on average. */
export function shardCount(rows: number, payloadBytes: number, limits: EtlLimits = LIMITS): number {
  return Math.max(1, Math.ceil(rows / limits.shardRows), Math.ceil(payloadBytes / limits.shardBytes));
}

/** The first 4 bytes of sha256(UTF-8 text), big-endian: where a row falls in the hash space [0, 2^32). */
export function shardHash(text: string): number {
  return hash("sha256", text, "buffer").readUInt32BE(0);
}

/** The shard of hash `h` among `k`: shard i holds the i-th of k equal ranges of the hash space (exact: h·k < 2^53). */
export function shardOf(h: number, k: number): number {
  return Math.floor((h * k) / 2 ** 32);
}

/** The dataset version (or a quarantine's name): sha256 of the shards' hex digests, one per line, in order. */
export function combineDigests(digests: readonly string[]): string {
  return hash("sha256", digests.map((d) => `${d}\n`).join(""), "hex");
}

/**
 * The whitespace set, as a regex source valid in JavaScript (`u` flag), Java and Python:
 * the Unicode White_Space characters except U+FEFF (not whitespace) — listed explicitly
 * because `\s` means different things in each language.
 */
export const WHITESPACE_PATTERN =
  "[\\t\\n\\u000B\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+";

/** A valid label (after normalisation): starts with a letter or digit; then letters, marks, digits, space and `._:/+#-`. */
export const LABEL_PATTERN = "^[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N} ._:/+#-]*$";

const WHITESPACE_RE = new RegExp(WHITESPACE_PATTERN, "gu");
/** What normalising changes: whitespace other than a single space, two spaces, a space at either end. */
const TO_NORMALIZE_RE = new RegExp(`${WHITESPACE_PATTERN.replace(" ", "").slice(0, -1)}|  |^ | $`, "u");
const LABEL_RE = new RegExp(LABEL_PATTERN, "u");
/** A lone surrogate (only reachable through a JSON `\uD800`-style escape) or NUL. */
const INVALID_CHAR_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\0/;

/** File formats by extension (case-insensitive). */
export type FileFormat = "jsonl" | "csv";

/** The format of an object key, or undefined when the extension is not supported. */
export function formatOf(key: string): FileFormat | undefined {
  const lower = key.toLowerCase();
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json")) return "jsonl";
  if (lower.endsWith(".csv")) return "csv";
  return undefined;
}

/**
 * Whether a key under the raw prefix is skipped entirely (not a source): folder markers and
 * any path segment (below the prefix) starting with `_` or `.`, and names ending in `._COPYING_`
 * (a Hadoop upload in progress) — as Spark/Hadoop skip them.
 */
export function isIgnoredKey(relativeKey: string): boolean {
  if (relativeKey === "" || relativeKey.endsWith("/") || relativeKey.endsWith("._COPYING_")) return true;
  return relativeKey.split("/").some((segment) => segment.startsWith("_") || segment.startsWith("."));
}

/** Collapses every run of whitespace to one space and trims both ends. */
export function normalizeWhitespace(value: string): string {
  if (!TO_NORMALIZE_RE.test(value)) return value; // most texts: single spaces between words
  return value.replace(WHITESPACE_RE, " ").replace(/^ | $/g, "");
}

/** Number of Unicode code points (not UTF-16 code units). */
export function codePointLength(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === 0 || (value.charCodeAt(i - 1) & 0xfc00) !== 0xd800) n++;
  }
  return n;
}

/** The first `max` code points of a string. */
export function truncateCodePoints(value: string, max: number): string {
  if (value.length <= max) return value;
  let out = "";
  let n = 0;
  for (const ch of value) {
    if (n++ === max) break;
    out += ch;
  }
  return out;
}

/** Compares strings by Unicode code point (= UTF-8 byte order, as Spark and Python sort). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after U+E000–U+FFFF in code point order.
    if (x >= 0xd800) x += x <= 0xdfff ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y <= 0xdfff ? 0x2000 : -0x800;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Presence and type checks of a record's fields (JSON values, or CSV cells).
 * @returns the reason, or undefined when both are strings without invalid characters.
 */
export function checkFields(text: unknown, label: unknown): Reason | undefined {
  if (text === undefined || text === null) return "missing_text";
  if (typeof text !== "string") return "text_not_string";
  if (label === undefined || label === null) return "missing_label";
  if (typeof label !== "string") return "label_not_string";
  if (INVALID_CHAR_RE.test(text) || INVALID_CHAR_RE.test(label)) return "invalid_character";
  return undefined;
}

/** A row that passed the content checks: normalised text and label. */
export interface CleanRow {
  text: string;
  label: string;
}

/** Content checks after normalisation: the clean row, or the reason it is quarantined. */
export function cleanRow(text: string, label: string): CleanRow | Reason {
  const t = normalizeWhitespace(text);
  if (t === "") return "empty_text";
  if (t.length > MAX_TEXT_CODE_POINTS && codePointLength(t) > MAX_TEXT_CODE_POINTS) return "text_too_long";
  const l = normalizeWhitespace(label);
  if (l === "") return "empty_label";
  if (l.length > MAX_LABEL_CODE_POINTS && codePointLength(l) > MAX_LABEL_CODE_POINTS) return "label_too_long";
  if (!LABEL_RE.test(l)) return "invalid_label";
  return { text: t, label: l };
}
