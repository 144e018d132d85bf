import { describe, expect, it } from "vitest";
import { tokenBytes } from "../src/ml/split.ts";
import { tokenize } from "../src/ml/text.ts";
import { TokenTable } from "../src/ml/token-table.ts";
import { edgeDocuments } from "./fixture.ts";

const texts = [
  ...edgeDocuments(),
  "",
  "HELLO",
  "Hello, WORLD! 42abc x_y",
  "ends with NUL\0 not this",
  "\0",
  "  spaces\tand\nnewlines  ",
  "Ça va? 東京2024 and ASCII",
  "dog DOG Dog dOg",
];
const utf8 = new TextEncoder();

/** A seeded linear congruential generator of numbers in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

describe("TokenTable.scan gives the ids of tokenize's tokens", () => {
  it("adding, then looking up, on ASCII and other text", () => {
    const table = new TokenTable();
    for (const text of texts) {
      const n = table.scan(text, true);
      expect(Array.from(table.ids.subarray(0, n), (id) => table.tokens[id])).toEqual(tokenize(text));
    }
    const frozen = table.tokens.length;
    for (const text of [...texts, "unseen WORDS here"]) {
      const n = table.scan(text, false);
      const expected = tokenize(text).map((t) => table.tokens.indexOf(t));
      expect(Array.from(table.ids.subarray(0, n))).toEqual(expected);
    }
    expect(table.tokens.length).toBe(frozen);
    expect(table.get("unseen")).toBe(-1);
    expect(table.get("dog")).toBe(table.intern("dog"));
  });

  it("on random mixes of ASCII, accented, cased, CJK, astral, combining, lone-surrogate and NUL characters", () => {
    const alphabet = [
      ..."aZ09 ,.-_\t\nÇçÉßİıΣσςΟΔ東京ж\u0301\u00b2\u2028\ufffd\ud800\udc00\u0000",
      "𝐀",
      "😀",
      "𐐀",
      "Ǆ",
    ];
    const next = lcg(7);
    const table = new TokenTable();
    for (let k = 0; k < 400; k++) {
      const text = Array.from(
        { length: 1 + Math.floor(next() * 40) },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join("");
      const n = table.scan(text, true);
      expect(
        Array.from(table.ids.subarray(0, n), (id) => table.tokens[id]),
        JSON.stringify(text),
      ).toEqual(tokenize(text));
    }
  });

  it("on random ASCII text, with its bytes scanned (long texts, punctuation, control characters, NUL)", () => {
    const alphabet = [..."aAzZ09mM _-.,;'\"\t\n\r\u0001\u007f"];
    const next = lcg(11);
    const table = new TokenTable();
    for (let k = 0; k < 300; k++) {
      const length = 1 + Math.floor(next() * (k % 10 === 0 ? 5000 : 60));
      let text = Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
      if (k % 25 === 0) text = `${text.slice(0, length >> 1)}\0${text.slice(length >> 1)}`;
      const n = table.scan(text, true);
      expect(
        Array.from(table.ids.subarray(0, n), (id) => table.tokens[id]),
        JSON.stringify(text),
      ).toEqual(tokenize(text));
      expect(table.scan(text.toUpperCase(), false)).toBe(n);
    }
  });

  it("on many tokens (the table grows and rehashes)", () => {
    const table = new TokenTable();
    const text = Array.from({ length: 5000 }, (_, i) => `Word${i}`).join(" ");
    const n = table.scan(text, true);
    expect(n).toBe(5000);
    expect(table.tokens[4321]).toBe("word4321");
    expect(table.scan(text.toUpperCase(), false)).toBe(5000);
    expect(table.ids[4321]).toBe(4321);
  });
});

describe("tokenBytes (the split's hash input)", () => {
  it("is the UTF-8 of the tokens joined by single spaces", () => {
    for (const text of texts)
      expect(Array.from(tokenBytes(text))).toEqual(Array.from(utf8.encode(tokenize(text).join(" "))));
  });
});
