/** The `tollgate` CLI on the local backend: ingest (idempotent), show, models, promote/rollback, predict, audit, errors. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../helpers/topics.ts";

const home = tempHome();
const env = { TOLLGATE_HOME: home, TOLLGATE_MIN_ACCURACY: "0.8", ...FIXTURE_ENV };

const { tollgate, json } = localCli(env);

let first: string;
let second: string;

beforeAll(async () => {
  first = (await json<{ name: string }>("ingest", writeJsonl(topicRows(500, 11)), "--dataset", "topics")).name;
  second = (await json<{ name: string }>("ingest", writeJsonl(topicRows(700, 12)), "--dataset", "topics")).name;
});

describe("tollgate CLI (local backend)", () => {
  it("starts one run for the same file content ingested twice", async () => {
    const file = writeJsonl(topicRows(500, 11));
    const again = await json<{ name: string; started: boolean }>("ingest", file, "--dataset", "topics");
    expect(again).toMatchObject({ name: first, started: false });
    const { runs } = await json<{ runs: { name: string }[] }>("runs");
    expect(runs.map((r) => r.name)).toEqual([second, first]);
  });

  it("show prints every state with its duration, and the gate's numbers and decision", async () => {
    const text = await tollgate("show", second);
    for (const state of ["Etl", "Preprocess", "Train", "Evaluate", "Gate", "Promote"]) {
      expect(text).toMatch(new RegExp(`^${state}\\s+\\w+\\s+succeeded\\s+\\d+\\.\\d\\ds`, "m"));
    }
    expect(text).toMatch(
      /^gate\s+minAccuracy 0\.8000\s+minGain 0\.0000\s+live \S+ accuracy \d\.\d{4} → threshold \d\.\d{4}/m,
    );
    expect(text).toMatch(/^decision\s+PROMOTED: accuracy \d\.\d{4} ≥ minAccuracy 0\.8000/m);
    // The hyperparameters Train chose on validation, and how many candidates it tried (10 of successive
    // halving, and on small data up to 4 of the exact solver: c = 100 and 10, each on Preprocess's features
    // and on the wide ones).
    expect(text).toMatch(
      /^chosen\s+learning rate (0\.3|1|3)\s+L2 [\d.e-]+\s+n-grams 1–[12]\s+min df \d+\s+\(best of 1[0-4] on validation, [\d.]+ passes\)/m,
    );
  });

  it("lists models with the live one marked, then promotes and rolls back by compare-and-swap", async () => {
    const before = await json<{ live: { version: string; previous: string } }>("models");
    expect(before.live.previous).not.toBeNull();
    expect(await tollgate("models")).toMatch(new RegExp(`^\\*\\s+${before.live.version}\\s+live`, "m"));
    const rolled = await json<{ version: string }>("rollback");
    expect(rolled.version).toBe(before.live.previous);
    const promoted = await json<{ version: string; previous: string }>("promote", before.live.version);
    expect(promoted).toMatchObject({ version: before.live.version, previous: before.live.previous });
  });

  it("predicts with the live model and names its version", async () => {
    const live = (await json<{ live: { version: string } }>("models")).live.version;
    const { predictions } = await json<{ predictions: { label: string; modelVersion: string; probability: number }[] }>(
      "predict",
      "the dog and the cat near a wolf",
      "the referee stopped the football match",
    );
    expect(predictions.map((p) => p.label)).toEqual(["animal", "sport"]);
    for (const p of predictions) {
      expect(p.modelVersion).toBe(live);
      expect(p.probability).toBeGreaterThan(0.5);
    }
  });

  it("audit shows who started the run, an artifact write and a registry write", async () => {
    const { records } = await json<{
      records: { eventName: string; eventSource: string; userIdentity: { principalId: string } }[];
    }>("audit", second);
    const events = new Set(records.map((r) => `${r.eventSource} ${r.eventName}`));
    expect(events).toContain("states.amazonaws.com StartExecution");
    expect(events).toContain("s3.amazonaws.com PutObject");
    expect([...events].some((e) => e.startsWith("dynamodb.amazonaws.com"))).toBe(true);
  });

  it("prints one clear line and exits non-zero on an error", async () => {
    const run = promisify(execFile)("node", ["--import", "tsx", "packages/cli/src/main.ts", "show", "no-such-run"], {
      env: { ...process.env, ...env },
    });
    const failure = await run.then(
      () => {
        throw new Error("expected a non-zero exit");
      },
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr.trim().split("\n")).toEqual([
      "tollgate: ExecutionNotFoundError: no run named no-such-run (see `tollgate runs`)",
    ]);
  });
});
