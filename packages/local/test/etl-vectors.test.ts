import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { readCsv } from "../src/etl/csv.ts";
import { splitLines } from "../src/etl/decode.ts";
import {
  cleanRow,
  combineDigests,
  compareCodePoints,
  normalizeWhitespace,
  parseFile,
  shardCount,
  shardHash,
  shardOf,
} from "../src/etl/index.ts";
import { loadVectors, type Outcome, vectorBytes } from "./helpers/etl-vectors.ts";

const { rows, shards } = loadVectors();

/** The per-record outcome (stage 1 + stage 2, before de-duplication). */
function outcomes(file: string, bytes: Uint8Array): Outcome[] {
  return parseFile(file, bytes).map((r) => {
    if (r.reason) return { line: r.line, reason: r.reason };
    const clean = cleanRow(r.text, r.label);
    return typeof clean === "string" ? { line: r.line, reason: clean } : { line: r.line, ...clean };
  });
}

describe("ETL rule vectors (docs/etl-rules.md)", () => {
  it.each(rows.map((v) => [v.name, v] as const))("%s", (_, v) => {
    expect(outcomes(v.file, vectorBytes(v))).toEqual(v.expect);
  });
});

describe("CSV reader", () => {
  const wellFormed = [
    'text,label\n"Hello, world",a\n"multi\nline ""quoted"" text",b\nplain,c\n',
    'a,b,c\n1,,3\n"",x,"y"\n',
    "text,label\r\nx,y\r\n",
    'h\n"a\n\nb"\n',
  ];
  it.each(wellFormed)("agrees with csv-parse on well-formed input %#", (input) => {
    const ours = [...readCsv(splitLines(new TextEncoder().encode(input)))].map((r) => r.fields);
    const oracle = parse(input, { relax_column_count: true, skip_empty_lines: true }) as string[][];
    expect(ours).toEqual(oracle.map((rec) => rec.map((f) => f.replace(/\r\n/g, "\n"))));
  });

  it("keeps the start line and the raw text of each record", () => {
    const records = [...readCsv(splitLines(new TextEncoder().encode('h,l\n\n"a\nb",x\n')))];
    expect(records.map((r) => [r.line, r.raw])).toEqual([
      [1, "h,l"],
      [3, '"a\nb",x'],
    ]);
  });
});

describe("rules", () => {
  it("normalises exactly the listed whitespace", () => {
    expect(normalizeWhitespace("\u0085a\u000b\u000cb\u202f\u205fc\u3000")).toBe("a b c");
    expect(normalizeWhitespace("a\u200bb\ufeffc\u180ed")).toBe("a\u200bb\ufeffc\u180ed");
  });

  it("orders by code point, not UTF-16 unit", () => {
    const sorted = ["😀", "\uff5a", "z", "Z", ""].sort(compareCodePoints);
    expect(sorted).toEqual(["", "Z", "z", "\uff5a", "😀"]);
    expect(sorted).toEqual(
      ["😀", "\uff5a", "z", "Z", ""].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
  });
});

describe("shard layout vectors (docs/etl-rules.md, Shards)", () => {
  it.each(shards.hash)("hash of $text is $h", ({ text, h }) => expect(shardHash(text)).toBe(h));
  it.each(shards.assign)("hash $h of $k shards is in shard $shard", ({ h, k, shard }) => {
    expect(shardOf(h, k)).toBe(shard);
  });
  it.each(shards.count)("$rows rows of $bytes bytes make $k shards", ({ rows, bytes, k }) => {
    expect(shardCount(rows, bytes)).toBe(k);
  });
  it.each(shards.version)("version of $digests.length digests", ({ digests, version }) => {
    expect(combineDigests(digests)).toBe(version);
  });
});
