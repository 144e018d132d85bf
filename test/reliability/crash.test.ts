/**
 * Crash safety of the local stores: a process running an execution is killed (SIGKILL) inside a
 * chosen state (Etl, Train, Train with its child running in a Map worker, and Promote's commit
 * window between its run record and its swap); the kill is checked to have landed there (the
 * history's open state), and reopening shows an intact database and audit log, a consistent
 * registry, the run marked FAILED (ExecutionInterrupted), and a redrive to success.
 */
import { describe, expect, it } from "vitest";
import { tempHome } from "../helpers/topics.ts";
import { describeRun, inspectAfterCrash, runAndKillIn } from "./crash.ts";
import { addRaw, expectConsistent, input, open } from "./helpers.ts";

describe("SIGKILL during a run", () => {
  it.each([
    ["Etl", "Etl", 0],
    ["Train", "Train", 0],
    // 300 ms into its Task, the Train child keeps its Map worker's event loop busy: the worker dies
    // with the killed process all the same, and the reopened app waits for that before it marks the
    // child interrupted (else the child stays RUNNING and the redrive fails on it)
    ["Train[0]", "Train", 300],
    ["Promote:between-writes", "Promote", 0],
  ])(
    "a kill in %s lands there and leaves the stores consistent and the run resumable",
    async (target, state, delayMs) => {
      const home = tempHome();
      const base = open({ home });
      await (await base.workflow.start("base", input([await addRaw(base, "base", 300, 1)]))).done;
      const liveBefore = await expectConsistent(base);
      const key = await addRaw(base, "crash", 20_000, 50 + state.length);
      base.close();

      const kill = await runAndKillIn(home, "crash", key, target, delayMs);
      expect(kill).toEqual({ landedIn: target.replace(/\[\d+\]$/, ""), finishedFirst: false });

      const tg = open({ home });
      try {
        const outcome = await inspectAfterCrash(tg, "crash", 0);
        expect(outcome.integrity).toBe("ok");
        expect(outcome.runningAtKill).toBe(state);
        const execution = tg.stores.executions.get("crash")!;
        expect(execution).toMatchObject({ status: "FAILED", error: "ExecutionInterrupted" });
        expect(await expectConsistent(tg)).toBe(liveBefore);
        const redriven = await (await tg.workflow.redrive("crash")).done;
        expect(redriven, describeRun(tg, "crash")).toMatchObject({ status: "SUCCEEDED", redriveCount: 1 });
        expect(await expectConsistent(tg)).not.toBe(liveBefore);
      } finally {
        tg.close();
      }
    },
    120_000,
  );
});
