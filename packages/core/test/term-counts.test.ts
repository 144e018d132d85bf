import { describe, expect, it } from "vitest";
import { compileWasm, WASM_MODULES } from "../../../scripts/build-wasm.ts";
import { mulberry32 } from "../src/ml/random.ts";
import { TermCounts } from "../src/ml/term-counts.ts";

/** The terms of token ids as `TermCounts.count` lists them, keyed "a,b" (no bigram of an id −1: not a token). */
function termKeys(ids: number[], shape: { bigrams: boolean; first: boolean }): string[] {
  const keys: string[] = [];
  for (const [k, t] of ids.entries()) {
    keys.push(`${t},-1`);
    if (shape.bigrams && k > 0 && t >= 0 && ids[k - 1]! >= 0) keys.push(`${ids[k - 1]},${t}`);
  }
  if (shape.first && ids.length > 0) keys.push(`${ids[0]},-2`);
  return keys;
}

/** Random documents of token ids: `docs` of up to `maxLength` tokens among `vocabulary`. */
function randomDocs(docs: number, maxLength: number, vocabulary: number, seed: number): number[][] {
  const next = mulberry32(seed);
  return Array.from({ length: docs }, () =>
    Array.from({ length: Math.floor(next() * maxLength) }, () => Math.floor(next() * next() * vocabulary)),
  );
}

describe("term counts in WebAssembly", () => {
  it.each(WASM_MODULES)(
    "$name: the committed bytes are compiled from packages/core/assembly (pnpm build:wasm)",
    async ({ name, constant }) => {
      const committed = (await import(`../src/ml/${name}-wasm.ts`)) as Record<string, string>;
      expect(Buffer.from(await compileWasm(name)).toString("base64")).toBe(committed[constant]);
    },
    60_000,
  );

  it.each([
    { bigrams: true, first: true },
    { bigrams: false, first: false },
  ])("number terms in the order first seen, with document frequencies and lookups: %o", (shape) => {
    // Enough distinct bigrams to grow every table (tokens, terms, bigram slots, the input) several times.
    const docs = randomDocs(300, 4000, 5000, 7);
    const counts = new TermCounts(shape);
    const index = new Map<string, number>();
    const df: number[] = [];
    for (const ids of docs) {
      const expected: number[] = [];
      for (const key of termKeys(ids, shape)) {
        if (!index.has(key)) index.set(key, index.size);
        expected.push(index.get(key)!);
      }
      for (const i of new Set(expected)) df[i] = (df[i] ?? 0) + 1;
      let got: number[] = [];
      counts.count(Int32Array.from(ids), ids.length, (indices) => {
        got = [...indices];
      });
      expect(got).toEqual(expected);
    }
    expect(index.size).toBeGreaterThan(shape.bigrams ? 100_000 : 4000);
    expect([...counts.df]).toEqual(df);
    const probe = [3, 9_999_999, 3, 4, -1, 4];
    for (const [n, t] of docs[0]!.slice(0, 3).entries()) probe[n] = t;
    const keys = termKeys(probe, shape).filter((key) => index.has(key));
    let found: number[] = [];
    counts.lookup(Int32Array.from(probe), probe.length, (indices) => {
      found = [...indices];
    });
    expect(found).toEqual(keys.map((key) => index.get(key)));
  });

  it("prune keeps the terms above a document frequency, renumbered in order, and finds them again", () => {
    const shape = { bigrams: true, first: true };
    const docs = randomDocs(200, 500, 3000, 11);
    const counts = new TermCounts(shape);
    for (let t = 0; t < 3000; t++) counts.table.intern(`w${t}`);
    for (const ids of docs) counts.count(Int32Array.from(ids), ids.length);
    const before = [...counts.df];
    const texts = before.map((_, i) => counts.text(i));
    counts.prune(before.length);
    const kept = before.flatMap((n, i) => (n > 1 ? [i] : []));
    expect(kept.length).toBeLessThan(before.length / 2 + 1);
    expect(kept.length).toBeGreaterThan(100);
    expect([...counts.df]).toEqual(kept.map((i) => before[i]));
    expect(kept.map((_, i) => counts.text(i))).toEqual(kept.map((i) => texts[i]));
    // A document counted after pruning: its known terms keep their new index, new ones come after.
    const ids = docs[0]!;
    let got: number[] = [];
    counts.count(Int32Array.from(ids), ids.length, (indices) => {
      got = [...indices];
    });
    const renumbered = new Map(kept.map((old, i) => [texts[old], i]));
    for (const [k, i] of got.entries()) {
      const text = counts.text(i);
      if (renumbered.has(text)) expect(i).toBe(renumbered.get(text));
      else expect(i).toBeGreaterThanOrEqual(kept.length);
      expect(k).toBeLessThan(got.length);
    }
    expect(got.some((i) => i >= kept.length)).toBe(true);
  });

  it.each([20, 3000])(
    "vector: a document's distinct terms ascending, with count · idf / norm summed occurrence by occurrence (%i tokens)",
    (length) => {
      // 70,000 unigram terms (ids past 2^16: every byte of a radix sort), a document with repeats.
      const next = mulberry32(3);
      const counts = new TermCounts({ bigrams: false, first: false });
      const terms = 70_000;
      for (let t = 0; t < terms; t++) counts.put(t, -1);
      const idf = Array.from({ length: terms }, () => 1 + 5 * next());
      counts.setIdf(idf);
      const doc = Int32Array.from({ length: length }, () => Math.floor(next() * next() * terms));
      doc[0] = -1; // a token in no term
      const occurrences = [...doc].filter((t) => t >= 0).sort((a, b) => a - b);
      let norm2 = 0;
      for (const t of occurrences) norm2 += idf[t]! * idf[t]!;
      const norm = Math.sqrt(norm2);
      const expected = new Map<number, number>();
      for (const t of occurrences) expected.set(t, (expected.get(t) ?? 0) + idf[t]! / norm);
      for (let round = 0; round < 2; round++) {
        const { ids, values } = counts.vector(doc, doc.length);
        expect([...ids]).toEqual([...expected.keys()]);
        expect([...values]).toEqual([...expected.values()]);
      }
    },
  );
});
