/**
 * The exported graph's term lookup tables (`export.ts`): from a vocabulary's term strings, the
 * tokens the graph looks up and, per token id, its unigram and first-token term ids, and the bigram
 * terms by integer pair keys. Apart from the export so that a worker thread can make them (no
 * protobuf loaded there), and remembered per spec object so that the export does not make them again.
 */
import { type FeatureSpec, FIRST_TOKEN_PREFIX } from "../feature-spec.ts";

/** The term lookup tables of a vocabulary: its tokens, and per token id its unigram and first-token term ids. */
export interface TermTables {
  /** Every token that occurs in a term; a token's id is its index (unknown tokens and padding: `tokens.length`). */
  tokens: string[];
  /** Per token id (and one more for unknown), the unigram term id, or V (no such term). */
  unigram: number[];
  /** Per token id (and one more for unknown), the first-token term id, or V. */
  first: number[];
  /** Bigram terms: key `a · (K + 1) + b` of their token ids, and the term id. */
  pairKeys: number[];
  pairIds: number[];
}

/**
 * The tables that let the graph find term ids from token ids: one string lookup per token, then
 * integer lookups for unigrams, first-token terms and bigrams (no bigram strings are built).
 * @example
 * termTables(["dog", "a dog", "^ a"], { ngramMax: 2, firstToken: true })
 * // tokens ["dog", "a"], unigram [0, 3, 3], first [3, 2, 3], pairKeys [1 · 3 + 0], pairIds [1]
 */
export function termTables(vocabulary: string[], options: { ngramMax: number; firstToken: boolean }): TermTables {
  const V = vocabulary.length;
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
  // Flat (token, term) and (left, right, term) lists in vocabulary order, made into tables once K is known.
  const unigrams: number[] = [];
  const firsts: number[] = [];
  const pairs: number[] = [];
  for (let j = 0; j < V; j++) {
    const term = vocabulary[j]!;
    if (term.startsWith(FIRST_TOKEN_PREFIX)) {
      if (options.firstToken) firsts.push(id(term.slice(FIRST_TOKEN_PREFIX.length)), j);
      continue;
    }
    const space = term.indexOf(" ");
    if (space === -1) unigrams.push(id(term), j);
    else if (options.ngramMax >= 2) {
      const end = term.indexOf(" ", space + 1); // a bigram's tokens: the first two of `term.split(" ")`
      const left = id(term.slice(0, space));
      pairs.push(left, id(term.slice(space + 1, end === -1 ? undefined : end)), j);
    }
  }
  const K = tokens.length;
  const perToken = (list: number[]) => {
    const table = Array.from({ length: K + 1 }, () => V);
    for (let i = 0; i < list.length; i += 2) table[list[i]!] = list[i + 1]!;
    return table;
  };
  const pairKeys: number[] = [];
  const pairIds: number[] = [];
  for (let p = 0; p < pairs.length; p += 3) {
    pairKeys.push(pairs[p]! * (K + 1) + pairs[p + 1]!);
    pairIds.push(pairs[p + 2]!);
  }
  return { tokens, unigram: perToken(unigrams), first: perToken(firsts), pairKeys, pairIds };
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
