/**
 * The optimiser: AdaGrad on the weights and bias of a multinomial linear model, with an L2
 * penalty on the weight rows an example touches (sparse updates: cost grows with the example's
 * features, not the vocabulary), and optional Polyak–Ruppert averaging of the iterates
 * (kept exactly, in O(touched) per step: `average = w − U / T` with `U += (t − 1) · Δ`).
 */
import type { SparseVector } from "./vectorize.ts";

export interface SgdOptions {
  learningRate: number;
  l2: number;
  average: boolean;
}

export class AdaGrad {
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  private readonly sumSqW: Float32Array;
  private readonly sumSqB: Float64Array;
  private readonly accW: Float64Array | undefined;
  private readonly accB: Float64Array | undefined;
  private steps = 0;

  constructor(
    features: number,
    private readonly classes: number,
    private readonly options: SgdOptions,
  ) {
    this.weights = new Float32Array(features * classes);
    this.bias = new Float32Array(classes);
    this.sumSqW = new Float32Array(features * classes);
    this.sumSqB = new Float64Array(classes);
    if (options.average) {
      this.accW = new Float64Array(features * classes);
      this.accB = new Float64Array(classes);
    }
  }

  /**
   * One step on one example, given the loss gradient with respect to its logits.
   * @example
   * const loss = exampleGradient(opt.weights, opt.bias, x, y, grad); opt.step(x, grad);
   */
  step(x: SparseVector, grad: Float64Array): void {
    const C = this.classes;
    const { learningRate: eta, l2 } = this.options;
    const W = this.weights;
    const G = this.sumSqW;
    const U = this.accW;
    const lag = this.steps++;
    for (let c = 0; c < C; c++) {
      const g = grad[c]!;
      this.sumSqB[c]! += g * g;
      const delta = (-eta * g) / Math.sqrt(this.sumSqB[c]! + 1e-12);
      this.bias[c]! += delta;
      if (this.accB) this.accB[c]! += lag * delta;
    }
    for (let k = 0; k < x.ids.length; k++) {
      const row = x.ids[k]! * C;
      const v = x.values[k]!;
      for (let c = 0; c < C; c++) {
        const i = row + c;
        const w = W[i]!;
        const g = grad[c]! * v + l2 * w;
        const s = G[i]! + g * g;
        G[i] = s;
        const delta = (-eta * g) / Math.sqrt(s + 1e-12);
        W[i] = w + delta;
        if (U) U[i]! += lag * delta;
      }
    }
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
