/**
 * One contract for every {@link Registry} implementation (SQLite locally, DynamoDB on AWS).
 * Each test uses its own model name, so implementations may share one store across tests.
 */
import { randomUUID } from "node:crypto";
import type { DecisionRecord, ModelVersionRecord, RunRecord } from "@tollgate/core/contracts";
import { LiveModelChangedError, ModelNotFoundError } from "@tollgate/core/errors";
import type { Registry } from "@tollgate/core/ports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The outcome of one of several racing swaps, as seen by whoever ran it. */
export type SwapOutcome = { ok: true; version: string } | { ok: false; errorName: string; message: string };

/** What a test file provides for its implementation. */
export interface RegistryHarness {
  registry: Registry;
  /**
   * Runs `swapLive(modelName, expected, next, …)` once per `next`, all at the same moment and
   * with real concurrency (separate processes, connections or clients).
   */
  racingSwaps(modelName: string, expected: string | null, nexts: string[]): Promise<SwapOutcome[]>;
  close?(): Promise<void> | void;
}

/** A model version record with sensible defaults. */
export function versionRecord(
  modelName: string,
  version: string,
  over: Partial<ModelVersionRecord> = {},
): ModelVersionRecord {
  return {
    modelName,
    version,
    status: "candidate",
    statusReason: null,
    runId: `run-${version}`,
    datasetVersion: "sha256-abc",
    modelKey: `models/${modelName}/${version}/model.onnx`,
    cardKey: `models/${modelName}/${version}/card.json`,
    metricsKey: null,
    trainingSettings: null,
    metrics: { validationAccuracy: 0.9, testAccuracy: null, macroF1: null },
    createdAt: "2025-01-01T00:00:00.000Z",
    collected: null,
    ...over,
  };
}

/** Registers the registry contract tests for one implementation. */
export function registryContract(name: string, makeHarness: () => Promise<RegistryHarness>): void {
  describe(`Registry contract: ${name}`, () => {
    let h: RegistryHarness;
    let registry: Registry;
    beforeAll(async () => {
      h = await makeHarness();
      registry = h.registry;
    });
    afterAll(async () => {
      await h?.close?.();
    });
    const model = () => `m-${randomUUID().slice(0, 8)}`;
    const seed = async (m: string, versions: string[]) => {
      for (const [i, v] of versions.entries()) {
        await registry.putModelVersion(versionRecord(m, v, { createdAt: `2025-01-0${i + 1}T00:00:00.000Z` }));
      }
    };

    it("puts, gets and lists versions newest first", async () => {
      const m = model();
      await registry.putModelVersion(versionRecord(m, "v2", { createdAt: "2025-02-01T00:00:00.000Z" }));
      await registry.putModelVersion(versionRecord(m, "v1", { createdAt: "2025-01-01T00:00:00.000Z" }));
      await registry.putModelVersion(
        versionRecord(m, "v3", {
          createdAt: "2025-03-01T00:00:00.000Z",
          metrics: { validationAccuracy: 0.5, testAccuracy: 0.4, macroF1: 0.3 },
        }),
      );
      await registry.putModelVersion(versionRecord(`${m}-other`, "v9"));
      expect((await registry.listModelVersions(m)).map((r) => r.version)).toEqual(["v3", "v2", "v1"]);
      expect(await registry.getModelVersion(m, "v3")).toEqual(
        versionRecord(m, "v3", {
          createdAt: "2025-03-01T00:00:00.000Z",
          metrics: { validationAccuracy: 0.5, testAccuracy: 0.4, macroF1: 0.3 },
        }),
      );
      expect(await registry.getModelVersion(m, "nope")).toBeUndefined();
      expect(await registry.listModelVersions(`${m}-none`)).toEqual([]);
    });

    it("marks a version collected (what gc removed); its status stays; unknown versions throw ModelNotFoundError", async () => {
      const m = model();
      await seed(m, ["v1", "v2"]);
      await registry.setModelStatus(m, "v1", "retired");
      const collected = { at: "2025-03-01T00:00:00.000Z", by: "cli:alice", bytes: 12345 };
      await registry.markCollected(m, "v1", collected);
      expect(await registry.getModelVersion(m, "v1")).toMatchObject({ status: "retired", collected });
      expect((await registry.listModelVersions(m)).map((r) => r.collected)).toEqual([null, collected]);
      await expect(registry.markCollected(m, "nope", collected)).rejects.toBeInstanceOf(ModelNotFoundError);
      expect(await registry.getModelVersion(m, "nope")).toBeUndefined();
    });

    it("sets a version's status and reason; unknown versions throw ModelNotFoundError", async () => {
      const m = model();
      await seed(m, ["v1"]);
      await registry.setModelStatus(m, "v1", "rejected", "accuracy 0.5 < 0.8");
      expect(await registry.getModelVersion(m, "v1")).toMatchObject({
        status: "rejected",
        statusReason: "accuracy 0.5 < 0.8",
      });
      await registry.setModelStatus(m, "v1", "failed");
      expect(await registry.getModelVersion(m, "v1")).toMatchObject({ status: "failed", statusReason: null });
      await expect(registry.setModelStatus(m, "nope", "rejected")).rejects.toBeInstanceOf(ModelNotFoundError);
      expect(await registry.getModelVersion(m, "nope")).toBeUndefined();
    });

    it("first promotion with expected null; a second null promotion fails", async () => {
      const m = model();
      await seed(m, ["v1", "v2"]);
      expect(await registry.getLive(m)).toBeUndefined();
      const p = await registry.swapLive(m, null, "v1", "run-1");
      expect(p).toMatchObject({ modelName: m, version: "v1", by: "run-1", previous: null });
      expect(await registry.getLive(m)).toEqual(p);
      expect((await registry.getModelVersion(m, "v1"))?.status).toBe("live");
      await expect(registry.swapLive(m, null, "v2", "run-2")).rejects.toBeInstanceOf(LiveModelChangedError);
      expect((await registry.getLive(m))?.version).toBe("v1");
      expect((await registry.getModelVersion(m, "v2"))?.status).toBe("candidate");
    });

    it("CAS succeeds on the current version, retires the previous, and fails on a stale one", async () => {
      const m = model();
      await seed(m, ["v1", "v2", "v3"]);
      await registry.swapLive(m, null, "v1", "run-1");
      const p = await registry.swapLive(m, "v1", "v2", "run-2");
      expect(p).toMatchObject({ version: "v2", previous: "v1", by: "run-2" });
      expect(await registry.getLive(m)).toEqual(p);
      expect((await registry.getModelVersion(m, "v1"))?.status).toBe("retired");
      expect((await registry.getModelVersion(m, "v2"))?.status).toBe("live");
      const stale = registry.swapLive(m, "v1", "v3", "run-3");
      await expect(stale).rejects.toBeInstanceOf(LiveModelChangedError);
      await expect(stale).rejects.toMatchObject({ name: "LiveModelChangedError" });
      expect((await registry.getLive(m))?.version).toBe("v2");
      expect((await registry.getModelVersion(m, "v3"))?.status).toBe("candidate");
    });

    it("rolls back by swapping to the previous version", async () => {
      const m = model();
      await seed(m, ["v1", "v2"]);
      await registry.swapLive(m, null, "v1", "run-1");
      await registry.swapLive(m, "v1", "v2", "run-2");
      const back = await registry.swapLive(m, "v2", "v1", "rollback:alice");
      expect(back).toMatchObject({ version: "v1", previous: "v2", by: "rollback:alice" });
      expect((await registry.getModelVersion(m, "v1"))?.status).toBe("live");
      expect((await registry.getModelVersion(m, "v2"))?.status).toBe("retired");
    });

    it("keeps a history of live versions: each rollback steps back one, `back: n` goes n back", async () => {
      const m = model();
      await seed(m, ["v1", "v2", "v3", "v4"]);
      await registry.swapLive(m, null, "v1", "run-1");
      await registry.swapLive(m, "v1", "v2", "run-2");
      await registry.swapLive(m, "v2", "v3", "run-3");
      expect(await registry.getLive(m)).toMatchObject({ version: "v3", previous: "v2", history: ["v2", "v1"] });
      // two rollbacks in a row: v3 → v2 → v1 (not back to v3)
      expect(await registry.swapLive(m, "v3", "v2", "op", { back: 1 })).toMatchObject({
        version: "v2",
        previous: "v3",
        history: ["v1"],
      });
      expect(await registry.swapLive(m, "v2", "v1", "op", { back: 1 })).toMatchObject({ version: "v1", history: [] });
      expect((await registry.getModelVersion(m, "v3"))?.status).toBe("retired");
      // a promotion pushes again; back 2 skips one
      await registry.swapLive(m, "v1", "v3", "run-5");
      await registry.swapLive(m, "v3", "v4", "run-6");
      const twoBack = await registry.swapLive(m, "v4", "v1", "op", { back: 2 });
      expect(twoBack).toMatchObject({ version: "v1", previous: "v4", history: [] });
      expect(await registry.getLive(m)).toEqual(twoBack);
      // a rollback past the history, or to a version that is not there, is refused and changes nothing
      await expect(registry.swapLive(m, "v1", "v4", "op", { back: 1 })).rejects.toMatchObject({
        name: "InvalidInputError",
      });
      expect(await registry.getLive(m)).toEqual(twoBack);
    });

    it("refuses to promote an unknown version and leaves the pointer alone", async () => {
      const m = model();
      await seed(m, ["v1"]);
      await expect(registry.swapLive(m, null, "ghost", "run-x")).rejects.toBeInstanceOf(ModelNotFoundError);
      expect(await registry.getLive(m)).toBeUndefined();
      await registry.swapLive(m, null, "v1", "run-1");
      await expect(registry.swapLive(m, "v1", "ghost", "run-x")).rejects.toBeInstanceOf(ModelNotFoundError);
      expect((await registry.getLive(m))?.version).toBe("v1");
    });

    it("puts and gets runs (put replaces)", async () => {
      const runId = `run-${randomUUID()}`;
      const run: RunRecord = {
        runId,
        dataset: "reviews",
        modelName: "reviews",
        datasetVersion: null,
        modelVersion: null,
        decision: null,
        reason: null,
        updatedAt: "2025-01-01T00:00:00.000Z",
      };
      expect(await registry.getRun(runId)).toBeUndefined();
      await registry.putRun(run);
      expect(await registry.getRun(runId)).toEqual(run);
      const done = {
        ...run,
        datasetVersion: "d1",
        modelVersion: "v1",
        decision: "promoted" as const,
        reason: "0.9 ≥ 0.8",
      };
      await registry.putRun(done);
      expect(await registry.getRun(runId)).toEqual(done);
    });

    it("appends decisions and lists a model's own, oldest first", async () => {
      const m = model();
      const other = model();
      const decision = (version: string, at: string, action: DecisionRecord["action"]): DecisionRecord => ({
        modelName: m,
        version,
        action,
        by: "cli:alice",
        reason: action === "promote" ? null : `why ${version}`,
        at,
        runId: `run-${version}`,
        live: { before: "v0", after: version },
      });
      expect(await registry.listDecisions(m)).toEqual([]);
      const first = decision("v1", "2025-01-01T00:00:00.000Z", "promote");
      const second = decision("v2", "2025-01-02T00:00:00.000Z", "approve");
      const sameTime = decision("v3", "2025-01-02T00:00:00.000Z", "reject");
      await registry.putModelVersion(versionRecord(m, "v1"));
      for (const d of [first, second]) await registry.recordDecision(d);
      await registry.recordDecision({ ...first, modelName: other });
      await registry.recordDecision(sameTime);
      const listed = await registry.listDecisions(m);
      expect(listed.slice(0, 1)).toEqual([first]);
      expect(listed.slice(1)).toEqual(expect.arrayContaining([second, sameTime]));
      expect(listed).toHaveLength(3);
      expect(await registry.listModelVersions(m)).toHaveLength(1);
    });

    for (const expectedLive of [null, "v0"]) {
      it(`concurrent promotions from the same expected live (${expectedLive ?? "none"}): exactly one wins`, async () => {
        const m = model();
        const nexts = ["c1", "c2", "c3", "c4"];
        await seed(m, ["v0", ...nexts]);
        if (expectedLive) await registry.swapLive(m, null, expectedLive, "setup");
        const outcomes = await h.racingSwaps(m, expectedLive, nexts);
        const winners = outcomes.filter((o) => o.ok);
        const losers = outcomes.filter((o) => !o.ok);
        expect(winners).toHaveLength(1);
        expect(losers.map((o) => !o.ok && o.errorName)).toEqual(Array(nexts.length - 1).fill("LiveModelChangedError"));
        const winner = winners[0]?.ok ? winners[0].version : "";
        expect(await registry.getLive(m)).toMatchObject({ version: winner, previous: expectedLive });
        const statuses = await registry.listModelVersions(m);
        expect(statuses.filter((r) => r.status === "live").map((r) => r.version)).toEqual([winner]);
        if (expectedLive) expect((await registry.getModelVersion(m, expectedLive))?.status).toBe("retired");
      });
    }
  });
}

/** Turns settled swap promises into outcomes (for in-process races). */
export function toOutcomes(results: PromiseSettledResult<{ version: string }>[]): SwapOutcome[] {
  return results.map((r) =>
    r.status === "fulfilled"
      ? { ok: true, version: r.value.version }
      : { ok: false, errorName: r.reason instanceof Error ? r.reason.name : "Error", message: String(r.reason) },
  );
}
