/**
 * Racing promotions: several runs reach Promote at once, all having evaluated against the same
 * live version. Exactly one wins; every loser fails with LiveModelChangedError, is recorded as
 * failed, and is not live. No update is lost.
 */
import { describe, expect, it } from "vitest";
import { tempHome } from "../helpers/topics.ts";
import { addRaw, expectConsistent, input, open } from "./helpers.ts";

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

describe.each([2, 4, 8])("%i runs promoting at once", (n) => {
  it("have exactly one winner and no lost update", async () => {
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
      const winners = runs.filter((r) => r.status === "SUCCEEDED");
      const losers = runs.filter((r) => r.status === "FAILED");
      expect(winners).toHaveLength(1);
      expect(losers.map((r) => r.error)).toEqual(Array(n - 1).fill("LiveModelChangedError"));
      const live = await expectConsistent(tg);
      const winnerVersion = JSON.parse(winners[0]!.output!).decision.modelVersion;
      expect(live).toBe(winnerVersion);
      expect((await tg.stores.registry.getLive("topics"))?.previous).toBe(liveBefore);
      for (const loser of losers) {
        const run = await tg.stores.registry.getRun(loser.name);
        expect(run?.decision).toBe("failed");
        expect(run?.reason).toMatch(/^LiveModelChangedError/);
        const version = await tg.stores.registry.getModelVersion("topics", run!.modelVersion!);
        expect(version?.status).toBe("failed");
      }
    } finally {
      tg.close();
    }
  });
});
