/** Case 10 of issue 14: the CLI's errors, as a user meets them (the real command in a child process where it matters). */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { LocalBackend } from "@tollgate/cli/local-backend";
import { buildProgram } from "@tollgate/cli/program";
import { progressPrinter } from "@tollgate/cli/progress";
import type { NewHistoryEvent } from "@tollgate/core/workflow/executions";
import { openTollgate } from "@tollgate/local/app";
import { readConfig } from "@tollgate/local/config";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../../helpers/topics.ts";
import { type Case, probe } from "./case.ts";

const RAW = /ENOENT|EISDIR|ENAMETOOLONG|SqliteError|ZodError|✖/;

export async function cliErrorCases(): Promise<Case[]> {
  const home = tempHome();
  const env = { TOLLGATE_HOME: home, TOLLGATE_MIN_ACCURACY: "0.8", ...FIXTURE_ENV };
  const tollgate = async (...args: string[]) => {
    const out: string[] = [];
    const program = buildProgram({ out: (t) => out.push(t), err: () => {} }, () => new LocalBackend(readConfig(env)));
    await program.parseAsync(args, { from: "user" });
    return out.join("\n");
  };
  /** exit code, stderr line count, and whether raw Node/library text leaked. */
  const child = async (args: string[], extra: Record<string, string> = {}) => {
    const r = await promisify(execFile)("node", ["--import", "tsx", "packages/cli/src/main.ts", ...args], {
      env: { ...process.env, ...env, ...extra },
    }).then(
      (x) => ({ code: 0, stderr: x.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    const lines = r.stderr.trim().split("\n").filter(Boolean);
    return `exit ${r.code}, ${lines.length} line(s)${RAW.test(r.stderr) ? ", raw text" : ""}: ${lines[0]?.split(":").slice(0, 2).join(":") ?? ""}`;
  };
  await tollgate("ingest", writeJsonl(topicRows(300, 51)), "--dataset", "topics", "--json");
  const oneLine = "exit 1, 1 line(s): tollgate: InvalidInputError";
  return [
    await probe("ingest of a missing file", oneLine, () => child(["ingest", "/no/such.jsonl"])),
    await probe("ingest of a directory", oneLine, () => child(["ingest", "/tmp"])),
    await probe("ingest of a path too long", oneLine, () => child(["ingest", `/tmp/${"x".repeat(300)}.jsonl`])),
    await probe("runs --limit abc and --limit -1", `${oneLine}; ${oneLine}`, async () =>
      [await child(["runs", "--limit", "abc"]), await child(["runs", "--limit", "-1"])].join("; "),
    ),
    await probe("a bad gate setting does not stop a read-only command", "exit 0, 0 line(s): ", () =>
      child(["runs"], { TOLLGATE_MIN_ACCURACY: "2" }),
    ),
    await probe("a usage error (unknown option) is one named line", oneLine, () => child(["runs", "--bogus"])),
    await probe("TOLLGATE_HOME naming a file is one named line", oneLine, () =>
      child(["runs"], { TOLLGATE_HOME: writeJsonl(topicRows(2, 1)) }),
    ),
    await probe("a misspelt TOLLGATE_FAULTS is refused, not silently ignored", "InvalidInputError", async () => {
      try {
        openTollgate({ home: tempHome(), faults: ["Evalute"] }).close();
        return "accepted";
      } catch (err) {
        return (err as Error).name;
      }
    }),
    await probe(
      "runs --status FAILED with runs but none failed",
      "no FAILED runs (`tollgate runs` lists runs of every status)",
      () => tollgate("runs", "--status", "FAILED"),
    ),
    await probe("--status in lower case", "1 SUCCEEDED run", async () => {
      const n = (await tollgate("runs", "--status", "succeeded"))
        .split("\n")
        .filter((l) => / SUCCEEDED /.test(l)).length;
      return `${n} SUCCEEDED run`;
    }),
    await probe("the progress printer on a caught failure", "  ✗ Etl (1.00s): InvalidDatasetError", async () => {
      const lines: string[] = [];
      const printer = progressPrinter((l) => lines.push(l));
      const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
      for (const e of [
        { type: "TaskStateEntered", timestamp: at(0), stateEnteredEventDetails: { name: "Etl" } },
        { type: "TaskFailed", timestamp: at(1), taskFailedEventDetails: { error: "InvalidDatasetError" } },
        { type: "TaskStateExited", timestamp: at(1), stateExitedEventDetails: { name: "Etl" } },
      ] as unknown as NewHistoryEvent[])
        printer.onEvent?.(e);
      return lines.filter((l) => !l.startsWith("  …")).join(" | ");
    }),
    await probe(
      "predict on text with no known token says so (text and --json)",
      "warning; knownTokens false",
      async () => {
        const text = await tollgate("predict", "qwxz vbnj");
        const [json] = (
          JSON.parse(await tollgate("predict", "qwxz vbnj", "--json")) as { predictions: { knownTokens: boolean }[] }
        ).predictions;
        return `${text.includes("warning: no token of this text is known") ? "warning" : "no warning"}; knownTokens ${json?.knownTokens}`;
      },
    ),
  ];
}
