/**
 * batch/score-file.ts: memory stays bounded (reading waits for the output), and top-k ordering.
 * The model is a stand-in that labels each text by its length: what is tested is the streaming.
 */
import { Readable, Writable } from "node:stream";
import { topClasses } from "@tollgate/core/serving/prediction";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { BATCH_ROWS, csvRecord, scoreFile } from "../src/batch/score-file.ts";

const model = {
  version: "v-test",
  labels: ["short", "long"],
  predict: async (texts: string[]) => ({
    labels: texts.map((t) => (t.length < 10 ? "short" : "long")),
    probabilities: texts.map((t) => (t.length < 10 ? new Float32Array([0.8, 0.2]) : new Float32Array([0.3, 0.7]))),
  }),
};

describe("scoreFile", () => {
  it("stops reading while the output does not drain: at most a few batches are held", async () => {
    let pulled = 0;
    const input = Readable.from(
      (function* () {
        for (let i = 0; i < 200_000; i++) {
          pulled++;
          yield `${JSON.stringify({ id: i, text: `text number ${i}` })}\n`;
        }
      })(),
    );
    let release: (() => void) | undefined;
    let written = 0;
    const output = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, callback) {
        written += chunk.length;
        release = callback; // held: the consumer is stuck
      },
    });
    const scoring = scoreFile(model, {
      input,
      inputFormat: "jsonl",
      output,
      outputFormat: "jsonl",
      textField: "text",
      topK: 0,
      onFailure: () => {},
    });
    await new Promise((r) => setTimeout(r, 500));
    const held = pulled;
    expect(written).toBeGreaterThan(0);
    expect(held).toBeLessThan(4 * BATCH_ROWS);
    await new Promise((r) => setTimeout(r, 300));
    expect(pulled).toBe(held); // nothing more read while stuck
    // Let it drain from now on: everything is scored.
    output._write = (_chunk, _enc, callback) => callback();
    release?.();
    const summary = await scoring;
    expect(summary).toMatchObject({ rows: 200_000, scored: 200_000, failed: 0, modelVersion: "v-test" });
  });

  it("ranks classes by probability", () => {
    expect(topClasses(["a", "b", "c"], new Float32Array([0.2, 0.5, 0.3]), 2)).toEqual([
      { label: "b", probability: 0.5 },
      { label: "c", probability: expect.closeTo(0.3, 6) },
    ]);
  });

  it("writes CSV records as csv-stringify does, and csv-parse reads them back unchanged", () => {
    const tricky = ['say "hi"', "a,b", "two\nlines", "cr\rlf", "", " spaced ", "plain", "ünï©ødé", '"', ",", "x\r\n"];
    let seed = 7;
    const pick = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return tricky[seed % tricky.length] as string;
    };
    const records = Array.from({ length: 200 }, (_, i) => [pick(), pick(), i, i / 7, pick()]);
    const ours = records.map(csvRecord).join("");
    expect(ours).toBe(stringify(records));
    expect(parse(ours)).toEqual(records.map((r) => r.map(String)));
  });
});
