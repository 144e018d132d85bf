/**
 * The SGD WebAssembly module (packages/core/assembly/sgd.ts, built by `pnpm build:wasm`): its
 * exports, instances, the copy of cached examples into its memory, and the scoring of a model on
 * cached examples there (`evaluate`'s floats: the same operations in the same order, Math.exp and
 * Math.log imported). The optimiser's passes: `AdaGrad.passCached`.
 */
import type { VectorCache } from "./row-cache.ts";
import { SGD_WASM } from "./sgd-wasm.ts";
import { checkWasmBytes, type ExampleRegions, instantiate, writeExamples } from "./wasm.ts";

/** The module's exports (packages/core/assembly/sgd.ts; addresses are byte offsets into its memory). */
export interface SgdModule extends ExampleRegions {
  prepare(features: number, classes: number, average: boolean): void;
  examples(nnz: number, rows: number): void;
  weights(): number;
  sums(): number;
  rowSquares(): number;
  bias(): number;
  biasSquares(): number;
  biasSums(): number;
  order(): number;
  right(): number;
  pass(n: number, eta: number, l2: number, minGradient: number, lag: number): number;
  score(n: number): number;
}

/**
 * Cached examples up to this many bytes are copied into the module's memory for its passes and
 * scoring (so at most this much memory more); larger caches are visited from JavaScript (`stepRange`,
 * the same floats).
 */
export const WASM_EXAMPLE_BYTES = 64 * 1024 * 1024;

/** A new instance of the SGD module (its model arrays: `prepare`). */
export const sgdModule = (): SgdModule => instantiate<SgdModule>(SGD_WASM, { exp: Math.exp, log: Math.log });

/** Copies a cache's examples into the module's memory (room made by `examples`), unless already there. */
export function loadExamples(m: SgdModule, cache: VectorCache, loaded: { cache?: VectorCache; count?: number }): void {
  if (loaded.cache === cache && loaded.count === cache.count) return;
  const nnz = cache.offsets[cache.count]!;
  checkWasmBytes(m.memory.buffer.byteLength + 12 * nnz + 16 * cache.count, `SGD on ${cache.count} cached rows`);
  m.examples(nnz, cache.count);
  writeExamples(m, cache);
  loaded.cache = cache;
  loaded.count = cache.count;
}

/** A scorer per cache: a module holding the cache's examples and room for one model of its shape. */
const scorers = new WeakMap<
  VectorCache,
  { m: SgdModule; features: number; classes: number; loaded: { cache?: VectorCache; count?: number } }
>();

/**
 * The summed loss and the number right of a model on cached examples (all, or the indices in
 * `subset`), in WebAssembly: `evaluate`'s figures, the same floats. For caches within
 * `WASM_EXAMPLE_BYTES`; each cache's examples are copied in once (and kept while the cache lives).
 */
export function scoreCached(
  model: { weights: Float32Array; bias: Float32Array },
  cache: VectorCache,
  subset: Int32Array | undefined,
): { loss: number; right: number } {
  const classes = model.bias.length;
  const features = model.weights.length / classes;
  let scorer = scorers.get(cache);
  if (!scorer || scorer.features !== features || scorer.classes !== classes) {
    checkWasmBytes(features * classes * 4, `scoring ${features} features × ${classes} classes`);
    const m = sgdModule();
    m.prepare(features, classes, false);
    scorer = { m, features, classes, loaded: {} };
    scorers.set(cache, scorer);
  }
  const { m } = scorer;
  loadExamples(m, cache, scorer.loaded);
  const { buffer } = m.memory;
  new Float32Array(buffer, m.weights(), model.weights.length).set(model.weights);
  new Float32Array(buffer, m.bias(), classes).set(model.bias);
  const n = subset?.length ?? cache.count;
  const order = new Int32Array(buffer, m.order(), n);
  if (subset) order.set(subset);
  else for (let k = 0; k < n; k++) order[k] = k;
  return { loss: m.score(n), right: m.right() };
}
