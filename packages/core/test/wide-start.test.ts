/**
 * ml/wide-start.ts: the exact race's wide work (a thread building the wide representation) starts
 * only when the race's pass budget surely reaches a wide candidate, at a point fixed by the epoch
 * counts (not by timing), in selection's thread (idle by then: no thread to boot), and the model is
 * the same as when the race asks for it itself.
 */
import { availableParallelism } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { createLogger } from "../src/logger.ts";
import { DEFAULT_EXACT, passesToFirstWide } from "../src/ml/dual-cd.ts";
import { buildFeatureSpec } from "../src/ml/feature-spec.ts";
import { startWorker } from "../src/ml/threads.ts";
import { trainLinear } from "../src/ml/trainer.ts";
import { FIXTURE_LABELS, fixtureRows } from "./fixture.ts";

vi.mock("../src/ml/threads.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../src/ml/threads.ts")>();
  return { ...original, startWorker: vi.fn(original.startWorker) };
});

/** Trains with the default selection on 450 fixture rows (80% train); returns the fit, the wide threads started and the debug lines. */
async function trainOn(seed: number) {
  const rows = fixtureRows(450, seed);
  const train = rows.slice(0, 360);
  const validation = rows.slice(360);
  const lines: Array<{ msg: string; at?: string; selectionThread?: boolean }> = [];
  const { logger } = createLogger({ level: "debug", destination: { write: (line) => lines.push(JSON.parse(line)) } });
  vi.mocked(startWorker).mockClear();
  const spec = await buildFeatureSpec(train, FIXTURE_LABELS);
  const fit = await trainLinear(
    spec,
    () => train,
    () => validation,
    { seed: 11, selection: true },
    logger,
  );
  const wideThreads = vi.mocked(startWorker).mock.calls.filter(([entry]) => entry === "./wide-worker.ts").length;
  const starts = lines.filter((l) => l.msg === "exact race: the wide representation's work started");
  const fitThreads = vi.mocked(startWorker).mock.calls.filter(([entry]) => entry === "./fit-worker.ts").length;
  return {
    fit,
    wideThreads,
    fitThreads,
    started: starts.map((l) => l.at),
    inSelectionThread: starts.map((l) => l.selectionThread),
  };
}

describe("when the exact race's wide work starts", () => {
  it("does not start when the pass budget cannot reach a wide candidate", async () => {
    // (fixture seed 1: the early-stopped fit runs 3 epochs, as on SpamAssassin and the fortunes)
    const { fit, wideThreads, started } = await trainOn(1);
    const exact = fit.selection!.exact!;
    // The budget held Preprocess's c = 100 only: the wide candidate was never tried...
    expect(exact.candidates.map((k) => [k.c, k.features !== undefined])).toEqual([[100, false]]);
    expect(exact.skipped).toBe("pass budget: wide c = 100 and on not tried");
    // ...so no thread built the wide representation for nothing.
    expect(wideThreads).toBe(0);
    expect(started).toEqual([]);
  });

  it("starts once, at the first epoch where the budget is sure, when it reaches one; the same model", async () => {
    // (fixture seed 4: the early-stopped fit runs 4 epochs, its best the 4th, as on Jane Austen)
    const { fit, wideThreads, fitThreads, started, inSelectionThread } = await trainOn(4);
    const exact = fit.selection!.exact!;
    expect(exact.candidates.map((k) => [k.c, k.features !== undefined])).toEqual([
      [100, false],
      [100, true],
    ]);
    expect(started).toHaveLength(1);
    // It runs in selection's thread, idle once selection is done: no thread booted for it.
    expect(fitThreads).toBe(availableParallelism() >= 2 ? 1 : 0);
    expect(wideThreads).toBe(0);
    expect(inSelectionThread).toEqual([availableParallelism() >= 2]);
    // The point is a function of the epoch counts: the first epoch whose lower bound of the race's
    // budget (epochs begun, best epoch so far) reaches the first wide candidate, else the race.
    const { budget, passes } = fit.selection!;
    const ratio = 450 / 360;
    const need = passesToFirstWide(DEFAULT_EXACT, ratio);
    const curve = fit.curve;
    const sure = curve.findIndex((_, k) => {
      const epoch = k + 2; // epoch `epoch` starts: epochs 1..k+1 are done
      const best = curve
        .slice(0, k + 1)
        .reduce((b, e) => (e.validationLoss < b.loss ? { loss: e.validationLoss, epoch: e.epoch } : b), {
          loss: Infinity,
          epoch: 0,
        }).epoch;
      return budget * (epoch + best * ratio) - passes - epoch >= need;
    });
    expect(started[0]).toBe(sure >= 0 && sure + 2 <= curve.length ? `epoch ${sure + 2}` : "before the race");
    // The same model as the race built before (the wide test checks its weights bit for bit).
    const again = await trainOn(4);
    expect(Array.from(again.fit.model.weights)).toEqual(Array.from(fit.model.weights));
    expect(again.started).toEqual(started);
  });
});
