/**
 * ml/wide-start.ts: the exact race's wide work (a thread building the wide representation) starts
 * in selection's thread as soon as selection is done (idle through the early-stopped fit: no
 * thread to boot), is abandoned when the race's pass budget cannot reach a wide candidate (the
 * thread then refits the narrow candidate ahead), and the model is the same bytes as when no thread
 * runs at all (the work then done in this thread, when the race asks).
 */
import { availableParallelism } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { createLogger } from "../src/logger.ts";
import { buildFeatureSpec } from "../src/ml/feature-spec.ts";
import { startWorker } from "../src/ml/threads.ts";
import { trainLinear } from "../src/ml/trainer.ts";
import { FIXTURE_LABELS, fixtureRows } from "./fixture.ts";

vi.mock("../src/ml/threads.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../src/ml/threads.ts")>();
  return { ...original, startWorker: vi.fn(original.startWorker) };
});

const threads = availableParallelism() >= 2;

/**
 * Trains with the default selection on 450 fixture rows (80% train); returns the fit, the threads
 * started, where the wide work started and the refit's debug line. `noThreads`: no worker starts.
 */
async function trainOn(seed: number, noThreads = false) {
  const rows = fixtureRows(450, seed);
  const train = rows.slice(0, 360);
  const validation = rows.slice(360);
  const lines: Array<{ msg: string; at?: string; selectionThread?: boolean; ahead?: boolean }> = [];
  const { logger } = createLogger({ level: "debug", destination: { write: (line) => lines.push(JSON.parse(line)) } });
  vi.mocked(startWorker).mockClear();
  if (noThreads) vi.mocked(startWorker).mockImplementation(async () => undefined);
  try {
    const spec = await buildFeatureSpec(train, FIXTURE_LABELS);
    const fit = await trainLinear(
      spec,
      () => train,
      () => validation,
      { seed: 11, selection: true },
      logger,
    );
    const started = (entry: string) => vi.mocked(startWorker).mock.calls.filter(([e]) => e === entry).length;
    const starts = lines.filter((l) => l.msg === "exact race: the wide representation's work started");
    return {
      fit,
      wideThreads: started("./wide-worker.ts"),
      fitThreads: started("./fit-worker.ts"),
      started: starts.map((l) => l.at),
      inSelectionThread: starts.map((l) => l.selectionThread),
      refit: lines.find((l) => l.msg.startsWith("exact solver chosen on validation")),
    };
  } finally {
    vi.mocked(startWorker).mockReset();
  }
}

describe("when the exact race's wide work starts", () => {
  it("starts in selection's idle thread; abandoned when the budget cannot reach a wide candidate, the thread refits ahead", async () => {
    // (fixture seed 1: the early-stopped fit runs 3 epochs, as on SpamAssassin and the fortunes)
    const { fit, wideThreads, started, inSelectionThread, refit } = await trainOn(1);
    const exact = fit.selection!.exact!;
    // The budget held Preprocess's c = 100 only: the wide candidate was never tried...
    expect(exact.candidates.map((k) => [k.c, k.features !== undefined])).toEqual([[100, false]]);
    expect(exact.skipped).toBe("pass budget: wide c = 100 and on not tried");
    expect(exact.chosen).toEqual({ c: 100, passes: 5 });
    // ...though its work started in selection's thread (no thread booted for it), which was
    // still free to refit the chosen candidate on train + validation ahead of the verdict.
    expect(wideThreads).toBe(0);
    expect(started).toEqual(threads ? ["selection's thread idle"] : []);
    expect(inSelectionThread).toEqual(threads ? [true] : []);
    expect(refit?.ahead).toBe(threads);
    // The same model as with no thread at all.
    const alone = await trainOn(1, true);
    expect(alone.started).toEqual([]);
    expect(Array.from(alone.fit.model.weights)).toEqual(Array.from(fit.model.weights));
  });

  it("reaches the race's wide candidate from selection's thread; the same model as with no thread", async () => {
    // (fixture seed 4: the early-stopped fit runs 4 epochs, its best the 4th, as on Jane Austen)
    const { fit, wideThreads, fitThreads, started, inSelectionThread } = await trainOn(4);
    const exact = fit.selection!.exact!;
    expect(exact.candidates.map((k) => [k.c, k.features !== undefined])).toEqual([
      [100, false],
      [100, true],
    ]);
    expect(fitThreads).toBe(threads ? 1 : 0);
    expect(wideThreads).toBe(0);
    expect(started).toEqual([threads ? "selection's thread idle" : "before the race"]);
    expect(inSelectionThread).toEqual([threads]);
    const alone = await trainOn(4, true);
    expect(alone.started).toEqual(["before the race"]);
    expect(alone.fit.selection!.exact).toEqual(exact);
    expect(Array.from(alone.fit.model.weights)).toEqual(Array.from(fit.model.weights));
    expect(Array.from(alone.fit.model.bias)).toEqual(Array.from(fit.model.bias));
  });
});
