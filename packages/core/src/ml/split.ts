/**
 * Deterministic train/validation/test assignment: a document's split depends only on its
 * text, so it never moves between splits across runs, and near-duplicates that differ only in
 * case, punctuation or spacing share a split (no leakage between train and test).
 */
import { isAscii, tokenize } from "./text.ts";

export type SplitName = "train" | "validation" | "test";

const utf8 = new TextEncoder();

/**
 * MurmurHash3 x86 32-bit of the bytes (the same function as com.microsoft `MurmurHash3`,
 * Python `mmh3.hash(..., signed=False)`).
 * @example
 * murmur3(new TextEncoder().encode("hello"), 0) // 613153351
 */
export function murmur3(bytes: Uint8Array, seed = 0): number {
  let h = seed >>> 0;
  const n = bytes.length;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (n & 3) {
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: murmur3 tail
    case 3:
      k ^= bytes[blocks + 2]! << 16;
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: murmur3 tail
    case 2:
      k ^= bytes[blocks + 1]! << 8;
    case 1:
      k ^= bytes[blocks]!;
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The split of a document: murmur3 (seed 0) of its tokens joined by single spaces (see
 * `tokenize`), modulo 100: 0–79 train, 80–89 validation, 90–99 test.
 * @example
 * splitOf("A small dog.") === splitOf("a small   DOG") // true
 */
export function splitOf(text: string): SplitName {
  const bucket = murmur3(tokenBytes(text)) % 100;
  return bucket < 80 ? "train" : bucket < 90 ? "validation" : "test";
}

let buffer = new Uint8Array(1024);

/**
 * The UTF-8 bytes of `tokenize(text).join(" ")`; for ASCII text written in one loop over the
 * characters (no token strings), into a buffer reused by the next call.
 */
export function tokenBytes(text: string): Uint8Array {
  if (!isAscii(text)) return utf8.encode(tokenize(text).join(" "));
  if (buffer.length < text.length) buffer = new Uint8Array(2 * text.length);
  let n = 0;
  let inToken = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c === 0) break; // the text ends at a NUL character, as in `normalize`
    if (c >= 65 && c <= 90) c += 32;
    const word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (word && !inToken && n > 0) buffer[n++] = 32;
    if (word) buffer[n++] = c;
    inToken = word;
  }
  return buffer.subarray(0, n);
}
