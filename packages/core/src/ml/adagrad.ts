/**
 * The optimiser: AdaGrad on the weights and bias of a multinomial linear model — one step-size
 * accumulator per feature row (`G_j += x_j² · Σ_c g_c²`, shared by the row's classes: a tenth of
 * the memory traffic of per-weight accumulators), per class for the bias — with an L2 penalty on
 * the weight rows an example touches (sparse updates: cost grows with the example's features,
 * not the vocabulary; classes whose gradient is below `minGradient` are skipped), and optional Polyak–Ruppert averaging of the iterates
 * (in O(touched) per step: `average = w − U / T` with `U += (t − 1) · Δ`; U in Float32, which
 * halves its memory traffic and keeps the average to about 1e-6 relative).
 *
 * Its arrays live in a WebAssembly module's memory (`sgd-module.ts`, packages/core/assembly/sgd.ts):
 * a pass over cached examples runs there (`passCached`), with the floats of `stepRange`, which serves
 * streamed examples and caches over `WASM_EXAMPLE_BYTES`.
 */
import type { SparseVector } from "./featurizer.ts";
import type { VectorCache } from "./row-cache.ts";
import { loadExamples, type SgdModule, sgdModule, WASM_EXAMPLE_BYTES } from "./sgd-module.ts";
import { checkWasmBytes } from "./wasm.ts";

export interface SgdOptions {
  learningRate: number;
  l2: number;
  average: boolean;
  /** Classes whose logit gradient is below this in absolute value are not updated for that example (default 0: all). */
  minGradient?: number;
}

/** The step-size accumulators (sums of squared gradients): one per feature row, one per bias. */
export interface Accumulators {
  weights: Float64Array;
  bias: Float64Array;
}

/** The optimiser's arrays, views into the module's memory (made again when the memory grows). */
interface State {
  buffer: ArrayBuffer;
  W: Float32Array;
  U: Float32Array | undefined;
  G: Float64Array;
  B: Float32Array;
  GB: Float64Array;
  UB: Float64Array | undefined;
}

export class AdaGrad {
  /** Its arrays live in a WebAssembly instance's memory, so that `passCached` runs there. */
  private readonly m: SgdModule;
  private views: State | undefined;
  private readonly loaded: { cache?: VectorCache; count?: number } = {};
  private readonly active: Int32Array;
  private steps = 0;

  /**
   * `start`: weights to start from (copied; e.g. the merged weights of a sharded round), else zeros;
   * with `accumulators`, the step-size accumulators too (else fresh ones).
   */
  constructor(
    private readonly features: number,
    private readonly classes: number,
    private readonly options: SgdOptions,
    start?: { weights: Float32Array; bias: Float32Array; accumulators?: Accumulators | undefined },
  ) {
    checkWasmBytes(features * classes * 8 + features * 8, `AdaGrad on ${features} features × ${classes} classes`);
    this.m = sgdModule();
    this.m.prepare(features, classes, options.average);
    const { W, B, G, GB } = this.state();
    if (start) {
      W.set(start.weights);
      B.set(start.bias);
    }
    if (start?.accumulators) {
      G.set(start.accumulators.weights);
      GB.set(start.accumulators.bias);
    }
    this.active = new Int32Array(classes);
  }

  private state(): State {
    const m = this.m;
    const { buffer } = m.memory;
    if (this.views?.buffer === buffer) return this.views;
    const FC = this.features * this.classes;
    const C = this.classes;
    const average = this.options.average;
    this.views = {
      buffer,
      W: new Float32Array(buffer, m.weights(), FC),
      U: average ? new Float32Array(buffer, m.sums(), FC) : undefined,
      G: new Float64Array(buffer, m.rowSquares(), this.features),
      B: new Float32Array(buffer, m.bias(), C),
      GB: new Float64Array(buffer, m.biasSquares(), C),
      UB: average ? new Float64Array(buffer, m.biasSums(), C) : undefined,
    };
    return this.views;
  }

  /** The current weights [features × classes] (a view: valid until the next call on this optimiser). */
  get weights(): Float32Array {
    return this.state().W;
  }

  /** The current bias [classes] (a view, as `weights`). */
  get bias(): Float32Array {
    return this.state().B;
  }

  /**
   * One pass over cached examples in WebAssembly: for each example of `rows` (indices into the
   * cache) in turn, its loss gradient and then `stepRange`'s step, the same floats. Returns the
   * summed loss. For caches of at most `WASM_EXAMPLE_BYTES` (`fitsPass`); copies them in once.
   */
  passCached(cache: VectorCache, rows: Int32Array): number {
    loadExamples(this.m, cache, this.loaded);
    new Int32Array(this.m.memory.buffer, this.m.order(), rows.length).set(rows);
    const { learningRate, l2, minGradient } = this.options;
    const loss = this.m.pass(rows.length, learningRate, l2, minGradient ?? 0, this.steps);
    this.steps += rows.length;
    return loss;
  }

  /** Whether `passCached` takes this cache (its examples within `WASM_EXAMPLE_BYTES`). */
  static fitsPass(cache: VectorCache): boolean {
    return cache.bytes <= WASM_EXAMPLE_BYTES;
  }

  /**
   * One step on one example, given the loss gradient with respect to its logits.
   * @example
   * const loss = exampleGradient(opt.weights, opt.bias, x, y, grad); opt.step(x, grad);
   */
  step(x: SparseVector, grad: Float64Array): void {
    this.stepRange(x.ids, x.values, 0, x.ids.length, grad);
  }

  /** `step` for the features `start … end − 1` of flat id and value arrays (no views to allocate). */
  stepRange(ids: Int32Array, values: Float64Array, start: number, end: number, grad: Float64Array): void {
    const C = this.classes;
    const { learningRate: eta, l2 } = this.options;
    const minGradient = this.options.minGradient ?? 0;
    const { W, G, U, B, GB, UB } = this.state();
    const active = this.active;
    const lag = this.steps++;
    let m = 0;
    let g2 = 0;
    for (let c = 0; c < C; c++) {
      const g = grad[c]!;
      const gg = g * g;
      g2 += gg;
      if (g >= minGradient || -g >= minGradient) active[m++] = c;
      const s = GB[c]! + gg;
      GB[c] = s;
      const delta = (-eta * g) / Math.sqrt(s + 1e-12);
      B[c]! += delta;
      if (UB) UB[c]! += lag * delta;
    }
    if (m === 0) return; // every class is within minGradient of its target: the weights stay
    for (let k = start; k < end; k++) {
      const j = ids[k]!;
      const row = j * C;
      const v = values[k]!;
      const s = G[j]! + v * v * g2;
      G[j] = s;
      const rate = eta / Math.sqrt(s + 1e-12);
      if (U) {
        for (let a = 0; a < m; a++) {
          const i = row + active[a]!;
          const w = W[i]!;
          const delta = -rate * (grad[active[a]!]! * v + l2 * w);
          W[i] = w + delta;
          U[i]! += lag * delta;
        }
      } else {
        for (let a = 0; a < m; a++) {
          const i = row + active[a]!;
          const w = W[i]!;
          W[i] = w - rate * (grad[active[a]!]! * v + l2 * w);
        }
      }
    }
  }

  /** The step-size accumulators (copies). */
  accumulators(): Accumulators {
    const { G, GB } = this.state();
    return { weights: G.slice(), bias: GB.slice() };
  }

  /** Restarts the average at the current iterate (e.g. after a first epoch of large steps). */
  restartAverage(): void {
    const { U, UB } = this.state();
    U?.fill(0);
    UB?.fill(0);
    this.steps = 0;
  }

  /**
   * The weights to use: the average of all iterates so far (with averaging) or the current ones (copies).
   * @example
   * const { weights, bias } = opt.snapshot();
   */
  snapshot(): { weights: Float32Array; bias: Float32Array } {
    const { W, U, B, UB } = this.state();
    if (!U || !UB || this.steps === 0) return { weights: W.slice(), bias: B.slice() };
    const T = this.steps;
    const weights = new Float32Array(W.length);
    for (let i = 0; i < weights.length; i++) weights[i] = W[i]! - U[i]! / T;
    const bias = new Float32Array(B.length);
    for (let c = 0; c < bias.length; c++) bias[c] = B[c]! - UB[c]! / T;
    return { weights, bias };
  }
}
