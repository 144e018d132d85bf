/**
 * Token strings ↔ dense ids, and the ids of a text's tokens without building its token strings.
 * `scan` lowercases and splits in one loop over the characters, hashing each token as it goes and
 * comparing it in place with the table's entry: no substring, no array of tokens, no string
 * hashing. ASCII text (most of it) is first copied as bytes (`TextEncoder.encodeInto`, native) and
 * scanned there through a 256-entry class table: a typed-array load per character instead of a
 * `charCodeAt` (1.5× faster on the SpamAssassin e-mails). Other text is first normalized exactly as
 * the exported graph does (`normalize`), then scanned with the token class of `isTokenCodePoint`.
 * Both give the tokens of `tokenize`, in order, and hash a token alike (FNV-1a over its lowercased code units).
 */
import { isAscii, isTokenCodePoint, normalizedUnits, textOfUnits } from "./text.ts";

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** Per ASCII byte: its lowercase form when it is a token character ([A-Za-z0-9]), else 0. */
const ASCII_TOKEN = new Uint8Array(256);
for (let c = 48; c <= 57; c++) ASCII_TOKEN[c] = c;
for (let c = 97; c <= 122; c++) ASCII_TOKEN[c] = c;
for (let c = 65; c <= 90; c++) ASCII_TOKEN[c] = c + 32;

const encoder = new TextEncoder();
const ascii = new TextDecoder();

export class TokenTable {
  /** Token of each id. */
  readonly tokens: string[] = [];
  /** After `scan`: the ids of the text's tokens (−1: not in the table), in order. */
  ids = new Int32Array(256);
  /**
   * Open addressing, 4 ints per slot: hash, id + 1 (0: empty), offset and length of the token's
   * characters in `chars` (one cache line to probe, one more to compare: no string to follow).
   */
  private slots = new Int32Array(4 * 128);
  private chars = new Uint16Array(1024);
  private used = 0;
  /** The ASCII text being scanned, as bytes. */
  private bytes = new Uint8Array(1024);
  /** The token `get` or `intern` looks up, as UTF-16 code units. */
  private units = new Uint16Array(64);

  /** The id of a (normalized) token, or −1. */
  get(token: string): number {
    return this.find(token, false);
  }

  /** The id of a (normalized) token, added when new. */
  intern(token: string): number {
    return this.find(token, true);
  }

  /**
   * Writes the ids of the tokens of `text` (as `tokenize` splits it) into `ids` and returns how
   * many; a token not in the table is added (`add`) or gets −1.
   * @example
   * const n = table.scan("A small dog", true); table.ids.subarray(0, n) // [0, 1, 2]
   */
  scan(text: string, add: boolean): number {
    return isAscii(text) ? this.scanAscii(text, add) : this.scanNormalized(normalizedUnits(text), add);
  }

  /** `scan` of ASCII text, over its bytes (lowercased in place as they are read). */
  private scanAscii(text: string, add: boolean): number {
    if (this.bytes.length <= text.length) this.bytes = new Uint8Array(2 * text.length + 1);
    const bytes = this.bytes;
    const length = encoder.encodeInto(text, bytes).written;
    bytes[length] = 0; // (a NUL ends the text, as below)
    let n = 0;
    let start = -1;
    let h = 0;
    for (let i = 0; i <= length; i++) {
      const c = ASCII_TOKEN[bytes[i]!]!;
      if (c !== 0) {
        if (start < 0) {
          start = i;
          h = FNV_OFFSET;
        }
        bytes[i] = c;
        h = Math.imul(h ^ c, FNV_PRIME);
        continue;
      }
      if (start >= 0) {
        if (n === this.ids.length) this.reserve(2 * n);
        this.ids[n++] = this.findCodes(bytes, start, i, h, add);
        start = -1;
      }
      if (bytes[i] === 0) break; // the end, or a NUL character: like onnxruntime's string tensors, the text ends there
    }
    return n;
  }

  /** `scan` of other text, over its normalized code units (lowercase: its tokens' characters are stored as they are). */
  private scanNormalized(units: Uint16Array, add: boolean): number {
    let n = 0;
    let start = -1;
    let h = 0;
    const length = units.length;
    for (let i = 0; i <= length; i++) {
      const c = i < length ? units[i]! : 0;
      let token = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
      // A surrogate pair is one code point (normalizing left no lone surrogate).
      let pair = false;
      if (c >= 0x80) {
        pair = c >= 0xd800 && c <= 0xdbff && i + 1 < length;
        token = isTokenCodePoint(pair ? 0x10000 + ((c - 0xd800) << 10) + (units[i + 1]! - 0xdc00) : c);
      }
      if (token) {
        if (start < 0) {
          start = i;
          h = FNV_OFFSET;
        }
        h = Math.imul(h ^ c, FNV_PRIME);
        if (pair) h = Math.imul(h ^ units[++i]!, FNV_PRIME);
        continue;
      }
      if (start >= 0) {
        if (n === this.ids.length) this.reserve(2 * n);
        this.ids[n++] = this.findCodes(units, start, i, h, add);
        start = -1;
      }
      if (pair) i++;
    }
    return n;
  }

  /** Room for `n` ids in `ids`, keeping those written. */
  private reserve(n: number): void {
    if (this.ids.length >= n) return;
    const next = new Int32Array(Math.max(n, 2 * this.ids.length));
    next.set(this.ids);
    this.ids = next;
  }

  /** The id of a (normalized) token; when absent, added (else −1): its code units probed as a scan's are. */
  private find(token: string, add: boolean): number {
    if (this.units.length < token.length) this.units = new Uint16Array(2 * token.length);
    const units = this.units;
    let h = FNV_OFFSET;
    for (let k = 0; k < token.length; k++) {
      const c = token.charCodeAt(k);
      units[k] = c;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    return this.findCodes(units, 0, token.length, h, add, token);
  }

  /** Adds `token` (lowercased, with hash `h`) at the empty `slot` its probe ended on; returns its id. */
  private added(token: string, slot: number, h: number): number {
    const id = this.tokens.length;
    const length = token.length;
    this.tokens.push(token);
    if (this.used + length > this.chars.length) {
      const next = new Uint16Array(2 * (this.used + length));
      next.set(this.chars);
      this.chars = next;
    }
    for (let k = 0; k < length; k++) this.chars[this.used + k] = token.charCodeAt(k);
    this.insert(slot, h, id, this.used, length);
    this.used += length;
    if (2 * this.tokens.length > this.slots.length / 4) this.rehash();
    return id;
  }

  /**
   * The id of the token at `codes[start, end)` (lowercase code units: a scan's ASCII bytes, normalized
   * units, or `find`'s token; `h` its hash); when absent, added (else −1) as `token` or the decoded codes.
   */
  private findCodes(
    codes: Uint8Array | Uint16Array,
    start: number,
    end: number,
    h: number,
    add: boolean,
    token?: string,
  ): number {
    const { slots, chars } = this;
    const mask = slots.length / 4 - 1;
    const length = end - start;
    let slot = h & mask;
    probe: for (let entry = slots[4 * slot + 1]!; entry !== 0; entry = slots[4 * slot + 1]!) {
      const at = 4 * slot;
      slot = (slot + 1) & mask;
      if (slots[at] !== h || slots[at + 3] !== length) continue;
      const offset = slots[at + 2]! - start;
      for (let k = start; k < end; k++) if (codes[k] !== chars[offset + k]) continue probe;
      return entry - 1;
    }
    if (!add) return -1;
    const sub = codes.subarray(start, end);
    return this.added(token ?? (sub instanceof Uint8Array ? ascii.decode(sub) : textOfUnits(sub)), slot, h);
  }

  private insert(slot: number, h: number, id: number, offset: number, length: number): void {
    const mask = this.slots.length / 4 - 1;
    while (this.slots[4 * slot + 1] !== 0) slot = (slot + 1) & mask;
    this.slots.set([h, id + 1, offset, length], 4 * slot);
  }

  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * old.length);
    const mask = this.slots.length / 4 - 1;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at + 1] !== 0) this.insert(old[at]! & mask, old[at]!, old[at + 1]! - 1, old[at + 2]!, old[at + 3]!);
    }
  }
}

/**
 * Token ids given in another token list's numbering (a token handoff's rows, steps/handoff.ts)
 * mapped to a table's ids, through `lookup` (`table.get`: −1 when absent; `table.intern`: added).
 * The mapping of the last list seen is kept, and extended as that list grows.
 * @example
 * const foreign = new ForeignTokens((token) => table.get(token));
 * const ids = foreign.map(row.ids, row.tokens); // a view, valid until the next call
 */
export class ForeignTokens {
  private list: readonly string[] | undefined;
  private remap = new Int32Array(0);
  private mapped = new Int32Array(256);

  constructor(private readonly lookup: (token: string) => number) {}

  map(ids: Int32Array, tokens: readonly string[]): Int32Array {
    if (this.list !== tokens) {
      this.list = tokens;
      this.remap = new Int32Array(0);
    }
    if (this.remap.length < tokens.length) {
      const next = new Int32Array(tokens.length);
      next.set(this.remap);
      for (let t = this.remap.length; t < tokens.length; t++) next[t] = this.lookup(tokens[t]!);
      this.remap = next;
    }
    if (this.mapped.length < ids.length) this.mapped = new Int32Array(2 * ids.length);
    for (let i = 0; i < ids.length; i++) this.mapped[i] = this.remap[ids[i]!]!;
    return this.mapped.subarray(0, ids.length);
  }
}
