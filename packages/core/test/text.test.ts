import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportTokenizerOnnx } from "../src/ml/onnx/export.ts";
import { normalize, tokenize } from "../src/ml/text.ts";
import { edgeDocuments } from "./fixture.ts";

describe("normalize / tokenize", () => {
  it("lowercases code point by code point, like StringNormalizer in C.UTF-8", () => {
    expect(normalize("İSTANBUL")).toBe("istanbul");
    expect(normalize("ΟΔΟΣ")).toBe("οδοσ"); // JavaScript's toLowerCase gives final ς
    expect("ΟΔΟΣ".toLowerCase()).toBe("οδος");
    expect(tokenize("Hello, WORLD! Ça va? 東京2024")).toEqual(["hello", "world", "ça", "va", "東京2024"]);
    expect(tokenize("?!... ---")).toEqual([]);
  });
});

describe("tokenize matches the ONNX graph's tokens", () => {
  let session: ort.InferenceSession;
  beforeAll(async () => {
    session = await ort.InferenceSession.create(exportTokenizerOnnx());
  });
  afterAll(async () => session?.release());

  async function onnxTokens(texts: string[]): Promise<{ normalized: string[]; tokens: string[][] }> {
    const out = await session.run({ text: new ort.Tensor("string", texts, [texts.length]) });
    const flat = out.tokens!.data as string[];
    const T = out.tokens!.dims[1] as number;
    const tokens = texts.map((_, i) => flat.slice(i * T, (i + 1) * T).filter((t) => t !== "#"));
    return { normalized: out.normalized!.data as string[], tokens };
  }

  it("on sentences and edge cases", async () => {
    const texts = [
      ...edgeDocuments(),
      "Ἀριστοτέλης ΣΟΦΌΣ σοφός",
      "ÀÉÎÕÜ ǅ ǈ ǋ ẞ Ω K Å",
      "tab\there new\nline — dash – dash_underscore 3.14 1,000",
      "ﬁ ligature ＦＵＬＬＷＩＤＴＨ",
    ];
    const { normalized, tokens } = await onnxTokens(texts);
    texts.forEach((text, i) => {
      expect(tokenize(text), JSON.stringify(text.slice(0, 40))).toEqual(tokens[i]);
      expect(normalize(text)).toBe(normalized[i]);
    });
  });

  it("on every Unicode code point", async () => {
    const all: string[] = [];
    for (let cp = 1; cp < 0x110000; cp++) if (cp < 0xd800 || cp > 0xdfff) all.push(String.fromCodePoint(cp));
    const mismatches: string[] = [];
    for (let start = 0; start < all.length; start += 100_000) {
      const texts = all.slice(start, start + 100_000);
      const { normalized, tokens } = await onnxTokens(texts);
      texts.forEach((text, i) => {
        const ours = tokenize(text);
        if (normalize(text) !== normalized[i] || ours.length !== tokens[i]!.length || ours[0] !== tokens[i]![0]) {
          mismatches.push(text.codePointAt(0)!.toString(16));
        }
      });
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
});
