/**
 * Token strings ↔ dense ids, and the ids of a text's tokens without building its token strings.
 * The table lives in WebAssembly (packages/core/assembly/token-table.ts): open addressing over the
 * tokens' UTF-16 code units, hashed with FNV-1a. ASCII text (most of it) is copied there as bytes
 * (`TextEncoder.encodeInto`, native) and split, lowercased and looked up there in one pass
 * (bench/README.md "Results, session 13": spam's scan 286 → 252 ms; the probes dominate). Other text
 * is first normalized exactly as the exported graph does (`normalize`), then split here with the
 * token class of `isTokenCodePoint`, each token looked up there. Both give the tokens of
 * `tokenize`, in order; a new token's string is made once, when it is added.
 */
import { isAscii, isTokenCodePoint, normalizedUnits, textOfUnits } from "./text.ts";
import { TOKEN_TABLE_WASM } from "./token-table-wasm.ts";
import { instantiate, type WasmExports } from "./wasm.ts";

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/** The module's exports (addresses are byte offsets into its memory). */
interface Table extends WasmExports {
  text(bytes: number): number;
  ids(): number;
  count(): number;
  offsets(): number;
  lengths(): number;
  units(): number;
  find(start: number, length: number, h: number, add: boolean): number;
  scanAscii(length: number, add: boolean): number;
}

const encoder = new TextEncoder();

/** A token's string from its code units (short ones without a decoder call). */
const stringOf = (units: Uint16Array): string =>
  units.length <= 256 ? String.fromCharCode.apply(null, units as unknown as number[]) : textOfUnits(units);

export class TokenTable {
  /** Token of each id. */
  readonly tokens: string[] = [];
  private readonly wasm = instantiate<Table>(TOKEN_TABLE_WASM);
  /** Where the last scan's ids are: in the module's memory (from `at`) or in `written`. */
  private last: { at: number; n: number } | undefined;
  private written = new Int32Array(256);

  /** After `scan`: the ids of the text's tokens (−1: not in the table), in order (a view, valid until the next call). */
  get ids(): Int32Array {
    const { last } = this;
    return last ? new Int32Array(this.wasm.memory.buffer, last.at, last.n) : this.written;
  }

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
    if (!isAscii(text)) return this.scanNormalized(normalizedUnits(text), add);
    const { wasm } = this;
    const at = wasm.text(text.length);
    const { written } = encoder.encodeInto(text, new Uint8Array(wasm.memory.buffer, at, text.length));
    const n = wasm.scanAscii(written, add);
    this.last = { at: wasm.ids(), n };
    if (add) this.decodeAdded();
    return n;
  }

  /** `scan` of other text, over its normalized code units (lowercase: its tokens' characters are stored as they are). */
  private scanNormalized(units: Uint16Array, add: boolean): number {
    const { wasm } = this;
    const length = units.length;
    const at = wasm.text(2 * length); // (it may grow the memory: its buffer is read after)
    new Uint16Array(wasm.memory.buffer, at, length).set(units);
    this.last = undefined;
    let n = 0;
    let start = -1;
    let h = 0;
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
        if (n === this.written.length) this.reserve(2 * n);
        this.written[n++] = wasm.find(start, i - start, h, add);
        start = -1;
      }
      if (pair) i++;
    }
    if (add) this.decodeAdded();
    return n;
  }

  /** Room for `n` ids in `written`, keeping those written. */
  private reserve(n: number): void {
    const next = new Int32Array(Math.max(n, 2 * this.written.length));
    next.set(this.written);
    this.written = next;
  }

  /** The id of a (normalized) token; when absent, added (else −1). */
  private find(token: string, add: boolean): number {
    const { wasm } = this;
    const at = wasm.text(2 * token.length);
    const units = new Uint16Array(wasm.memory.buffer, at, token.length);
    let h = FNV_OFFSET;
    for (let k = 0; k < token.length; k++) {
      const c = token.charCodeAt(k);
      units[k] = c;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    const id = wasm.find(0, token.length, h, add);
    if (id === this.tokens.length) this.tokens.push(token);
    return id;
  }

  /** The strings of the tokens the module added since the last call. */
  private decodeAdded(): void {
    const { wasm, tokens } = this;
    const count = wasm.count();
    if (count === tokens.length) return;
    const { buffer } = wasm.memory;
    const offsets = new Int32Array(buffer, wasm.offsets(), count);
    const lengths = new Int32Array(buffer, wasm.lengths(), count);
    const units = new Uint16Array(buffer, wasm.units(), offsets[count - 1]! + lengths[count - 1]!);
    for (let id = tokens.length; id < count; id++) {
      tokens.push(stringOf(units.subarray(offsets[id]!, offsets[id]! + lengths[id]!)));
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
