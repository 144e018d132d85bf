/**
 * The exported graph's term lookup tables (`export.ts`): from a vocabulary's term strings, the
 * tokens the graph looks up and, per token id, its unigram and first-token term ids, and the bigram
 * terms by integer pair keys. Apart from the export so that a worker thread can make them (no
 * protobuf loaded there), and remembered per spec object so that the export does not make them again.
 */
import type { FeatureSpec } from "../feature-spec.ts";
import { FIRST_TOKEN_PREFIX } from "../term-tables.ts";

/** The term lookup tables of a vocabulary: its tokens, and per token id its unigram and first-token term ids. */
export interface TermTables {
  /** Every token that occurs in a term; a token's id is its index (unknown tokens and padding: `tokens.length`). */
  tokens: string[];
  /** Per token id (and one more for unknown), the unigram term id, or V (no such term). */
  unigram: Int32Array;
  /** Per token id (and one more for unknown), the first-token term id, or V. */
  first: Int32Array;
  /**
   * Bigram terms: key `a · (K + 1) + b` of their token ids (safe integers, beyond 32 bits once K
   * passes 46k), and the term id. Typed arrays: a thread sends them as one copy each.
   */
  pairKeys: Float64Array;
  pairIds: Int32Array;
}

/**
 * The tables that let the graph find term ids from token ids: one string lookup per token, then
 * integer lookups for unigrams, first-token terms and bigrams (no bigram strings are built).
 * @example
 * termTables(["dog", "a dog", "^ a"], { ngramMax: 2, firstToken: true })
 * // tokens ["dog", "a"], unigram [0, 3, 3], first [3, 2, 3], pairKeys [1 · 3 + 0], pairIds [1]
 */
export function termTables(vocabulary: string[], options: { ngramMax: number; firstToken: boolean }): TermTables {
  const ids = new Map<string, number>();
  const tokens: string[] = [];
  const id = (token: string) => {
    let t = ids.get(token);
    if (t === undefined) {
      t = tokens.length;
      ids.set(token, t);
      tokens.push(token);
    }
    return t;
  };
  const lists = termLists(vocabulary.length);
  for (let j = 0; j < vocabulary.length; j++) {
    const term = vocabulary[j]!;
    if (term.startsWith(FIRST_TOKEN_PREFIX)) {
      if (options.firstToken) lists.first(id(term.slice(FIRST_TOKEN_PREFIX.length)), j);
      continue;
    }
    const space = term.indexOf(" ");
    if (space === -1) lists.unigram(id(term), j);
    else if (options.ngramMax >= 2) {
      const end = term.indexOf(" ", space + 1); // a bigram's tokens: the first two of `term.split(" ")`
      const left = id(term.slice(0, space));
      lists.pair(left, id(term.slice(space + 1, end === -1 ? undefined : end)), j);
    }
  }
  return lists.tables(tokens);
}

/**
 * `termTables` of a vocabulary given by its terms' token ids instead of their strings (a spec
 * builder's counted terms: term j is token `a[j]` alone when `b[j]` is −1, its first-token term
 * when −2, else the bigram of tokens `a[j]` and `b[j]`; `tokenOf` gives a token id's string): the same
 * tables, without making the terms' strings nor splitting them again (Austen's 173k wide terms: ~90 → ~10 ms).
 */
export function termTablesOfIds(
  a: Int32Array,
  b: Int32Array,
  tokenOf: readonly string[],
  options: { ngramMax: number; firstToken: boolean },
): TermTables {
  const local = new Int32Array(tokenOf.length).fill(-1);
  const tokens: string[] = [];
  const id = (token: number) => {
    let t = local[token]!;
    if (t < 0) {
      t = tokens.length;
      local[token] = t;
      tokens.push(tokenOf[token]!);
    }
    return t;
  };
  const lists = termLists(a.length);
  for (let j = 0; j < a.length; j++) {
    const second = b[j]!;
    if (second === -2) {
      if (options.firstToken) lists.first(id(a[j]!), j);
    } else if (second === -1) lists.unigram(id(a[j]!), j);
    else if (options.ngramMax >= 2) {
      const left = id(a[j]!);
      lists.pair(left, id(second), j);
    }
  }
  return lists.tables(tokens);
}

/** Flat (token, term) and (left, right, term) lists in vocabulary order (at most V terms), made into tables once the tokens are known. */
function termLists(V: number) {
  const unigrams = new Int32Array(2 * V);
  const firsts = new Int32Array(2 * V);
  const pairs = new Int32Array(3 * V);
  let [u, f, p] = [0, 0, 0];
  const tables = (tokens: string[]): TermTables => {
    const K = tokens.length;
    const perToken = (list: Int32Array, n: number) => {
      const table = new Int32Array(K + 1).fill(V);
      for (let i = 0; i < n; i += 2) table[list[i]!] = list[i + 1]!;
      return table;
    };
    const pairKeys = new Float64Array(p / 3);
    const pairIds = new Int32Array(p / 3);
    for (let i = 0, q = 0; i < p; i += 3, q++) {
      pairKeys[q] = pairs[i]! * (K + 1) + pairs[i + 1]!;
      pairIds[q] = pairs[i + 2]!;
    }
    return { tokens, unigram: perToken(unigrams, u), first: perToken(firsts, f), pairKeys, pairIds };
  };
  return {
    unigram: (token: number, j: number) => {
      unigrams[u++] = token;
      unigrams[u++] = j;
    },
    first: (token: number, j: number) => {
      firsts[f++] = token;
      firsts[f++] = j;
    },
    pair: (left: number, right: number, j: number) => {
      pairs[p++] = left;
      pairs[p++] = right;
      pairs[p++] = j;
    },
    tables,
  };
}

/** Term tables already worked out for a spec object (in the thread that made it: `wide-run.ts`). */
const knownTables = new WeakMap<FeatureSpec, TermTables>();

/**
 * Records `tables`, which must be `termTables(spec.vocabulary, spec.options)`, as the spec's, so
 * that its export does not work them out again (a thread idle at the end of training made them).
 */
export function rememberTermTables(spec: FeatureSpec, tables: TermTables): void {
  knownTables.set(spec, tables);
}

/** The term tables recorded for this spec object (`rememberTermTables`), if any. */
export const knownTermTables = (spec: FeatureSpec): TermTables | undefined => knownTables.get(spec);
