/**
 * The feature spec's builder (`feature-spec.ts` holds the spec's schemas and the format): counts the
 * training documents' terms and chooses the vocabulary. Apart from the schemas so that a worker
 * thread that builds a spec (the exact race's wide representation, `wide-run.ts`) does not load zod
 * (~75 ms of its boot on this machine).
 */
import { InvalidDatasetError } from "../errors.ts";
import type { FeatureOptions, FeatureSpec } from "./feature-spec.ts";
import type { TermTables } from "./onnx/term-tables.ts";
import { TermCounts } from "./term-counts.ts";
import { FIRST_TOKEN_PREFIX, type TermCount } from "./term-tables.ts";
import { ForeignTokens } from "./token-table.ts";

export { FIRST_TOKEN_PREFIX };

/** The defaults of the `FeatureOptions` schema (which takes them from here). */
export const FEATURE_DEFAULTS = {
  ngramMax: 2,
  firstToken: true,
  minDf: 2,
  maxFeatures: 100_000,
  maxWeights: 5_000_000,
  maxCandidates: 2_000_000,
} as const;

/**
 * Options with the defaults for those absent, in the schema's order (what `FeatureOptions.parse`
 * gives for valid options: callers pass options a schema has checked, or the defaults).
 */
export function featureOptions(options: Partial<FeatureOptions>): FeatureOptions {
  const out: FeatureOptions = { ...FEATURE_DEFAULTS };
  for (const key of Object.keys(FEATURE_DEFAULTS) as Array<keyof typeof FEATURE_DEFAULTS>) {
    const value = options[key];
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  if (options.sublinearTf !== undefined) out.sublinearTf = options.sublinearTf;
  return out;
}

/**
 * The terms of a token list, in the order the ONNX graph produces them: unigrams, then
 * (ngramMax 2) bigrams, then (firstToken) the first-token term.
 * @example
 * termsOf(["a", "small", "dog"], { ngramMax: 2, firstToken: true }) // ["a", "small", "dog", "a small", "small dog", "^ a"]
 */
export function termsOf(tokens: string[], options: Pick<FeatureOptions, "ngramMax" | "firstToken">): string[] {
  const terms = tokens.slice();
  if (options.ngramMax >= 2) for (let i = 0; i + 1 < tokens.length; i++) terms.push(`${tokens[i]} ${tokens[i + 1]}`);
  if (options.firstToken && tokens.length > 0) terms.push(FIRST_TOKEN_PREFIX + tokens[0]);
  return terms;
}

/**
 * Builds the feature spec from training rows fed one at a time, so a caller that is already
 * reading the rows (Preprocess, while it splits) needs no second pass over what it wrote.
 * @throws InvalidDatasetError when a row's label is not in `labels`, or fewer than two labels.
 * @example
 * const builder = new FeatureSpecBuilder(["pos", "neg"], { minDf: 1 });
 * builder.add({ text: "good film", label: "pos" });
 * const spec = builder.build();
 */
export class FeatureSpecBuilder {
  private readonly opts: FeatureOptions;
  private readonly known: Set<string>;
  private readonly counts: TermCounts;

  constructor(
    private readonly labels: string[],
    options: Partial<FeatureOptions> = {},
  ) {
    this.opts = featureOptions(options);
    if (new Set(labels).size !== labels.length || labels.length < 2) {
      throw new InvalidDatasetError(`need at least two distinct labels, got ${JSON.stringify(labels)}`);
    }
    this.known = new Set(labels);
    this.counts = new TermCounts({ bigrams: this.opts.ngramMax >= 2, first: this.opts.firstToken });
  }

  /**
   * Counts one training document's terms; returns the ids of its tokens in the numbering of
   * `tokens` (a view, valid until the next `add`). With `terms`, appends the document's term indices there.
   */
  add(row: { text: string; label: string }, terms?: TermLists): Int32Array {
    const n = this.counts.table.scan(row.text, true);
    return this.count(row.label, this.counts.table.ids, n, terms);
  }

  /**
   * Counts one training document given as token ids into `tokens` (a token handoff's row; the
   * same terms as `add` of its text). With `terms`, appends the document's term indices there.
   */
  addTokens(label: string, ids: Int32Array, tokens: readonly string[], terms?: TermLists): void {
    this.count(label, this.foreign.map(ids, tokens), ids.length, terms);
  }

  private readonly foreign = new ForeignTokens((token) => this.counts.table.intern(token));
  private readonly counted = new ForeignTokens((token) => this.counts.table.get(token));

  /**
   * Counts the terms of a document's first `n` token ids (of this builder's table); returns them (a
   * view). With `terms`, appends the index of each term occurrence there (the builder's numbering:
   * order first seen) and ends the document.
   */
  private count(label: string, ids: Int32Array, n: number, terms?: TermLists): Int32Array {
    const { counts, opts } = this;
    if (!this.known.has(label)) throw new InvalidDatasetError(`unknown label ${JSON.stringify(label)}`);
    counts.count(ids, n, terms?.append);
    terms?.end();
    if (counts.size > opts.maxCandidates) counts.prune(opts.maxCandidates);
    return ids.subarray(0, n);
  }

  /**
   * Appends to `terms` the indices of a document's terms that were counted (those `add` would
   * append; the others are left out), without counting it, and ends the document.
   */
  lookup(row: { text: string } | { ids: Int32Array; tokens: readonly string[] }, terms: TermLists): void {
    const { counts } = this;
    const n = "ids" in row ? row.ids.length : counts.table.scan(row.text, false);
    // (scan may replace the table's ids: read them after)
    const ids = "ids" in row ? this.counted.map(row.ids, row.tokens) : counts.table.ids;
    counts.lookup(ids, n, terms.append);
    terms.end();
  }

  /** Each counted term's document frequency, by index (a view, valid until the next add or lookup); exact while `complete`. */
  get documentFrequencies(): Int32Array {
    return this.counts.df;
  }

  /** Whether every term met is still counted, at the index it got when first seen (no pruning yet). */
  get complete(): boolean {
    return !this.counts.pruned;
  }

  /** Every token met so far, by id (ids never change; new tokens are appended). */
  get tokens(): readonly string[] {
    return this.counts.table.tokens;
  }

  /** Training documents added so far. */
  get documentCount(): number {
    return this.counts.documents;
  }

  /**
   * The export's term tables (`termTables`) of every term counted, in index order (the vocabulary
   * `terms()` lists, while `complete`), made from the terms' token ids, not their strings.
   */
  termTables(): TermTables {
    return this.counts.termTables();
  }

  /** Every term counted, with its document frequency (exact unless more than maxCandidates were met). */
  *terms(): Generator<TermCount> {
    const { counts } = this;
    const df = counts.df;
    for (let i = 0; i < df.length; i++) yield [counts.text(i), df[i]!];
  }

  /** Chooses the vocabulary and idf from what was added. */
  build(): FeatureSpec {
    const { counts, opts } = this;
    const limit = featureLimit(opts, this.labels.length);
    const df = counts.df;
    // A term below minDf, or below the limit-th largest df, is never kept: the kept ones are ordered
    // by token ranks, and only their texts are made (spam: 100k of 616k terms).
    const kept = counts.topTerms(Math.max(opts.minDf, dfOfRank(df, limit)), limit);
    return specOf(
      this.labels,
      this.opts,
      counts.documents,
      counts.texts(kept),
      kept.map((i) => df[i]!),
    );
  }

  /**
   * The spec of every term counted, in index order (what `terms()` lists, without choosing: the
   * race's wide representation); its strings made in one loop (Austen's 173k: ~80 → ~25 ms).
   */
  buildAll(): FeatureSpec {
    const { counts } = this;
    return specOf(this.labels, this.opts, counts.documents, counts.texts(), counts.df);
  }
}

/**
 * Term indices, document after document (`FeatureSpecBuilder.add` with `terms`, or `lookup`):
 * document d's are `ids[ends[d − 1] ?? 0, ends[d])`.
 */
export class TermLists {
  ids = new Int32Array(4096);
  size = 0;
  readonly ends: number[] = [];

  /** Appends these indices (an arrow: it is passed as a callback). */
  readonly append = (indices: Int32Array): void => {
    if (this.size + indices.length > this.ids.length) this.reserve(indices.length);
    this.ids.set(indices, this.size);
    this.size += indices.length;
  };

  private reserve(more: number): void {
    const next = new Int32Array(Math.max(2 * this.ids.length, this.size + more));
    next.set(this.ids.subarray(0, this.size));
    this.ids = next;
  }

  /** Ends the current document. */
  end(): void {
    this.ends.push(this.size);
  }
}

/** The `rank`-th largest of `dfs` (1: the largest), or 0 when there are fewer. */
function dfOfRank(dfs: Int32Array, rank: number): number {
  if (dfs.length < rank) return 0;
  let max = 0;
  for (const df of dfs) if (df > max) max = df;
  const counts = new Int32Array(max + 1);
  for (const df of dfs) counts[df]!++;
  let seen = 0;
  for (let df = max; df > 0; df--) {
    seen += counts[df]!;
    if (seen >= rank) return df;
  }
  return 0;
}

/** How many terms a spec keeps: maxFeatures, and no more than maxWeights over the labels. */
export const featureLimit = (options: FeatureOptions, labels: number): number =>
  Math.min(options.maxFeatures, Math.floor(options.maxWeights / labels));

/** The spec of the chosen terms (in vocabulary order, with their document frequencies among `documents`). */
export function specFromTerms(
  labels: readonly string[],
  options: FeatureOptions,
  documents: number,
  kept: readonly TermCount[],
): FeatureSpec {
  return specOf(
    labels,
    options,
    documents,
    kept.map(([term]) => term),
    kept.map(([, n]) => n),
  );
}

/** The spec of these terms (in vocabulary order) and their document frequencies `df` among `documents`. */
function specOf(
  labels: readonly string[],
  options: FeatureOptions,
  documents: number,
  vocabulary: string[],
  df: ArrayLike<number>,
): FeatureSpec {
  const idf = new Array<number>(vocabulary.length);
  for (let j = 0; j < vocabulary.length; j++) idf[j] = Math.log((1 + documents) / (1 + df[j]!)) + 1;
  return { version: 1, kind: "vocabulary-tfidf", labels: [...labels], options, documents, vocabulary, idf };
}
