/**
 * Faults injected by configuration into each step in turn (and inside Promote, between its
 * writes; and into a child of each Distributed Map, `<Map>[<index>]`): the run fails, is recorded
 * failed, the live model is unchanged and still serves; then the failed run is redriven from the
 * state that failed, as the same execution, to success. A Map's failure is left uncaught, so the
 * redrive reaches its Map Run (as on AWS); the run is recorded by the status-change handler.
 */

import type { Tollgate } from "@tollgate/local/app";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempHome } from "../helpers/topics.ts";
import { addRaw, expectConsistent, input, open } from "./helpers.ts";

const FAULTS = [
  "Etl",
  "Preprocess",
  "Train[0]",
  "Merge",
  "Export",
  "Evaluate[0]",
  "Score",
  "Promote",
  "Promote:between-writes",
];
/** The state a fault fails: `Train[0]` fails the Train Map, `Promote:between-writes` Promote. */
const stateOf = (fault: string) => fault.split(/[:[]/)[0];
/** What the run's error says: a failed Map child fails its Map Run with the threshold error. */
const errorOf = (fault: string) =>
  fault.includes("[") ? /States\.ExceedToleratedFailureThreshold/ : /InjectedFaultError/;
const home = tempHome();

beforeAll(async () => {
  const tg = open({ home });
  await (await tg.workflow.start("base", input([await addRaw(tg, "base", 300, 1)]))).done;
  await expectConsistent(tg);
  tg.close();
});

describe.each(FAULTS.map((fault, i) => [fault, i]))("a fault in %s", (fault, i) => {
  const run = `fault-${i}`;
  let liveBefore: string | undefined;

  it("fails the run, leaves the live model unchanged and serving", async () => {
    const tg = open({ home, faults: [fault as string] });
    try {
      liveBefore = await expectConsistent(tg);
      const execution = await (await tg.workflow.start(run, input([await addRaw(tg, run, 200, 10 + Number(i))]))).done;
      expect(execution.status).toBe("FAILED");
      expect(fault === "Etl" ? execution.cause : execution.error).toMatch(errorOf(fault as string));
      expect(await expectConsistent(tg)).toBe(liveBefore);
      expect((await tg.stores.registry.getRun(run))?.decision).toBe("failed");
    } finally {
      tg.close();
    }
  });

  it("redrives from the state that failed to success, as the same execution", async () => {
    const tg = open({ home });
    try {
      const execution = await (await tg.workflow.redrive(run)).done;
      expect(execution).toMatchObject({ status: "SUCCEEDED", redriveCount: 1 });
      const history = tg.stores.executions.history(run);
      const redriven = history.findIndex((e) => e.type === "ExecutionRedriven");
      expect(history.filter((e) => e.type === "ExecutionRedriven")).toHaveLength(1);
      // As AWS records it: `{ redriveCount }`, then the state it restarts at is entered.
      expect(history[redriven]?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
      const restartedAt = history[redriven + 1]?.stateEnteredEventDetails as { name: string };
      expect(restartedAt.name).toBe(stateOf(fault as string));
      // a failed Map child: the redrive reaches its Map Run, which reruns only that child
      expect(history.some((e) => e.type === "MapRunRedriven")).toBe((fault as string).includes("["));
      expect(history.filter((e) => e.type === "ExecutionStarted")).toHaveLength(1);
      const live = await expectConsistent(tg);
      expect(live).not.toBe(liveBefore);
      expect((await tg.stores.registry.getRun(run))?.decision).toBe("promoted");
    } finally {
      tg.close();
    }
  });
});

describe("a fault after a step's writes", () => {
  // Partial writes: Export's model file is written, its registry record is not; Score's metrics and
  // registry update are written, its result is lost. Each fails the run, and the redrive completes it.
  it.each([
    ["Export:after-write:1", 40],
    ["Score:after-return", 42],
    ["Etl:after-write:1", 43],
  ])("%s: fails the run with the live model unchanged, and the redrive completes it", async (fault, seed) => {
    const run = `partial-${fault.split(":")[0]}`;
    const tg = open({ home, faults: [fault] });
    let before: string | undefined;
    try {
      before = await expectConsistent(tg);
      const execution = await (await tg.workflow.start(run, input([await addRaw(tg, run, 150, seed)]))).done;
      expect(execution.status).toBe("FAILED");
      expect(await expectConsistent(tg)).toBe(before);
    } finally {
      tg.close();
    }
    const again = open({ home });
    try {
      expect((await (await again.workflow.redrive(run)).done).status).toBe("SUCCEEDED");
      expect(await expectConsistent(again)).not.toBe(before);
      expect((await again.stores.registry.getRun(run))?.decision).toBe("promoted");
    } finally {
      again.close();
    }
  });

  it("after Promote's swap (its commit point): the run fails with the pointer moved; the retry finds the swap done and completes", async () => {
    const run = "after-swap";
    const tg = open({ home, faults: ["Promote:after-write:2"] });
    let candidate: string | undefined;
    try {
      const execution = await (await tg.workflow.start(run, input([await addRaw(tg, run, 150, 44)]))).done;
      expect(execution).toMatchObject({ status: "FAILED", error: "InjectedFaultError" });
      expect(execution.cause).toMatch(/after write 2 \(swapLive\)/);
      candidate = (await tg.stores.registry.listModelVersions("topics")).find((v) => v.runId === run)?.version;
      // the swap committed: the candidate is live and consistent, though the run failed after it
      expect(await expectConsistent(tg)).toBe(candidate);
    } finally {
      tg.close();
    }
    const again = open({ home });
    try {
      const redriven = await (await again.workflow.redrive(run)).done;
      expect(redriven.status).toBe("SUCCEEDED");
      expect(JSON.parse(redriven.output!).decision).toMatchObject({ decision: "promoted", modelVersion: candidate });
      const live = await again.stores.registry.getLive("topics");
      // the retry did not swap again (the pointer still says this run moved it, once)
      expect(live).toMatchObject({ version: candidate, by: `run:${run}` });
      expect((await again.stores.registry.getRun(run))?.decision).toBe("promoted");
      await expectConsistent(again);
    } finally {
      again.close();
    }
  });
});

describe("redrive refuses what AWS refuses", () => {
  let tg: Tollgate;
  beforeAll(() => {
    tg = open({ home });
  });
  afterAll(() => tg.close());

  it("rejects a redrive of a succeeded run with ExecutionNotRedrivable", async () => {
    await expect(tg.workflow.redrive("base")).rejects.toMatchObject({ name: "ExecutionNotRedrivable" });
  });

  it("rejects a redrive of an unknown run with ExecutionNotFoundError", async () => {
    await expect(tg.workflow.redrive("nope")).rejects.toMatchObject({ name: "ExecutionNotFoundError" });
  });
});

describe("fault names", () => {
  it("refuses a fault that names no point of the definition, listing the points, before opening anything", () => {
    expect(() => open({ home: tempHome(), faults: ["Score", "Evalute", "Train:after-write:0"] })).toThrow(
      /^TOLLGATE_FAULTS names no fault point: Evalute, Train:after-write:0; points are a Task state \(.*Score.*\), <state>:after-write:<n>, <state>:after-return, Promote:between-writes, <map>\[<index>\] \(CountTerms, MergeTerms, Train, Evaluate\)$/,
    );
  });
});
