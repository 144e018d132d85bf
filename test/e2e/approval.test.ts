/**
 * Approval as a gate outcome, through the CLI on the local backend (the real engine and stores):
 * a passing run ends pending approval; approve/reject settle it with who and why; a gate-rejected
 * version needs --reason to go live; a stale approval fails the compare-and-swap; a test split
 * below the minimum fails the run with a named error.
 */
import { LocalBackend } from "@tollgate/cli/local-backend";
import { buildProgram } from "@tollgate/cli/program";
import { readConfig } from "@tollgate/local/config";
import { readAudit } from "@tollgate/local/stores";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../helpers/topics.ts";

const home = tempHome();
const approvalEnv = {
  TOLLGATE_HOME: home,
  TOLLGATE_MIN_ACCURACY: "0.8",
  TOLLGATE_APPROVAL: "required",
  ...FIXTURE_ENV,
};

async function tollgate(env: Record<string, string>, ...args: string[]): Promise<string> {
  const out: string[] = [];
  const program = buildProgram(
    // stderr notes (which model a command chose) are not part of the output
    { out: (t) => out.push(t), err: () => {} },
    () => new LocalBackend(readConfig(env)),
  );
  program.exitOverride().configureOutput({ writeErr: (t) => out.push(t), writeOut: (t) => out.push(t) });
  for (const command of program.commands) command.exitOverride().configureOutput({ writeErr: (t) => out.push(t) });
  await program.parseAsync(args, { from: "user" });
  return out.join("\n");
}
const json = async <T>(...args: string[]) => JSON.parse(await tollgate(approvalEnv, ...args, "--json")) as T;

interface Models {
  live: { version: string; previous: string | null } | null;
  versions: { version: string; status: string; statusReason: string | null; runId: string }[];
  decisions: { action: string; version: string; by: string; reason: string | null; live: { before: string | null } }[];
}
const versionOf = (models: Models, runId: string) => models.versions.find((v) => v.runId === runId)!;

let pendingRun: string;
/** The version an operator rejected (the test of `reject`). */
let operatorRejected: string;
/** Lets any candidate pass the gate against the live model (minGain -1): these tests are about what follows. */
const anyGain = { ...approvalEnv, TOLLGATE_MIN_GAIN: "-1" };
const ingest = async (env: Record<string, string>, seed: number) =>
  (
    JSON.parse(await tollgate(env, "ingest", writeJsonl(topicRows(600, seed)), "--dataset", "topics", "--json")) as {
      name: string;
    }
  ).name;

beforeAll(async () => {
  pendingRun = (await json<{ name: string }>("ingest", writeJsonl(topicRows(500, 31)), "--dataset", "topics")).name;
});

describe("approval required (TOLLGATE_APPROVAL=required)", () => {
  it("ends a run that passes the gate pending approval, with nothing live", async () => {
    const text = await tollgate(approvalEnv, "show", pendingRun);
    expect(text).toMatch(/^RequestApproval\s+Task\s+succeeded/m);
    expect(text).toMatch(/^gate\s+.*approval required$/m);
    expect(text).toMatch(
      /^decision\s+PENDING-APPROVAL: accuracy \d\.\d{4} ≥ minAccuracy 0\.8000; no live model; approval required$/m,
    );
    const models = await json<Models>("models");
    expect(models.live).toBeNull();
    expect(versionOf(models, pendingRun).status).toBe("pending-approval");
    expect(await tollgate(approvalEnv, "models")).toMatch(/^pending approval: \S+ \(tollgate approve\|reject/m);
  });

  it("approve needs --reason; with one the version goes live, recorded with who and why in the registry and the audit log", async () => {
    const version = versionOf(await json<Models>("models"), pendingRun).version;
    await expect(tollgate(approvalEnv, "approve", version)).rejects.toThrow(/required option '--reason <text>'/);

    const live = await json<{ version: string; by: string }>("approve", version, "--reason", "spot-checked 40 rows");

    expect(live).toMatchObject({ version, by: expect.stringMatching(/^cli:/) });
    const models = await json<Models>("models");
    expect(models.decisions.at(-1)).toMatchObject({
      action: "approve",
      version,
      by: live.by,
      reason: "spot-checked 40 rows",
      live: { before: null },
    });
    const run = (await json<{ run: { decision: string; reason: string } }>("show", pendingRun)).run;
    expect(run).toMatchObject({ decision: "promoted", reason: `approved by ${live.by}: spot-checked 40 rows` });
    const audit = await readAudit(`${home}/audit.jsonl`);
    const decision = audit.find((r) => r.requestParameters.action === "approve");
    expect(decision).toMatchObject({
      eventName: "PutItem",
      userIdentity: { principalId: live.by },
      requestParameters: { version, by: live.by, reason: "spot-checked 40 rows" },
    });
  });

  it("reject settles a pending version the other way; the live model stays", async () => {
    const run = await ingest(anyGain, 32);
    const before = await json<Models>("models");
    const version = versionOf(before, run).version;
    operatorRejected = version;
    expect(versionOf(before, run).status).toBe("pending-approval");

    const rejected = await json<{ status: string; statusReason: string }>("reject", version, "--reason", "too slow");

    expect(rejected.status).toBe("rejected");
    expect(rejected.statusReason).toMatch(/^rejected by cli:\S+: too slow$/);
    const after = await json<Models>("models");
    expect(after.live?.version).toBe(before.live?.version);
    expect(after.decisions.at(-1)).toMatchObject({ action: "reject", version, reason: "too slow" });
    await expect(tollgate(approvalEnv, "approve", version, "--reason", "changed my mind")).rejects.toThrow(
      /is rejected, not pending approval/,
    );
  });

  it("refuses an approval made stale by a move of the live pointer (the Promote step's compare-and-swap)", async () => {
    const run = await ingest(anyGain, 33);
    const pending = versionOf(await json<Models>("models"), run);
    expect(pending.status).toBe("pending-approval");
    const version = pending.version;
    // the gate compared it with the live version; someone promotes another one meanwhile
    await json("promote", operatorRejected, "--reason", "hotfix");

    await expect(tollgate(approvalEnv, "approve", version, "--reason", "ok")).rejects.toThrow(
      /LiveModelChangedError|which is no longer live/,
    );
    expect((await json<Models>("models")).live?.version).toBe(operatorRejected);
  });
});

describe("promoting a version the gate rejected", () => {
  it("needs --reason, which is kept with the decision", async () => {
    const env = { ...approvalEnv, TOLLGATE_APPROVAL: "auto", TOLLGATE_MIN_ACCURACY: "0.99" };
    const out = JSON.parse(
      await tollgate(env, "ingest", writeJsonl(topicRows(500, 34, 0.6)), "--dataset", "topics", "--json"),
    ) as { name: string };
    const models = await json<Models>("models");
    const version = versionOf(models, out.name);
    expect(version.status).toBe("rejected");

    await expect(tollgate(approvalEnv, "promote", version.version)).rejects.toThrow(
      /did not pass the gate \(rejected: accuracy .*\); promoting it anyway needs a reason: pass --reason/,
    );
    const live = await json<{ version: string }>("promote", version.version, "--reason", "known-good on new labels");

    expect(live.version).toBe(version.version);
    expect((await json<Models>("models")).decisions.at(-1)).toMatchObject({
      action: "promote",
      version: version.version,
      reason: "known-good on new labels",
    });
  });
});

describe("the gate's minimum test split", () => {
  it("fails the run with TestSplitTooSmallError at the default minimum (200), naming the numbers", async () => {
    const env = { TOLLGATE_HOME: tempHome() };
    const out = JSON.parse(
      await tollgate(env, "ingest", writeJsonl(topicRows(500, 35)), "--dataset", "small", "--json"),
    ) as { execution: { status: string; error: string; cause: unknown } };
    expect(out.execution).toMatchObject({ status: "FAILED", error: "TestSplitTooSmallError" });
    // the cause arrives parsed (docs/cli-json.md), Lambda's { errorType, errorMessage, … }
    expect(out.execution.cause).toMatchObject({ errorType: "TestSplitTooSmallError" });
    expect(JSON.stringify(out.execution.cause)).toMatch(
      /the test split has \d+ rows, fewer than the 200 the gate decides on/,
    );
    process.exitCode = 0;
  });
});
