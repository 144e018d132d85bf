/**
 * Racing promotions: several runs reach Promote at once, all having evaluated against the same
 * live version. Exactly one compare-and-swap wins each round; a run that loses goes back to
 * Evaluate (against the new live model) and the Gate, as the ASL says, at most 3 times. Every run
 * ends with the truth, and the promotions form one chain: no update is lost.
 */
import { promoteVersion } from "@tollgate/core/registry/promotion";
import { describe, expect, it } from "vitest";
import { tempHome } from "../helpers/topics.ts";
import { addRaw, expectConsistent, input, open, PERMISSIVE_GATE } from "./helpers.ts";
import { raceFromProcesses } from "./processes.ts";
import { checkRace, MAX_RE_EVALUATIONS } from "./promotions.ts";

/** Resolves every waiter once `n` have arrived. */
function barrier(n: number) {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async () => {
    if (++arrived === n) release();
    await all;
  };
}

const states = (history: { type: string; stateEnteredEventDetails?: unknown }[]) =>
  history
    .filter((e) => e.type.endsWith("StateEntered"))
    .map((e) => (e.stateEnteredEventDetails as { name: string }).name);

describe("a run whose promotion loses the race", () => {
  it("evaluates again against the new live model, gates again, and is promoted from it", async () => {
    const home = tempHome();
    let moved = false;
    const tg = open({
      home,
      onCheckpoint: async (point, runId) => {
        if (point !== "Promote:between-writes" || runId !== "late" || moved) return;
        // Another run's promotion lands between this run's Evaluate and its swap (from another dataset
        // of the same model, so its data does not cover this run's: see the next test for that case).
        moved = true;
        const key = await addRaw(tg, "early", 200, 2, "other");
        await (await tg.workflow.start("early", input([key], PERMISSIVE_GATE, "other"))).done;
      },
    });
    try {
      await (await tg.workflow.start("base", input([await addRaw(tg, "base", 200, 1)]))).done;
      const late = await (await tg.workflow.start("late", input([await addRaw(tg, "late", 200, 3)]))).done;
      const early = JSON.parse(tg.stores.executions.get("early")!.output!).decision.modelVersion;
      expect(late.status).toBe("SUCCEEDED");
      const out = JSON.parse(late.output!);
      expect(out.reEvaluations).toEqual({ count: 1 });
      expect(out.lostRace.Error).toBe("LiveModelChangedError");
      expect(out.evaluation.live.version).toBe(early);
      expect(out.decision).toMatchObject({ decision: "promoted", previousLive: early });
      const path = states(tg.stores.executions.history("late"));
      expect(path.slice(path.indexOf("Promote"))).toEqual([
        "Promote",
        "LiveModelChanged",
        "FirstReEvaluation",
        "Evaluate",
        "Score",
        "Gate",
        "Approval",
        "Promote",
      ]);
      expect(await tg.stores.registry.getLive("topics")).toMatchObject({
        version: out.decision.modelVersion,
        previous: early,
      });
      expect((await tg.stores.registry.getRun("late"))?.decision).toBe("promoted");
      await expectConsistent(tg);
    } finally {
      tg.close();
    }
  });

  it("is rejected as superseded when the new live model was trained on all of its data and more", async () => {
    // Two ingests at once: `late` saw {base, late}; `early`, started while late was promoting, saw
    // {base, late, early} and won. Promoting late now would drop early's file from the live model.
    const home = tempHome();
    let moved = false;
    const tg = open({
      home,
      onCheckpoint: async (point, runId) => {
        if (point !== "Promote:between-writes" || runId !== "late" || moved) return;
        moved = true;
        await (await tg.workflow.start("early", input([await addRaw(tg, "early", 200, 2)]))).done;
      },
    });
    try {
      await (await tg.workflow.start("base", input([await addRaw(tg, "base", 200, 1)]))).done;
      const late = await (await tg.workflow.start("late", input([await addRaw(tg, "late", 200, 3)]))).done;
      const early = JSON.parse(tg.stores.executions.get("early")!.output!).decision.modelVersion;
      expect(late.status).toBe("SUCCEEDED");
      const out = JSON.parse(late.output!);
      expect(out.evaluation.live).toMatchObject({ version: early, covers: true });
      expect(out.decision).toMatchObject({
        decision: "rejected",
        reason: expect.stringMatching(/superseded: live \S+ was trained on all of this run's data and more$/),
      });
      expect((await tg.stores.registry.getLive("topics"))?.version).toBe(early);
      expect((await tg.stores.registry.getRun("late"))?.decision).toBe("rejected");
      await expectConsistent(tg);
    } finally {
      tg.close();
    }
  });

  it(`fails with LiveModelChangedError after losing ${MAX_RE_EVALUATIONS + 1} times, recorded, live model untouched by it`, async () => {
    const home = tempHome();
    const tg = open({
      home,
      onCheckpoint: async (point, runId) => {
        if (point !== "Promote:between-writes" || runId !== "unlucky") return;
        // An operator flips the live model each time this run is about to swap.
        const versions = (await tg.stores.registry.listModelVersions("topics")).filter((v) => v.runId !== "unlucky");
        const live = (await tg.stores.registry.getLive("topics"))?.version;
        const other = versions.find((v) => v.version !== live)!;
        await promoteVersion(tg.stores.registry, "topics", other.version, { by: "cli:test", reason: "race test" });
      },
    });
    try {
      await (await tg.workflow.start("base", input([await addRaw(tg, "base", 200, 1)]))).done;
      await (await tg.workflow.start("second", input([await addRaw(tg, "second", 200, 2)]))).done;
      const run = await (await tg.workflow.start("unlucky", input([await addRaw(tg, "unlucky", 200, 3)]))).done;
      expect(run).toMatchObject({ status: "FAILED", error: "LiveModelChangedError" });
      const path = states(tg.stores.executions.history("unlucky"));
      expect(path.filter((s) => s === "Evaluate")).toHaveLength(MAX_RE_EVALUATIONS + 1);
      expect(path.slice(-3)).toEqual(["ReEvaluationsExhausted", "RecordFailure", "Failed"]);
      const record = await tg.stores.registry.getRun("unlucky");
      expect(record).toMatchObject({ decision: "failed", reason: expect.stringMatching(/^LiveModelChangedError/) });
      expect((await tg.stores.registry.getLive("topics"))?.by).toBe("cli:test");
      await expectConsistent(tg);
    } finally {
      tg.close();
    }
  });
});

describe.each([2, 4, 8])("%i runs promoting at once", (n) => {
  it(
    "end with the truth and form one chain of promotions (no lost update)",
    async () => {
      const wait = barrier(n);
      const tg = open({
        home: tempHome(),
        onCheckpoint: async (point, runId) => {
          if (point === "Promote:between-writes" && runId.startsWith("racer-")) await wait();
        },
      });
      try {
        await (await tg.workflow.start("base", input([await addRaw(tg, "base", 200, 1)]))).done;
        const liveBefore = await expectConsistent(tg);
        const names = Array.from({ length: n }, (_, i) => `racer-${i}`);
        const keys = await Promise.all(names.map((name, i) => addRaw(tg, name, 120, 100 + i)));
        const runs = await Promise.all(
          names.map(async (name, i) => (await tg.workflow.start(name, input([keys[i]!]))).done),
        );
        const live = await expectConsistent(tg);
        const outcome = checkRace(runs, liveBefore, live);
        expect(outcome.problems).toEqual([]);
        // The first round has one winner; every loser evaluated again at least once.
        expect(outcome.reEvaluations).toBeGreaterThanOrEqual(n - 1);
        expect(outcome.promoted + outcome.rejected + outcome.exhausted).toBe(n);
        for (const r of runs) {
          const record = await tg.stores.registry.getRun(r.name);
          expect(record?.decision).toBe(r.status === "FAILED" ? "failed" : JSON.parse(r.output!).decision.decision);
        }
      } finally {
        tg.close();
      }
    },
    60_000 + n * 15_000,
  ); // each run boots worker processes for its Train and Evaluate Maps
});

describe("3 runs promoting at once from separate processes", () => {
  it("end with the truth and form one chain of promotions (no lost update)", async () => {
    const home = tempHome();
    const tg = open({ home });
    await (await tg.workflow.start("base", input([await addRaw(tg, "base", 200, 1)]))).done;
    const liveBefore = await expectConsistent(tg);
    const runs = await Promise.all(
      [0, 1, 2].map(async (i) => ({ name: `proc-${i}`, key: await addRaw(tg, `proc-${i}`, 120, 200 + i) })),
    );
    tg.close();
    await raceFromProcesses(home, runs);
    const after = open({ home });
    try {
      const executions = runs.map((r) => after.stores.executions.get(r.name)!);
      const outcome = checkRace(executions, liveBefore, await expectConsistent(after));
      expect(outcome.problems).toEqual([]);
      expect(outcome.reEvaluations).toBeGreaterThanOrEqual(2); // one winner per round, across processes
    } finally {
      after.close();
    }
  }, 180_000);
});
