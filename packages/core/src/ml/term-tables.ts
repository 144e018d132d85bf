/**
 * Exact document frequencies over every training shard, in bounded memory (ADR 0007): each child
 * of the CountTerms Map counts its own shards and writes its table split into `parts` partitions by
 * a hash of the term; MergeTerms then sums one partition at a time over all children (a term's
 * counts are all in the same partition) and keeps the top terms in a bounded selection. Memory is
 * one partition's distinct terms plus the selection, whatever the corpus size.
 */

/** The prefix of the first-token term ("^" is never part of a token). */
export const FIRST_TOKEN_PREFIX = "^ ";

/** A term and its document frequency. */
export type TermCount = [term: string, df: number];

/** FNV-1a (32 bit) of the term's UTF-16 code units: which partition it belongs to. */
export function partitionOf(term: string, parts: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) hash = Math.imul(hash ^ term.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % parts;
}

/** One partition's table as text: a `term<TAB>df` line per term (tokens never hold a tab or a newline). */
export function encodeTermTable(entries: readonly TermCount[]): string {
  return entries.map(([term, df]) => `${term}\t${df}\n`).join("");
}

export function* decodeTermTable(text: string): Generator<TermCount> {
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const tab = line.lastIndexOf("\t");
    yield [line.slice(0, tab), Number(line.slice(tab + 1))];
  }
}

/** Single tokens (and first-token terms) before bigrams among terms of equal frequency: they generalise better. */
const rank = (term: string): number => (term.startsWith(FIRST_TOKEN_PREFIX) || !term.includes(" ") ? 0 : 1);

/** The vocabulary's order: most frequent first, then single tokens before bigrams, then by text. */
export function termOrder(a: TermCount, b: TermCount): number {
  return b[1] - a[1] || rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

/**
 * Sorts in {@link termOrder}: the terms grouped by (df, rank), the groups in that order, each group's
 * texts by the built-in sort (UTF-16 code units, as `<` compares; terms are distinct). The same
 * order as a sort with termOrder's comparator, without a JavaScript call per comparison.
 */
function sortInTermOrder(entries: TermCount[]): TermCount[] {
  const groups = new Map<number, string[]>();
  for (const [term, df] of entries) {
    const key = 2 * df + rank(term);
    const group = groups.get(key);
    if (group) group.push(term);
    else groups.set(key, [term]);
  }
  const keys = [...groups.keys()].sort((a, b) => Math.floor(b / 2) - Math.floor(a / 2) || (a % 2) - (b % 2));
  const sorted: TermCount[] = [];
  for (const key of keys) for (const term of groups.get(key)!.sort()) sorted.push([term, Math.floor(key / 2)]);
  return sorted;
}

/**
 * The first `limit` terms in {@link termOrder} among those offered with df ≥ `minDf`, in at most
 * 2 × limit entries (cut whenever it fills). The order is total, so the result does not depend on
 * the order terms are offered in.
 */
export class TopTerms {
  private kept: TermCount[] = [];

  constructor(
    private readonly limit: number,
    private readonly minDf: number,
  ) {}

  offer(term: string, df: number): void {
    if (df < this.minDf) return;
    this.kept.push([term, df]);
    if (this.kept.length >= 2 * this.limit) this.cut();
  }

  result(): TermCount[] {
    this.cut();
    this.kept = sortInTermOrder(this.kept);
    return this.kept;
  }

  /**
   * Keeps the first `limit` in {@link termOrder} without sorting them all: every term above the
   * limit-th largest df stays; only the terms at that df are sorted (by rank, then text) to fill
   * the rest. The same terms as a full sort and cut, in a fraction of its time on long documents
   * (millions of candidates, most of them at the smallest df).
   */
  private cut(): void {
    const kept = this.kept;
    if (kept.length <= this.limit) return;
    const dfs = Int32Array.from(kept, (k) => k[1]).sort();
    const at = dfs[kept.length - this.limit]!;
    const above = kept.filter((k) => k[1] > at);
    const tied = sortInTermOrder(kept.filter((k) => k[1] === at));
    this.kept = above.concat(tied.slice(0, this.limit - above.length));
  }
}
