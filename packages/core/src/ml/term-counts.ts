/**
 * Document frequencies of terms keyed by token ids (no term strings while counting), counted in
 * WebAssembly (packages/core/assembly/term-counts.ts; spam's count ~20% faster than the same tables
 * in JavaScript, being bound by memory latency: bench/README.md "Results, session 13"). A term is an
 * index, in the order first seen: unigram (b = -1), first-token term (b = -2) or bigram (a, b) of
 * token ids. The same tables serve a featurizer (`put`, `setIdf`, `vector`).
 */

import { type TermTables, termTablesOfIds } from "./onnx/term-tables.ts";
import { TERM_COUNTS_WASM } from "./term-counts-wasm.ts";
import { FIRST_TOKEN_PREFIX } from "./term-tables.ts";
import { TokenTable } from "./token-table.ts";
import { instantiate, type WasmExports } from "./wasm.ts";

/** The module's exports (addresses are byte offsets into its memory). */
interface Counter extends WasmExports {
  input(n: number): number;
  output(): number;
  terms(): number;
  documentFrequencies(): number;
  termA(): number;
  termB(): number;
  count(n: number, doc: number, bigrams: boolean, first: boolean, write: boolean): number;
  lookup(n: number, bigrams: boolean, first: boolean): number;
  prune(threshold: number): void;
  put(a: number, b: number): number;
  find(a: number, b: number): number;
  idf(): number;
  vector(n: number, bigrams: boolean, first: boolean): number;
  vectorIds(): number;
  vectorValues(): number;
}

/** Which terms of a document are counted: unigrams always, then bigrams and the first-token term. */
export interface TermShape {
  bigrams: boolean;
  first: boolean;
}

/** The text of term (a, b) of these tokens: a unigram (b = −1), a first-token term (b = −2) or a bigram. */
const termText = (tokens: readonly string[], a: number, b: number): string =>
  b === -1 ? tokens[a]! : b === -2 ? FIRST_TOKEN_PREFIX + tokens[a]! : `${tokens[a]!} ${tokens[b]!}`;

export class TermCounts {
  /** Token ids of the tokens seen. */
  readonly table = new TokenTable();
  private readonly wasm = instantiate<Counter>(TERM_COUNTS_WASM);
  /** Whether `prune` dropped terms (their indices then changed). */
  pruned = false;
  private counted = 0;

  constructor(private readonly shape: TermShape) {}

  /** Documents counted. */
  get documents(): number {
    return this.counted;
  }

  /** Distinct terms counted. */
  get size(): number {
    return this.wasm.terms();
  }

  /** Each term's document frequency, by index (a view, valid until the next count or lookup). */
  get df(): Int32Array {
    return this.array(this.wasm.documentFrequencies());
  }

  /**
   * Counts the terms of the next document, its first `n` token ids; with `out`, passes it the index
   * of each term occurrence (unigrams, each bigram after its second token, the first-token term).
   */
  count(ids: Int32Array, n: number, out?: (indices: Int32Array) => void): void {
    this.copyIn(ids, n);
    const { bigrams, first } = this.shape;
    const written = this.wasm.count(n, this.counted++, bigrams, first, out !== undefined);
    out?.(this.outputs(written));
  }

  /** Passes `out` the indices of the counted terms of `n` token ids (−1: a token never counted), in `count`'s order. */
  lookup(ids: Int32Array, n: number, out: (indices: Int32Array) => void): void {
    this.copyIn(ids, n);
    out(this.outputs(this.wasm.lookup(n, this.shape.bigrams, this.shape.first)));
  }

  /** Adds term (a, b), not yet there, as the next index (a featurizer's vocabulary, in its order). */
  put(a: number, b: number): void {
    this.wasm.put(a, b);
  }

  /** Sets the idf of every term, by index (after the last `put`), for `vector`. */
  setIdf(idf: readonly number[]): void {
    const at = this.wasm.idf(); // (it may grow the memory: its buffer is read after)
    new Float64Array(this.wasm.memory.buffer, at, idf.length).set(idf);
  }

  /**
   * The tf-idf vector of `n` token ids (−1: a token in no term): distinct term ids ascending and
   * `count · idf / sqrt(Σ count · idf²)` (views, valid until the next call).
   */
  vector(ids: Int32Array, n: number): { ids: Int32Array; values: Float64Array } {
    this.copyIn(ids, n);
    const { wasm } = this;
    const distinct = wasm.vector(n, this.shape.bigrams, this.shape.first);
    return {
      ids: new Int32Array(wasm.memory.buffer, wasm.vectorIds(), distinct),
      values: new Float64Array(wasm.memory.buffer, wasm.vectorValues(), distinct),
    };
  }

  /** The term's text (as `termsOf` writes it). */
  text(index: number): string {
    const [as, bs] = this.termTokens();
    return termText(this.table.tokens, as[index]!, bs[index]!);
  }

  /** The texts of these terms, or of every term in index order (`text`'s, without its per-call lookups). */
  texts(indices?: readonly number[]): string[] {
    const { tokens } = this.table;
    const [as, bs] = this.termTokens();
    const n = indices?.length ?? this.size;
    const out = new Array<string>(n);
    for (let k = 0; k < n; k++) {
      const i = indices ? indices[k]! : k;
      out[k] = termText(tokens, as[i]!, bs[i]!);
    }
    return out;
  }

  /** The export's term tables (`termTablesOfIds`) of every term counted, in index order: made from their token ids. */
  termTables(): TermTables {
    const [as, bs] = this.termTokens();
    const { bigrams, first } = this.shape;
    return termTablesOfIds(as, bs, this.table.tokens, { ngramMax: bigrams ? 2 : 1, firstToken: first });
  }

  /**
   * The indices of the first `limit` terms with df ≥ `least` in the vocabulary's order (`termOrder`:
   * df descending, single tokens and first-token terms before bigrams, then by text), in that order,
   * without making their texts: the tokens are ranked by text once; within a (df, kind) group a
   * bigram "a b" sorts as (rank a, rank b), since no token character is below the space, and a token
   * t or a first-token term "^ t" as (0 when t starts below "^" (a digit), 1 for "^ t", else 2; rank t).
   */
  topTerms(least: number, limit: number): number[] {
    const df = this.df;
    const [as, bs] = this.termTokens();
    const { tokens } = this.table;
    const candidates: number[] = [];
    const idOf = new Map<string, number>();
    let most = 0;
    for (let i = 0; i < df.length; i++) {
      if (df[i]! < least) continue;
      candidates.push(i);
      idOf.set(tokens[as[i]!]!, as[i]!);
      if (bs[i]! >= 0) idOf.set(tokens[bs[i]!]!, bs[i]!);
      most = Math.max(most, df[i]!);
    }
    if (candidates.length === 0) return [];
    const byText = [...idOf.keys()].sort();
    const R = byText.length;
    const tokenOfRank = Int32Array.from(byText, (text) => idOf.get(text)!);
    const rank = new Int32Array(tokens.length);
    for (let r = 0; r < R; r++) rank[tokenOfRank[r]!] = r;
    // Group g = 2 (most − df) + kind, placed by counting; each group's keys then sorted as numbers.
    const groupOf = (i: number) => 2 * (most - df[i]!) + (bs[i]! >= 0 ? 1 : 0);
    const starts = new Int32Array(2 * (most - least + 1) + 1);
    for (const i of candidates) starts[groupOf(i) + 1]!++;
    for (let g = 1; g < starts.length; g++) starts[g]! += starts[g - 1]!;
    const next = starts.slice();
    const keys = new Float64Array(candidates.length);
    for (const i of candidates) {
      const a = as[i]!;
      const b = bs[i]!;
      const part = b >= 0 ? rank[a]! : b === -2 ? 1 : tokens[a]!.charCodeAt(0) < 0x5e ? 0 : 2;
      keys[next[groupOf(i)]!++] = part * R + (b >= 0 ? rank[b]! : rank[a]!);
    }
    const out: number[] = [];
    for (let g = 0; g + 1 < starts.length && out.length < limit; g++) {
      for (const key of keys.subarray(starts[g]!, starts[g + 1]!).sort()) {
        if (out.length === limit) break;
        const high = Math.floor(key / R);
        const low = tokenOfRank[key - high * R]!;
        out.push(g % 2 === 1 ? this.wasm.find(tokenOfRank[high]!, low) : this.wasm.find(low, high === 1 ? -2 : -1));
      }
    }
    return out;
  }

  private tokenViews: [Int32Array, Int32Array] | undefined;

  /** The terms' tokens a and b, by index (views kept while the arrays stay where they are). */
  private termTokens(): [Int32Array, Int32Array] {
    const at = this.wasm.termA();
    const views = this.tokenViews;
    if (views?.[0].buffer === this.wasm.memory.buffer && views[0].byteOffset === at && views[0].length === this.size)
      return views;
    this.tokenViews = [this.array(at), this.array(this.wasm.termB())];
    return this.tokenViews;
  }

  /** Drops the terms seen in at most 1, 2, … documents until at most `limit / 2` remain (bounded memory). */
  prune(limit: number): void {
    this.pruned = true;
    const df = this.df;
    let threshold = 0;
    let kept = df.length;
    while (kept > limit / 2) {
      threshold++;
      kept = 0;
      for (const n of df) if (n > threshold) kept++;
    }
    this.wasm.prune(threshold);
  }

  private copyIn(ids: Int32Array, n: number): void {
    const at = this.wasm.input(n);
    new Int32Array(this.wasm.memory.buffer, at, n).set(ids.subarray(0, n));
  }

  private outputs(n: number): Int32Array {
    return new Int32Array(this.wasm.memory.buffer, this.wasm.output(), n);
  }

  /** The `size` values of the by-index array at `at`. */
  private array(at: number): Int32Array {
    return new Int32Array(this.wasm.memory.buffer, at, this.size);
  }
}
