/**
 * `tollgate predict --file` on the local backend: a model made by the real workflow, files scored
 * row by row (JSON Lines, CSV, stdin → stdout), other fields kept, failing rows reported by line,
 * top-k; and the single-text `--json` output with its top classes.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../helpers/topics.ts";

const home = tempHome();
const env = { TOLLGATE_HOME: home, ...FIXTURE_ENV };

const { run: tollgate } = localCli(env);

interface Scored {
  id: number;
  text: string;
  label: string;
  prediction: {
    label: string;
    probability: number;
    modelVersion: string;
    top?: { label: string; probability: number }[];
  };
}

let live: string;
const dir = tempHome();

beforeAll(async () => {
  await tollgate("ingest", writeJsonl(topicRows(600, 3)), "--dataset", "topics");
  live = (JSON.parse((await tollgate("models", "--json")).out) as { live: { version: string } }).live.version;
});

afterEach(() => {
  process.exitCode = undefined;
});

describe("predict --file", () => {
  it("scores every JSON Lines row, keeps its fields, and reports the rows that fail by line number", async () => {
    const rows = topicRows(300, 44).map((r, i) =>
      JSON.stringify({ id: i, text: r.text, label: r.label, extra: { k: i } }),
    );
    rows.splice(10, 0, "{not json"); // line 11
    rows.splice(20, 0, JSON.stringify({ id: "no-text" })); // line 21
    rows.splice(30, 0, "[1, 2]"); // line 31
    const input = join(dir, "in.jsonl");
    writeFileSync(input, `${rows.join("\n")}\n`);
    const output = join(dir, "out.jsonl");

    const { err } = await tollgate("predict", "--file", input, "--out", output, "--top-k", "2");

    const scored = readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Scored & { extra: unknown });
    expect(scored).toHaveLength(300);
    expect(scored.map((r) => r.id)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(scored[7]?.extra).toEqual({ k: 7 });
    expect(scored.every((r) => r.prediction.modelVersion === live)).toBe(true);
    const correct = scored.filter((r) => r.prediction.label === r.label).length;
    expect(correct / scored.length).toBeGreaterThan(0.9);
    for (const r of scored) {
      expect(r.prediction.top).toHaveLength(2);
      expect(r.prediction.top?.[0]).toEqual({ label: r.prediction.label, probability: r.prediction.probability });
      expect(r.prediction.top?.[0]?.probability).toBeGreaterThanOrEqual(r.prediction.top?.[1]?.probability ?? 1);
    }
    expect(err.filter((l) => l.startsWith("line "))).toEqual([
      expect.stringMatching(/^line 11: not JSON/),
      'line 21: no text: field "text" is missing',
      "line 31: not a JSON object",
    ]);
    expect(err.at(-1)).toMatch(/^scored 300 of 303 rows with topics \S+ .*; 3 failed/);
    expect(process.exitCode).toBe(1);
  });

  it("gives a row the same prediction as the single-text command", async () => {
    const texts = ["the dog and the cat near a wolf", "the referee stopped the football match", "bread soup garlic"];
    const input = join(dir, "same.jsonl");
    writeFileSync(input, texts.map((text) => JSON.stringify({ text })).join("\n"));
    const output = join(dir, "same.jsonl.out.jsonl");
    await tollgate("predict", "--file", input, "--out", output);
    const fromFile = readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as Scored).prediction);
    const single = (
      JSON.parse((await tollgate("predict", ...texts, "--json")).out) as { predictions: Scored["prediction"][] }
    ).predictions;
    expect(fromFile.map((p) => [p.label, p.probability])).toEqual(single.map((p) => [p.label, p.probability]));
    expect(fromFile.every((p) => p.top === undefined)).toBe(true);
    expect(process.exitCode).toBeUndefined();
  });

  it("reads and writes CSV: quoted fields kept, a malformed record reported by line, top-k columns", async () => {
    const input = join(dir, "in.csv");
    writeFileSync(
      input,
      [
        "id,text,note",
        '1,"the dog, the cat and a wolf","say ""hi"""',
        '2,"the referee stopped',
        'the football match",x',
        "3,too,many,columns",
        '4,"bread soup" garlic oven,ok',
        '5,"never closed,x',
        "6,more text,y",
      ].join("\n"),
    );
    const output = join(dir, "out.csv");
    const { err } = await tollgate("predict", "--file", input, "--out", output, "--top-k", "3");
    const records = parse(readFileSync(output, "utf8"), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.id, r.note, r.prediction_label])).toEqual([
      ["1", 'say "hi"', "animal"],
      ["2", "x", "sport"],
      ["4", "ok", "food"],
    ]);
    expect(records[2]?.text).toBe('"bread soup" garlic oven');
    expect(records[0]?.text).toBe("the dog, the cat and a wolf");
    expect(Object.keys(records[0] ?? {})).toEqual([
      "id",
      "text",
      "note",
      "prediction_label",
      "prediction_probability",
      "prediction_model_version",
      "prediction_top1_label",
      "prediction_top1_probability",
      "prediction_top2_label",
      "prediction_top2_probability",
      "prediction_top3_label",
      "prediction_top3_probability",
    ]);
    // A quote never closed takes the rest of the file: reported with the lines it covered, not dropped.
    expect(err.filter((l) => l.startsWith("line "))).toEqual([
      expect.stringMatching(/^line 5: malformed CSV record: /),
      expect.stringMatching(/^line 7: malformed CSV record \(lines 7–8\): /),
    ]);
    expect(process.exitCode).toBe(1);
  });

  it("reads stdin and writes stdout with the real command", async () => {
    const child = execFile(
      "node",
      ["--import", "tsx", "packages/cli/src/main.ts", "predict", "--file", "-", "--in-format", "jsonl"],
      {
        env: { ...process.env, ...env },
      },
    );
    const done = promisify((cb: (e: Error | null, v: { stdout: string; stderr: string }) => void) => {
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (d) => {
        stdout += d;
      });
      child.stderr?.on("data", (d) => {
        stderr += d;
      });
      child.on("close", (code) => cb(code === 0 ? null : new Error(`exit ${code}: ${stderr}`), { stdout, stderr }));
    })();
    child.stdin?.end(`${JSON.stringify({ text: "whale and otter" })}\n${JSON.stringify({ text: "tennis racket" })}\n`);
    const { stdout, stderr } = await done;
    expect(
      stdout
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as Scored).prediction.label),
    ).toEqual(["animal", "sport"]);
    expect(stderr).toMatch(/^scored 2 of 2 rows with topics /m);
  });
});

describe("predict --json (single texts)", () => {
  it("lists the top classes with their probabilities, most likely first", async () => {
    const [p] = (
      JSON.parse((await tollgate("predict", "a small cat", "--json", "--top-k", "2")).out) as {
        predictions: Scored["prediction"][];
      }
    ).predictions;
    expect(p?.top).toHaveLength(2);
    expect(p?.top?.[0]).toEqual({ label: p?.label, probability: p?.probability });
    const [all] = (
      JSON.parse((await tollgate("predict", "a small cat", "--json")).out) as { predictions: Scored["prediction"][] }
    ).predictions;
    expect(all?.top?.map((t) => t.label).sort()).toEqual(["animal", "food", "sport"]);
    const sum = all?.top?.reduce((s, t) => s + t.probability, 0) ?? 0;
    expect(sum).toBeCloseTo(1, 5);
  });
});
