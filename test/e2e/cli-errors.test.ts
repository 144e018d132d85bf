/**
 * The CLI's errors (issue 14, item 10): every failure prints one line naming the error and what to do,
 * exits 1, and carries no raw Node or library text; listings say what they filtered; the progress
 * printer never ticks a failed state; predict says when no token of a text is known to the model.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { progressPrinter } from "@tollgate/cli/progress";
import type { NewHistoryEvent } from "@tollgate/core/workflow/executions";
import { beforeAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../helpers/topics.ts";

const home = tempHome();
const env = { TOLLGATE_HOME: home, TOLLGATE_MIN_ACCURACY: "0.8", ...FIXTURE_ENV };

const { tollgate, json } = localCli(env);

/** The real command in a child process. */
async function cli(args: string[], extraEnv: Record<string, string> = {}) {
  const run = promisify(execFile)("node", ["--import", "tsx", "packages/cli/src/main.ts", ...args], {
    env: { ...process.env, ...env, ...extraEnv },
  });
  return run.then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr.trim().split("\n") }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr.trim().split("\n"),
    }),
  );
}

const RAW = /ENOENT|EISDIR|ENAMETOOLONG|SqliteError|ZodError|at .*\.ts:\d+|✖/;
const rawFiles = () => {
  const dir = join(home, "objects", "data", "raw");
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).length : 0;
};

beforeAll(async () => {
  await tollgate("ingest", writeJsonl(topicRows(300, 31)), "--dataset", "topics", "--json");
}, 120_000);

describe("ingest of a file that cannot be read", () => {
  it.each([
    [
      "a missing file",
      "/no/such/file.jsonl",
      /^tollgate: InvalidInputError: file \/no\/such\/file\.jsonl does not exist: check the path$/,
    ],
    ["a directory", "/tmp", /^tollgate: InvalidInputError: \/tmp is a folder: name a JSON Lines or CSV file$/],
    [
      "a name too long",
      `/tmp/${"x".repeat(300)}.jsonl`,
      /^tollgate: InvalidInputError: the path \/tmp\/x+… \(311 characters\) is too long for the file system: move or rename the file$/,
    ],
  ])("%s: one line, exit 1, nothing written", async (_, file, line) => {
    const before = rawFiles();
    const { code, stderr } = await cli(["ingest", file, "--dataset", "topics"]);
    expect(code).toBe(1);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(line);
    expect(stderr[0]).not.toMatch(RAW);
    expect(rawFiles()).toBe(before);
  });
});

describe("usage errors and a home that cannot be one", () => {
  it.each([
    ["an unknown option", ["runs", "--bogus"], "unknown option '--bogus' (add --help for the usage)"],
    ["an unknown command", ["bogus"], "unknown command 'bogus' (add --help for the usage)"],
    ["a missing argument", ["show"], "missing required argument 'run' (add --help for the usage)"],
    ["predict with nothing to score", ["predict"], "nothing to classify: pass texts or --file <path>"],
  ])("%s: one named line, exit 1", async (_, args, message) => {
    const { code, stderr } = await cli(args);
    expect([code, stderr]).toEqual([1, [`tollgate: InvalidInputError: ${message}`]]);
  });

  it("TOLLGATE_HOME naming a file: one line saying what to do, not EEXIST", async () => {
    const { code, stderr } = await cli(["runs"], { TOLLGATE_HOME: writeJsonl(topicRows(2, 1)) });
    expect(code).toBe(1);
    expect(stderr).toEqual([
      expect.stringMatching(
        /^tollgate: InvalidInputError: the home \S+ cannot be a folder of stores \(a file is in the way\): set TOLLGATE_HOME to a folder$/,
      ),
    ]);
  });
});

describe("settings", () => {
  it("a bad gate setting does not stop a read-only command, and stops a run before it writes, in one line", async () => {
    const bad = { TOLLGATE_MIN_ACCURACY: "2" };
    const runs = await cli(["runs"], bad);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/ingest-topics-/);
    const before = rawFiles();
    const ingest = await cli(["ingest", writeJsonl(topicRows(50, 2)), "--dataset", "topics"], bad);
    expect(ingest.code).toBe(1);
    expect(ingest.stderr).toEqual([
      expect.stringMatching(
        /^tollgate: InvalidInputError: local configuration is invalid: TOLLGATE_MIN_ACCURACY \(minAccuracy\): .*: fix it to start a run$/,
      ),
    ]);
    expect(rawFiles()).toBe(before);
  });
});

describe("runs", () => {
  it("takes --status in any case, and says which status matched nothing", async () => {
    expect(await tollgate("runs", "--status", "succeeded")).toMatch(/ingest-topics-\w+\s+SUCCEEDED/);
    expect(await tollgate("runs", "--status", "Failed")).toBe(
      "no FAILED runs (`tollgate runs` lists runs of every status)",
    );
    await expect(tollgate("runs", "--status", "done")).rejects.toThrow(
      "--status done is not one of RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT",
    );
  });

  it("filters as the console does: --name (any case), --from/--to (a day or an ISO time), --offset with --limit", async () => {
    await tollgate("run", "--dataset", "topics"); // the same data again: a quick "no new data" run
    const list = async (...args: string[]) =>
      (await json<{ runs: { name: string; startDate: string }[] }>("runs", ...args)).runs;
    const all = await list(); // newest first
    expect(all).toHaveLength(2);
    const [newer, older] = all as [(typeof all)[0], (typeof all)[0]];
    const names = async (...args: string[]) => (await list(...args)).map((r) => r.name);

    expect(await names("--name", "INGEST-topics")).toEqual([older.name]);
    expect(await names("--limit", "1")).toEqual([newer.name]);
    expect(await names("--limit", "1", "--offset", "1")).toEqual([older.name]);
    expect(await names("--from", older.startDate, "--to", newer.startDate)).toEqual([older.name]);
    expect(await names("--from", newer.startDate)).toEqual([newer.name]);
    expect(await names("--from", older.startDate.slice(0, 10), "--to", newer.startDate.slice(0, 10))).toEqual(
      all.map((r) => r.name),
    );
    expect(await tollgate("runs", "--to", "2000-01-01", "--name", "topics")).toBe(
      "no runs named *topics* before 2000-01-02T00:00:00.000Z (`tollgate runs` lists runs of every status)",
    );
    await expect(tollgate("runs", "--from", "yesterday")).rejects.toThrow(
      "--from yesterday: a date (2026-11-30) or an ISO time (2026-11-30T16:00:00Z)",
    );
    await expect(tollgate("runs", "--offset", "x")).rejects.toThrow("--offset x is not a whole number ≥ 0");
  });
});

describe("the progress printer", () => {
  it("ends a state whose task failed with ✗ and the error, never with ✓; a retried failure that passed ends with ✓", () => {
    const lines: string[] = [];
    const printer = progressPrinter((l) => lines.push(l));
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const events = [
      { type: "TaskStateEntered", timestamp: at(0), stateEnteredEventDetails: { name: "Train" } },
      { type: "TaskScheduled", timestamp: at(0) },
      { type: "TaskFailed", timestamp: at(1), taskFailedEventDetails: { error: "Lambda.ServiceException" } },
      { type: "TaskScheduled", timestamp: at(2) },
      { type: "TaskSucceeded", timestamp: at(3) },
      { type: "TaskStateExited", timestamp: at(3), stateExitedEventDetails: { name: "Train" } },
      { type: "TaskStateEntered", timestamp: at(3), stateEnteredEventDetails: { name: "Etl" } },
      { type: "TaskScheduled", timestamp: at(3) },
      { type: "TaskFailed", timestamp: at(4), taskFailedEventDetails: { error: "InvalidDatasetError" } },
      { type: "TaskStateExited", timestamp: at(4), stateExitedEventDetails: { name: "Etl" } },
    ] as unknown as NewHistoryEvent[];
    for (const e of events) printer.onEvent?.(e);
    expect(lines).toEqual(["  … Train", "  ✓ Train (3.00s)", "  … Etl", "  ✗ Etl (1.00s): InvalidDatasetError"]);
  });
});

describe("predict", () => {
  it("says when no token of a text is known to the model, in the text output and in --json", async () => {
    const text = await tollgate("predict", "qwxz vbnj", "the dog and the cat");
    expect(text.split("\n")).toEqual([
      expect.stringMatching(/^\w+\t[\d.]+\t\S+\tqwxz vbnj$/),
      "  warning: no token of this text is known to the model: the label is the class prior, not a prediction; use words of the training data",
      expect.stringMatching(/^animal\t[\d.]+\t\S+\tthe dog and the cat$/),
    ]);
    const json = JSON.parse(await tollgate("predict", "qwxz vbnj", "the dog and the cat", "--json")).predictions;
    expect(
      json.map((p: { knownTokens: boolean; warning?: string }) => [p.knownTokens, p.warning !== undefined]),
    ).toEqual([
      [false, true],
      [true, false],
    ]);
  });
});
