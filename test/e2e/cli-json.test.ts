/**
 * The `--json` contract (docs/cli-json.md), walked over every command that has `--json`, on one
 * home made by the real workflow: each document is an object whose first field is `schemaVersion`,
 * and no string inside it is JSON text of an object or an array (Step Functions' `input`, `output`,
 * `parameters` and `cause` arrive parsed). The only strings allowed to look like JSON are data:
 * a quarantined row's `raw` line and a prediction's `text`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildProgram } from "@tollgate/cli/program";
import { beforeAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../helpers/topics.ts";

const home = tempHome();
const env = { TOLLGATE_HOME: home, ...FIXTURE_ENV, TOLLGATE_MIN_GAIN: "-1" };
const cli = localCli(env);
const approving = localCli({ ...env, TOLLGATE_APPROVAL: "required" });

/** Data fields: their text is what a user gave, JSON or not. */
const DATA_FIELDS = new Set(["raw", "text"]);

/** Paths of strings in `value` that hold JSON objects or arrays. */
function encodedStrings(value: unknown, path = "$"): string[] {
  if (typeof value === "string") {
    if (!/^\s*[[{]/.test(value)) return [];
    try {
      const parsed = JSON.parse(value);
      return typeof parsed === "object" && parsed !== null ? [path] : [];
    } catch {
      return [];
    }
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => encodedStrings(v, `${path}[${i}]`));
  if (typeof value === "object" && value !== null)
    return Object.entries(value).flatMap(([k, v]) => (DATA_FIELDS.has(k) ? [] : encodedStrings(v, `${path}.${k}`)));
  return [];
}

let runs: { name: string }[];
let v1: string;
let rejected: string;
let approved: string;
let failedRun: string;
let approvedRun: string;
const outputs = new Map<string, unknown>();

/** Runs one command with --json, keeps its document under the command's name. */
async function document(command: string, args: string[], tool = cli): Promise<Record<string, unknown>> {
  const text = await tool.tollgate(...args, "--json");
  process.exitCode = undefined; // a failed run's command sets it, as the CLI should
  const parsed = JSON.parse(text) as Record<string, unknown>;
  outputs.set(command, parsed);
  return parsed;
}

beforeAll(async () => {
  const bad = writeJsonl([{ text: "no label here", label: "" }, ...topicRows(30, 3).map((r) => ({ ...r, label: "" }))]);
  failedRun = (await document("ingest", ["ingest", bad, "--dataset", "topics"])).name as string;
  await cli.tollgate("ingest", writeJsonl(topicRows(400, 5)), "--dataset", "topics");
  const pending = (
    await approving.json<{ name: string }>("ingest", writeJsonl(topicRows(450, 6)), "--dataset", "topics")
  ).name;
  await approving.tollgate("ingest", writeJsonl(topicRows(500, 7)), "--dataset", "topics");
  const models = await cli.json<{ versions: { version: string; runId: string }[] }>("models", "--model", "topics");
  [approved, rejected, v1] = models.versions.map((v) => v.version) as [string, string, string];
  expect(models.versions[1]?.runId).toBe(pending);
  approvedRun = models.versions[0]?.runId ?? "";
  runs = (await cli.json<{ runs: { name: string }[] }>("runs")).runs;
}, 240_000);

describe("--json documents", () => {
  it("every command with --json prints an object led by schemaVersion, with nothing JSON-encoded twice", async () => {
    const scoreIn = writeJsonl(topicRows(20, 9), "in.jsonl");
    const scoreOut = join(tempHome(), "out.jsonl");
    writeFileSync(scoreOut, "");
    const m = ["--model", "topics"];
    await document("runs", ["runs"]);
    await document("show", ["show", runs[0]?.name ?? ""]);
    await document("quarantine", ["quarantine", approvedRun]);
    await document("models", ["models", ...m]);
    await document("models show", ["models", "show", v1, ...m]);
    await document("models compare", ["models", "compare", v1, approved, ...m]);
    await document("lineage", ["lineage", approved, ...m]);
    await document("reject", ["reject", rejected, "--reason", "not better on billing", ...m]);
    await document("approve", ["approve", approved, "--reason", "checked 50 rows", ...m]);
    await document("rollback", ["rollback", ...m]);
    await document("promote", ["promote", approved, ...m]);
    await document("run", ["run", "--dataset", "topics"]);
    // the failed run, redriven from its Etl, now reads the valid files too
    await document("redrive", ["redrive", failedRun]);
    await document("predict", ["predict", "a small cat", '{"text": "json-looking text"}', ...m]);
    await document("predict --file", ["predict", "--file", scoreIn, "--out", scoreOut, ...m]);
    await document("audit", ["audit", runs[0]?.name ?? ""]);
    await document("gc", ["gc", "--keep", "5", "--dry-run"]);
    await document("config", ["config"]);

    for (const [command, doc] of outputs) {
      if (doc === "refused") continue;
      expect(Array.isArray(doc), command).toBe(false);
      expect(Object.keys(doc as object)[0], command).toBe("schemaVersion");
      expect((doc as { schemaVersion: unknown }).schemaVersion, command).toBe(1);
      expect(encodedStrings(doc), command).toEqual([]);
    }
    // runs and show: the execution's input and output are objects, not JSON text
    const show = outputs.get("show") as { execution: { input: unknown; output: unknown } };
    expect(show.execution.input).toMatchObject({ dataset: "topics" });
    expect(typeof show.execution.output).toBe("object");

    // every command that takes --json was walked here
    const withJson = buildProgram({ out: () => {}, err: () => {} }).commands.flatMap((c) => [
      ...(c.options.some((o) => o.long === "--json") ? [c.name()] : []),
      ...c.commands.filter((s) => s.options.some((o) => o.long === "--json")).map((s) => `${c.name()} ${s.name()}`),
    ]);
    // `stop` needs a run held in progress: test/e2e/stop.test.ts checks its document the same way
    for (const command of withJson.filter((c) => c !== "stop")) expect([...outputs.keys()], command).toContain(command);
  });
});
