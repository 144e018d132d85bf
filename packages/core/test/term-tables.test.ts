import { describe, expect, it } from "vitest";
import { type TermCount, TopTerms, termOrder } from "../src/ml/term-tables.ts";

describe("TopTerms", () => {
  it("keeps the first `limit` terms of a full sort in termOrder, in that order, cut after cut", () => {
    // Many ties (df 1–6), unigrams, bigrams and first-token terms, offered in a scrambled order
    let seed = 11;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const terms: TermCount[] = Array.from({ length: 3000 }, (_, i) => {
      const kind = i % 3;
      // (non-ASCII texts too, astral ones included: the order is that of UTF-16 code units)
      const word = i % 7 === 0 ? `é${i}` : i % 11 === 0 ? `\u{1F600}${i}` : i % 13 === 0 ? `\uFF21${i}` : `w${i}`;
      const term = kind === 0 ? word : kind === 1 ? `${word} x${i % 17}` : `^ f${i}`;
      return [term, 1 + Math.floor(next() * 6)];
    });
    for (const limit of [1, 50, 700, 5000]) {
      const top = new TopTerms(limit, 2);
      for (const [term, df] of terms) top.offer(term, df);
      const expected = terms
        .filter(([, df]) => df >= 2)
        .sort(termOrder)
        .slice(0, limit);
      expect(top.result(), `limit ${limit}`).toEqual(expected);
    }
  });
});
