/**
 * Text normalisation and tokenisation, identical to what the exported ONNX graph does
 * (StringNormalizer LOWER with locale C.UTF-8, then the com.microsoft Tokenizer with
 * {@link TOKEN_PATTERN}), so training and serving see the same tokens.
 *
 * JavaScript's `toLowerCase` and `\p{…}` classes follow a newer Unicode version than
 * onnxruntime (and `toLowerCase` applies full/contextual mappings: İ → "i̇", final Σ → ς),
 * so both are driven by tables measured from onnxruntime-node itself (`text-tables.ts`).
 */
import { LOWER_RUNS, TOKEN_RANGES } from "./text-tables.ts";

/** The token regex given to the ONNX Tokenizer (`tokenexp`): runs of letters, marks and digits. */
export const TOKEN_PATTERN = "[\\p{L}\\p{M}\\p{N}]+";

const hex = (n: number): string => `\\u{${n.toString(16)}}`;
const TOKEN_RE = new RegExp(
  `[${TOKEN_RANGES.split(",")
    .map((r) => {
      const [start, length] = r.split("-").map((x) => Number.parseInt(x, 36)) as [number, number | undefined];
      return length === undefined ? hex(start) : `${hex(start)}-${hex(start + length)}`;
    })
    .join("")}]+`,
  "gu",
);

/** Lowercase of each code point (itself when it has none): the Basic Multilingual Plane tabulated, other planes in a map. */
const LOWER_BMP = new Int32Array(0x10000).map((_, cp) => cp);
const LOWER_ASTRAL = new Map<number, number>();
for (const run of LOWER_RUNS.split(",")) {
  const [start, count, delta, stride] = run.split(":").map((x) => Number.parseInt(x, 36)) as [
    number,
    number,
    number,
    number?,
  ];
  for (let k = 0; k < count; k++) {
    const cp = start + k * (stride ?? 1);
    if (cp <= 0xffff) LOWER_BMP[cp] = cp + delta;
    else LOWER_ASTRAL.set(cp, cp + delta);
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
const ASCII = /^[\x00-\x7f]*$/;

/** Whether every character of `text` is ASCII (where tokens are runs of [A-Za-z0-9], lowercased). */
export const isAscii = (text: string): boolean => ASCII.test(text);

/**
 * Lowercases text code point by code point, exactly like ONNX `StringNormalizer`
 * (`case_change_action=LOWER`, `locale=C.UTF-8`) in onnxruntime-node 1.30.0.
 * Like onnxruntime-node's string tensors, the text ends at the first NUL character,
 * and lone surrogates become U+FFFD (they have no UTF-8 encoding).
 * @example
 * normalize("İSTANBUL ΟΔΟΣ") // "istanbul οδοσ"  (JavaScript's toLowerCase: "i̇stanbul οδος")
 */
export function normalize(text: string): string {
  const nul = text.indexOf("\0");
  const s = nul >= 0 ? text.slice(0, nul) : text;
  return isAscii(s) ? s.toLowerCase() : textOfUnits(normalizedUnits(s));
}

/**
 * `normalize(text)` as UTF-16 code units: a view of a buffer that the next call reuses (no string
 * per character; a scan reads them as they are, `TokenTable`).
 */
export function normalizedUnits(text: string): Uint16Array {
  if (units.length < 2 * text.length) units = new Uint16Array(2 * text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) break; // (the text ends at a NUL)
    let cp = c;
    if (c >= 0xd800 && c <= 0xdfff) {
      const low = c <= 0xdbff && i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (low < 0xdc00 || low > 0xdfff) {
        units[n++] = 0xfffd; // a lone surrogate
        continue;
      }
      cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      i++;
    }
    const lower = cp <= 0xffff ? LOWER_BMP[cp]! : (LOWER_ASTRAL.get(cp) ?? cp);
    if (lower <= 0xffff) units[n++] = lower;
    else {
      units[n++] = 0xd800 + ((lower - 0x10000) >> 10);
      units[n++] = 0xdc00 + ((lower - 0x10000) & 0x3ff);
    }
  }
  return units.subarray(0, n);
}

let units = new Uint16Array(1024);
const utf16 = new TextDecoder("utf-16le", { ignoreBOM: true }); // (a leading U+FEFF is text here)

/** The string of UTF-16 code units (no lone surrogate). */
export const textOfUnits = (codes: Uint16Array): string => utf16.decode(codes);

const TOKEN_CHAR = new RegExp(`^${TOKEN_RE.source.slice(0, -1)}$`, "u");
let bmpTokenChars: Uint8Array | undefined;

/**
 * Whether code point `cp` belongs to a token (the class of {@link TOKEN_PATTERN}); the Basic
 * Multilingual Plane is tabulated on first use, other planes asked of the same regex.
 * @example
 * isTokenCodePoint(0xe7) // true ("ç"); isTokenCodePoint(0x2c) // false (",")
 */
export function isTokenCodePoint(cp: number): boolean {
  if (cp > 0xffff) return TOKEN_CHAR.test(String.fromCodePoint(cp));
  if (!bmpTokenChars) {
    bmpTokenChars = new Uint8Array(0x10000);
    for (let c = 0; c < 0x10000; c++) {
      if ((c < 0xd800 || c > 0xdfff) && TOKEN_CHAR.test(String.fromCharCode(c))) bmpTokenChars[c] = 1;
    }
  }
  return bmpTokenChars[cp] === 1;
}

/**
 * Normalises and splits text into tokens: maximal runs of letters, marks and digits
 * (`[\p{L}\p{M}\p{N}]+` as onnxruntime's RE2 knows them), as the exported graph's Tokenizer does.
 * @example
 * tokenize("Hello, WORLD! Ça va? 東京2024") // ["hello", "world", "ça", "va", "東京2024"]
 */
export function tokenize(text: string): string[] {
  return normalize(text).match(TOKEN_RE) ?? [];
}
