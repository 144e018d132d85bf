import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidDatasetError } from "../src/errors.ts";
import { jsonLines, jsonLinesOf } from "../src/json-lines-reader.ts";

describe("jsonLines", () => {
  it("gives the lines of the text decoded whole", () => {
    const texts = [
      "\ufeff{}\n{}\r\n\n{}", // BOM, CRLF, empty line, no final newline
      "a\n",
      "",
      "é 東京 \u{1F600}\nascii\n",
      "\ufeff",
    ];
    const bytes = texts.map((t) => new TextEncoder().encode(t));
    // invalid UTF-8: a truncated sequence before a newline, a lone continuation byte, an overlong form, a cut-off end
    bytes.push(Uint8Array.of(0x61, 0xe6, 0x97, 0x0a, 0x80, 0x62, 0x0a, 0xc0, 0xaf, 0xf0, 0x9f));
    // a view into a larger buffer
    bytes.push(new TextEncoder().encode('xx{"a":1}\n{"a":2}yy').subarray(2, 17));
    for (const b of bytes) expect([...jsonLines(b)]).toEqual(new TextDecoder().decode(b).split("\n"));
  });

  it("parses each non-empty line, naming the line that does not match", () => {
    const bytes = new TextEncoder().encode('{"n": 1}\n\n{"n": "é"}\n');
    const schema = z.object({ n: z.number() });
    expect(() => [...jsonLinesOf(bytes, "k.jsonl", schema)]).toThrow(InvalidDatasetError);
    expect(() => [...jsonLinesOf(bytes, "k.jsonl", schema)]).toThrow(/^k\.jsonl:3 /);
    expect([...jsonLinesOf(bytes.subarray(0, 9), "k.jsonl", schema)]).toEqual([{ n: 1 }]);
  });
});
