/**
 * Crash safety of the local stores: a process running an execution is killed (SIGKILL) inside a
 * chosen state (Etl, Train, and Promote's commit window between its run record and its swap); the
 * kill is checked to have landed there (the history's open state), and reopening shows an intact
 * database and audit log, a consistent registry, the run marked FAILED (ExecutionInterrupted), and
 * a redrive to success.
 */
import { describe, expect, it } from "vitest";
import { tempHome } from "../helpers/topics.ts";
import { inspectAfterCrash, runAndKillIn } from "./crash.ts";
import { addRaw, expectConsistent, input, open } from "./helpers.ts";

describe("SIGKILL during a run", () => {
  it.each([
    ["Etl", "Etl"],
    ["Train", "Train"],
    ["Promote:between-writes", "Promote"],
  ])(
    "a kill in %s lands there and leaves the stores consistent and the run resumable",
    async (target, state) => {
      const home = tempHome();
      const base = open({ home });
      await (await base.workflow.start("base", input([await addRaw(base, "base", 300, 1)]))).done;
      const liveBefore = await expectConsistent(base);
      const key = await addRaw(base, "crash", 20_000, 50 + state.length);
      base.close();

      const kill = await runAndKillIn(home, "crash", key, target, 0);
      expect(kill).toEqual({ landedIn: target, finishedFirst: false });

      const tg = open({ home });
      try {
        const outcome = await inspectAfterCrash(tg, "crash", 0);
        expect(outcome.integrity).toBe("ok");
        expect(outcome.runningAtKill).toBe(state);
        const execution = tg.stores.executions.get("crash")!;
        expect(execution).toMatchObject({ status: "FAILED", error: "ExecutionInterrupted" });
        expect(await expectConsistent(tg)).toBe(liveBefore);
        const redriven = await (await tg.workflow.redrive("crash")).done;
        expect(redriven).toMatchObject({ status: "SUCCEEDED", redriveCount: 1 });
        expect(await expectConsistent(tg)).not.toBe(liveBefore);
      } finally {
        tg.close();
      }
    },
    120_000,
  );
});
