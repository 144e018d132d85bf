/**
 * Crash safety of the local stores: a process running an execution is killed (SIGKILL) at random
 * points; reopening shows an intact database and audit log, a consistent registry, and the run
 * either finished or marked FAILED (ExecutionInterrupted) — and then redriven to success.
 */
import { describe, expect, it } from "vitest";
import { tempHome } from "../helpers/topics.ts";
import { inspectAfterCrash, killDelays, runAndKill } from "./crash.ts";
import { addRaw, expectConsistent, input, open } from "./helpers.ts";

describe("SIGKILL during a run", () => {
  let interrupted = 0;

  it.each(killDelays(3, 1200, 7).map((d, i) => [i, d]))(
    "kill #%i after %i ms leaves the stores consistent and the run resumable",
    async (i, delay) => {
      const home = tempHome();
      const base = open({ home });
      await (await base.workflow.start("base", input([await addRaw(base, "base", 300, 1)]))).done;
      const liveBefore = await expectConsistent(base);
      const key = await addRaw(base, "crash", 20_000, 50 + i);
      base.close();

      await runAndKill(home, `crash-${i}`, key, delay);

      const tg = open({ home });
      try {
        const outcome = await inspectAfterCrash(tg, `crash-${i}`, delay);
        expect(outcome.integrity).toBe("ok");
        expect(["FAILED", "SUCCEEDED"]).toContain(outcome.statusAfterReopen);
        const execution = tg.stores.executions.get(`crash-${i}`)!;
        const live = await expectConsistent(tg);
        if (execution.status === "FAILED") {
          interrupted++;
          expect(execution.error).toBe("ExecutionInterrupted");
          expect(live).toBe(liveBefore);
          const redriven = await (await tg.workflow.redrive(`crash-${i}`)).done;
          expect(redriven).toMatchObject({ status: "SUCCEEDED", redriveCount: 1 });
          await expectConsistent(tg);
        }
      } finally {
        tg.close();
      }
    },
    120_000,
  );

  it("interrupted at least one run mid-way (the kills landed during runs, not after)", () => {
    expect(interrupted).toBeGreaterThan(0);
  });
});
