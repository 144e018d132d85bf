/**
 * The optimiser: AdaGrad on the weights and bias of a multinomial linear model — one step-size
 * accumulator per feature row (`G_j += x_j² · Σ_c g_c²`, shared by the row's classes: a tenth of
 * the memory traffic of per-weight accumulators), per class for the bias — with an L2 penalty on
 * the weight rows an example touches (sparse updates: cost grows with the example's features,
 * not the vocabulary; classes whose gradient is below `minGradient` are skipped), and optional Polyak–Ruppert averaging of the iterates
 * (in O(touched) per step: `average = w − U / T` with `U += (t − 1) · Δ`; U in Float32, which
 * halves its memory traffic and keeps the average to about 1e-6 relative).
 */
import type { SparseVector } from "./featurizer.ts";

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

export class AdaGrad {
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  /** One AdaGrad accumulator per feature row (shared by its classes), and one per bias. */
  private readonly sumSqW: Float64Array;
  private readonly sumSqB: Float64Array;
  private readonly accW: Float32Array | undefined;
  private readonly accB: Float64Array | undefined;
  private readonly active: Int32Array;
  private steps = 0;

  /**
   * `start`: weights to start from (copied; e.g. the merged weights of a sharded round), else zeros;
   * with `accumulators`, the step-size accumulators too (else fresh ones).
   */
  constructor(
    features: number,
    private readonly classes: number,
    private readonly options: SgdOptions,
    start?: { weights: Float32Array; bias: Float32Array; accumulators?: Accumulators | undefined },
  ) {
    this.weights = start ? start.weights.slice() : new Float32Array(features * classes);
    this.bias = start ? start.bias.slice() : new Float32Array(classes);
    this.sumSqW = start?.accumulators ? start.accumulators.weights.slice() : new Float64Array(features);
    this.sumSqB = start?.accumulators ? start.accumulators.bias.slice() : new Float64Array(classes);
    this.active = new Int32Array(classes);
    if (options.average) {
      this.accW = new Float32Array(features * classes);
      this.accB = new Float64Array(classes);
    }
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
    const W = this.weights;
    const G = this.sumSqW;
    const U = this.accW;
    const active = this.active;
    const lag = this.steps++;
    const B = this.bias;
    const GB = this.sumSqB;
    const UB = this.accB;
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
    return { weights: this.sumSqW.slice(), bias: this.sumSqB.slice() };
  }

  /** Restarts the average at the current iterate (e.g. after a first epoch of large steps). */
  restartAverage(): void {
    this.accW?.fill(0);
    this.accB?.fill(0);
    this.steps = 0;
  }

  /**
   * The weights to use: the average of all iterates so far (with averaging) or the current ones (copies).
   * @example
   * const { weights, bias } = opt.snapshot();
   */
  snapshot(): { weights: Float32Array; bias: Float32Array } {
    if (!this.accW || !this.accB || this.steps === 0) return { weights: this.weights.slice(), bias: this.bias.slice() };
    const T = this.steps;
    const weights = new Float32Array(this.weights.length);
    for (let i = 0; i < weights.length; i++) weights[i] = this.weights[i]! - this.accW[i]! / T;
    const bias = new Float32Array(this.bias.length);
    for (let c = 0; c < bias.length; c++) bias[c] = this.bias[c]! - this.accB[c]! / T;
    return { weights, bias };
  }
}
