/**
 * Duplicate and burst deliveries of S3 "Object Created" events to the trigger: exactly one run
 * per object version however often and however concurrently it is delivered, and one run per
 * coalescing window for a burst. StartExecution behaves as on AWS.
 */
import { localTrigger, objectCreated } from "@tollgate/local/trigger";
import { describe, expect, it } from "vitest";
import { tempHome } from "../helpers/topics.ts";
import { addRaw, input, open, PERMISSIVE_GATE } from "./helpers.ts";
import { deliverFromProcesses } from "./processes.ts";

const settings = (coalesceSeconds: number) => ({ coalesceSeconds, gate: PERMISSIVE_GATE, seed: 3 });

describe("duplicate deliveries", () => {
  it.each([2, 5, 10])(
    "start exactly one execution for an event delivered %i times, sequentially and concurrently",
    async (times) => {
      const tg = open({ home: tempHome() });
      try {
        const key = await addRaw(tg, "dup", 150, 1);
        const trigger = localTrigger(tg.workflow, settings(0));
        const event = objectCreated(key, { version: "v1" });
        const sequential = [];
        for (let i = 0; i < times; i++) sequential.push(...(await trigger.deliver([event])));
        const concurrent = (await Promise.all(Array.from({ length: times }, () => trigger.deliver([event])))).flat();
        const outcomes = [...sequential, ...concurrent];
        expect(outcomes.filter((o) => o.status === "started")).toHaveLength(1);
        expect(outcomes.filter((o) => o.status === "duplicate")).toHaveLength(2 * times - 1);
        expect(tg.stores.executions.list()).toHaveLength(1);
        await Promise.all(trigger.started.map((h) => h.done));
        // A new version of the same object is new data: a new run.
        await trigger.deliver([objectCreated(key, { version: "v2" })]);
        expect(tg.stores.executions.list()).toHaveLength(2);
        await Promise.all(trigger.started.map((h) => h.done));
      } finally {
        tg.close();
      }
    },
  );

  it("start exactly one execution for an event delivered at once from 3 trigger processes, 5 times each", async () => {
    const home = tempHome();
    const tg = open({ home });
    const key = await addRaw(tg, "dup-processes", 150, 2);
    tg.close();
    const outcomes = await deliverFromProcesses(home, key, "v1", 3, 5);
    expect(outcomes).toHaveLength(15);
    expect(outcomes.filter((o) => o === "started")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(14);
    const after = open({ home });
    try {
      expect(after.stores.executions.list().map((e) => e.status)).toEqual(["SUCCEEDED"]);
    } finally {
      after.close();
    }
  }, 120_000);

  it("StartExecution with an existing name: same input is a no-op, another input is ExecutionAlreadyExists", async () => {
    const tg = open({ home: tempHome() });
    try {
      const first = await tg.workflow.start("same-name", input(["a"]));
      const again = await tg.workflow.start("same-name", input(["a"]));
      expect(again.started).toBe(false);
      await expect(tg.workflow.start("same-name", input(["b"]))).rejects.toMatchObject({
        name: "ExecutionAlreadyExists",
      });
      await first.done;
    } finally {
      tg.close();
    }
  });
});

describe("bursts", () => {
  it("coalesce 50 uploads within the window into one run covering all, and uploads after it into another", async () => {
    const tg = open({ home: tempHome() });
    try {
      const trigger = localTrigger(tg.workflow, settings(300));
      const windowStart = Date.UTC(2026, 10, 26, 12, 0, 0);
      const burst = [];
      for (let i = 0; i < 50; i++) {
        const key = await addRaw(tg, `burst-${i}`, 20, 1000 + i);
        burst.push(objectCreated(key, { version: "v1", time: new Date(windowStart + i * 5_000) }));
      }
      // Delivered one by one and concurrently, as EventBridge may.
      const outcomes = (await Promise.all(burst.map((e) => trigger.deliver([e])))).flat();
      expect(outcomes.filter((o) => o.status === "started")).toHaveLength(1);
      const [run] = trigger.started;
      const finished = await run!.done;
      expect(finished.status).toBe("SUCCEEDED");
      const manifest = JSON.parse(
        new TextDecoder().decode(await tg.stores.objects.data.get(`runs/${finished.name}/manifest.json`)),
      );
      expect(manifest.sources.map((s: { key: string }) => s.key)).toEqual(
        expect.arrayContaining(burst.map((e) => e.detail.object.key)),
      );
      const late = objectCreated(await addRaw(tg, "late", 50, 9), {
        version: "v1",
        time: new Date(windowStart + 301_000),
      });
      const [lateOutcome] = await trigger.deliver([late]);
      expect(lateOutcome?.status).toBe("started");
      expect(lateOutcome?.name).not.toBe(finished.name);
      await Promise.all(trigger.started.map((h) => h.done));
    } finally {
      tg.close();
    }
  });
});
