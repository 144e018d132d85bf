/**
 * ml/wide.ts: the exact race's wide representation (min df 1, sublinear tf) built and refit in the
 * second thread is the one built and refit in the main thread, bit for bit; the trainer chooses it
 * only on validation, and its model exports to a graph that scores as the featurizer does.
 */
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { nbLabel } from "../src/ml/dual-cd.ts";
import type { Row } from "../src/ml/examples.ts";
import { buildFeatureSpec, FeatureOptions } from "../src/ml/feature-spec.ts";
import { FitThread } from "../src/ml/fit-thread.ts";
import { DEFAULT_NB } from "../src/ml/nb-weights.ts";
import { knownTermTables, termTables } from "../src/ml/onnx/term-tables.ts";
import { tokenize } from "../src/ml/text.ts";
import { trainLinear } from "../src/ml/trainer.ts";
import {
  packRows,
  packSpec,
  refitWide,
  unpackRows,
  unpackSpec,
  WideCandidates,
  type WideFeatures,
  wideCandidate,
  wideFeatures,
} from "../src/ml/wide.ts";
import { edgeDocuments, FIXTURE_LABELS, fixtureRows } from "./fixture.ts";
import { expectOnnxParity } from "./parity.ts";

// On this fixture the wide candidate wins on validation once the budget lets the whole race run.
const rows = fixtureRows(450, 2);
const train = rows.slice(0, 360);
const validation = rows.slice(360);
const job = {
  train,
  validation,
  labels: FIXTURE_LABELS,
  options: FeatureOptions.parse({}),
  cs: [100, 10],
  passes: 5,
  seed: 11,
  nb: DEFAULT_NB,
};

/** The grid's first candidate, its refit and the spec, as `wide` gives them, are those computed here. */
async function expectAsHere(wide: WideCandidates, here: WideFeatures) {
  const fit = { c: 100, passes: 5, nb: job.nb };
  expect(await wide.candidate(100, 5)).toEqual(await wideCandidate(here, 3, fit, 11));
  expect(Array.from((await wide.refit(100, 5)).weights)).toEqual(Array.from(refitWide(here, 3, fit, 11).weights));
  expect(await wide.spec()).toEqual(here.spec());
}

describe("the exact race's wide representation", () => {
  it("is built, raced and refit in the second thread as in the main thread", async () => {
    // Prepare
    const here = await wideFeatures(job);
    const refitHere = refitWide(here, 3, { c: 100, passes: 5, nb: job.nb }, 11);
    const candidateHere = await wideCandidate(here, 3, { c: 100, passes: 5, nb: job.nb }, 11);
    // Act
    const wide = await WideCandidates.start(job);
    expect(wide.threaded).toBe(availableParallelism() >= 2);
    try {
      // (the candidate and its refit: whichever thread claimed each first)
      const candidateThere = await wide.candidate(100, 5);
      const refitThere = await wide.refit(100, 5);
      const there = { ...(await wide.examples()), spec: await wide.spec() };
      // a refit the thread does not make (another c) is computed here
      const other = await wide.refit(10, 5);
      // Assert
      expect(there.spec).toEqual(here.spec());
      expect(there.spec.options).toMatchObject({ minDf: 1, sublinearTf: true });
      expect(there.spec.vocabulary.length).toBeGreaterThan(
        (await buildFeatureSpec(train, FIXTURE_LABELS)).vocabulary.length,
      );
      // Each array to its used length (the thread's are shared copies of exactly that length).
      const { count } = here.train.cache;
      const used = {
        ids: here.train.cache.offsets[count]!,
        values: here.train.cache.offsets[count]!,
        offsets: count + 1,
        classes: count,
      };
      expect(there.train.cache.count).toBe(count);
      for (const key of ["ids", "values", "offsets", "classes"] as const) {
        expect(Array.from(there.train.cache[key].subarray(0, used[key]))).toEqual(
          Array.from(here.train.cache[key].subarray(0, used[key])),
        );
      }
      expect(candidateThere).toEqual(candidateHere);
      expect(candidateHere).toMatchObject({
        c: 100,
        passes: 5,
        features: `min df 1, sublinear tf: ${here.terms} terms`,
      });
      // a candidate the thread does not make (another c) is computed here
      expect(await wide.candidate(10, 5)).toEqual(await wideCandidate(here, 3, { c: 10, passes: 5, nb: job.nb }, 11));
      expect(Array.from(refitThere.weights)).toEqual(Array.from(refitHere.weights));
      expect(Array.from(refitThere.bias)).toEqual(Array.from(refitHere.bias));
      expect(refitThere.rows).toBe(450);
      expect(Array.from(other.weights)).toEqual(
        Array.from(refitWide(here, 3, { c: 10, passes: 5, nb: job.nb }, 11).weights),
      );
      expect(Array.from(other.weights)).not.toEqual(Array.from(refitHere.weights));
    } finally {
      await wide.close();
    }
  });

  it("sends a spec to another thread packed, and gets the same spec back", async () => {
    // Prepare
    const spec = (await wideFeatures(job)).spec();
    const empty = { ...spec, vocabulary: [], idf: [] };
    const one = { ...spec, vocabulary: ["^ dog"], idf: [1.5] };
    // Act
    const back = [spec, empty, one].map((s) => unpackSpec(structuredClone(packSpec(s))));
    // Assert
    expect(back).toEqual([spec, empty, one]);
    expect(JSON.stringify(back[0])).toBe(JSON.stringify(spec));
  });

  it("gives the same candidate and refit whichever thread claims each", async () => {
    // Prepare
    const here = await wideFeatures(job);
    const candidateHere = await wideCandidate(here, 3, { c: 100, passes: 5, nb: job.nb }, 11);
    const refitHere = refitWide(here, 3, { c: 100, passes: 5, nb: job.nb }, 11);
    // Act: the refit asked for first, once the thread has its examples (it is then at the candidate,
    // so this thread most often takes the refit); the other order is the test above. Either way the same.
    const wide = await WideCandidates.start(job);
    try {
      await wide.examples();
      const refitThere = await wide.refit(100, 5);
      const candidateThere = await wide.candidate(100, 5);
      // Assert
      expect(candidateThere).toEqual(candidateHere);
      expect(Array.from(refitThere.weights)).toEqual(Array.from(refitHere.weights));
      expect(Array.from(refitThere.bias)).toEqual(Array.from(refitHere.bias));
    } finally {
      await wide.close();
    }
  });

  it("when abandoned, leaves its unasked work undone; what is still asked is computed here, the same", async () => {
    // Prepare
    const here = await wideFeatures(job);
    const wide = await WideCandidates.start(job);
    try {
      // Act: abandoned at once (the race's budget did not reach it), then asked anyway (the race's
      // candidates converged in fewer passes): the thread claims neither, so this thread computes both.
      wide.abandon();
      // Assert
      await expectAsHere(wide, here);
    } finally {
      await wide.close();
    }
    // Abandoned once the thread had built and shared its examples (its build no longer stops, so it
    // sends nothing more): still computed here, not waited for.
    const late = await WideCandidates.start(job);
    try {
      await late.examples();
      late.abandon();
      await expectAsHere(late, here);
    } finally {
      await late.close();
    }
  });

  it("runs in selection's fit thread once that is idle, with the same results, and stops it when closed", async () => {
    // Prepare
    const here = await wideFeatures(job);
    const thread = await FitThread.start();
    // Act
    const wide = await WideCandidates.start(job, thread?.idle);
    try {
      expect(wide.threaded).toBe(thread !== undefined);
      // Assert
      await expectAsHere(wide, here);
      // The spec came with its export's term tables, made in the thread (none when made here).
      const spec = await wide.spec();
      const tables = knownTermTables(spec);
      if (thread) expect(tables).toEqual(termTables(spec.vocabulary, spec.options));
      else expect(tables).toBeUndefined();
    } finally {
      await wide.close();
    }
    // (closing the work stopped the thread it ran in)
    if (thread) expect(thread.idle).toBeUndefined();
  });

  it("reaches the thread from token rows (packed in one shared array) with the same examples as from text", async () => {
    // Prepare: a handoff's numbering, tokens in the order met, shared by every row
    const tokens: string[] = [];
    const index = new Map<string, number>();
    const tokenRows: Row[] = train.map((row) => ({
      label: row.label,
      ids: Int32Array.from(tokenize(row.text), (t) => {
        if (!index.has(t)) index.set(t, tokens.push(t) - 1);
        return index.get(t)!;
      }),
      tokens,
    }));
    const mixed = [...tokenRows.slice(0, 5), ...train.slice(5, 8)];
    const here = await wideFeatures(job);
    // Act
    const unpacked = unpackRows(packRows(mixed));
    const wide = await WideCandidates.start({ ...job, train: tokenRows });
    try {
      const there = await wide.examples();
      // Assert
      expect(unpacked).toEqual(mixed);
      const { count } = here.train.cache;
      const nnz = here.train.cache.offsets[count]!;
      expect(there.train.cache.count).toBe(count);
      expect(Array.from(there.train.cache.ids.subarray(0, nnz))).toEqual(
        Array.from(here.train.cache.ids.subarray(0, nnz)),
      );
      expect(Array.from(there.train.cache.values.subarray(0, nnz))).toEqual(
        Array.from(here.train.cache.values.subarray(0, nnz)),
      );
      expect(await wide.candidate(100, 5)).toEqual(await wideCandidate(here, 3, { c: 100, passes: 5, nb: job.nb }, 11));
    } finally {
      await wide.close();
    }
  });

  it("is chosen only on validation; the model is its spec, refit on train + validation, and exports with parity", async () => {
    const spec = await buildFeatureSpec(train, FIXTURE_LABELS);
    const fit = await trainLinear(
      spec,
      () => train,
      () => validation,
      { seed: 11, selection: { budget: 6 } },
    );
    const exact = fit.selection!.exact!;
    // The grid alternates Preprocess's features and the wide ones, c = 100 then 10.
    expect(exact.candidates.map((k) => [k.c, k.features !== undefined])).toEqual([
      [100, false],
      [100, true],
      [10, false],
      [10, true],
    ]);
    const best = Math.max(...exact.candidates.map((k) => k.validationAccuracy));
    const winner = exact.candidates.find((k) => k.validationAccuracy === best)!;
    expect(winner.features).toBeDefined();
    // The wide candidates train on Naive Bayes-weighted features (DEFAULT_EXACT.wideNb), Preprocess's plain.
    expect(exact.candidates.map((k) => k.weights)).toEqual([
      undefined,
      nbLabel(DEFAULT_NB),
      undefined,
      nbLabel(DEFAULT_NB),
    ]);
    expect(best).toBeGreaterThan(exact.sgd.validationAccuracy);
    expect(exact.chosen).toEqual({ c: winner.c, passes: 5, wide: true });
    expect(fit.validation.accuracy).toBe(best);
    expect(fit.model.spec.options).toMatchObject({ minDf: 1, sublinearTf: true });
    expect(fit.params.refit).toEqual({
      epochs: 5,
      rows: 450,
      solver: `dual coordinate descent, c = ${winner.c}, ${winner.features}, ${winner.weights}`,
    });
    const weights = refitWide(await wideFeatures(job), 3, { c: winner.c, passes: 5, nb: job.nb }, 11).weights;
    expect(Array.from(fit.model.weights)).toEqual(Array.from(weights));
    await expectOnnxParity(fit.model, [...edgeDocuments().slice(0, 20), ...validation.map((r) => r.text)]);
  });
});
