/**
 * The merge of sharded training: an example-weighted average of the children's training states
 * (weights, bias and AdaGrad accumulators), the parameter mixing of McDonald, Hall & Mann (NAACL
 * 2010) and Mann et al. (NIPS 2009): w = Σ_k n_k·w_k / Σ_k n_k.
 *
 * It streams: states are added one at a time into float64 sums, so memory is the model's size
 * (plus a bounded read-ahead), whatever the number of children. It is order-independent: the
 * children are added in the order of their index, never in the order they finished or were read,
 * so the same children give the same bytes.
 */
import { InvalidInputError } from "../errors.ts";
import type { ModelState } from "./model-state.ts";

/** An example-weighted average of training states, added one at a time. */
export class WeightedAverage {
  private weights: Float64Array | undefined;
  private bias: Float64Array | undefined;
  private accW: Float64Array | undefined;
  private accB: Float64Array | undefined;
  private examples = 0;
  private loss = 0;
  /** States added so far. */
  count = 0;

  /**
   * Adds one state (weighted by its examples).
   * @throws InvalidInputError when its shape differs from the first one's.
   */
  add(state: ModelState): void {
    const n = state.examples;
    if (!this.weights) {
      this.weights = new Float64Array(state.weights.length);
      this.bias = new Float64Array(state.bias.length);
      if (state.accumulators) {
        this.accW = new Float64Array(state.accumulators.weights.length);
        this.accB = new Float64Array(state.accumulators.bias.length);
      }
    }
    const { weights, bias, accW, accB } = this;
    if (state.weights.length !== weights.length || state.bias.length !== bias!.length) {
      throw new InvalidInputError(
        `a training state has ${state.weights.length} weights and ${state.bias.length} classes, the first one ${weights.length} and ${bias!.length}`,
      );
    }
    if ((accW === undefined) !== (state.accumulators === undefined)) {
      throw new InvalidInputError("some training states have step-size accumulators and some do not");
    }
    for (let i = 0; i < weights.length; i++) weights[i]! += n * state.weights[i]!;
    for (let c = 0; c < bias!.length; c++) bias![c]! += n * state.bias[c]!;
    if (accW && accB && state.accumulators) {
      const { weights: w, bias: b } = state.accumulators;
      for (let j = 0; j < accW.length; j++) accW[j]! += n * w[j]!;
      for (let c = 0; c < accB.length; c++) accB[c]! += n * b[c]!;
    }
    if (Number.isFinite(state.loss)) this.loss += n * state.loss;
    this.examples += n;
    this.count++;
  }

  /**
   * The average of what was added.
   * @throws InvalidInputError when nothing (or no example) was added.
   */
  result(): ModelState {
    const { weights, bias, accW, accB, examples } = this;
    if (!weights || !bias || examples <= 0) throw new InvalidInputError("no training examples to merge");
    const mean = (sum: Float64Array) => sum.map((v) => v / examples);
    return {
      weights: Float32Array.from(weights, (v) => v / examples),
      bias: Float32Array.from(bias, (v) => v / examples),
      accumulators: accW && accB ? { weights: mean(accW), bias: mean(accB) } : undefined,
      examples,
      loss: this.loss / examples,
    };
  }
}

/** A child's training state, by the index of its item (or batch) in the Map. */
export interface ChildState {
  index: number;
  key: string;
}

/**
 * Merges the children's states in index order, reading up to `readAhead` of them ahead of the one
 * being added (memory: the sums plus `readAhead` states).
 * @throws InvalidInputError when two children share an index, or there are none.
 * @example
 * const { state } = await mergeStates(children, async (key) => decodeModelState(await store.get(key)));
 */
export async function mergeStates(
  children: readonly ChildState[],
  load: (key: string) => Promise<ModelState>,
  options: { readAhead?: number } = {},
): Promise<{ state: ModelState; children: number }> {
  const ordered = [...children].sort((a, b) => a.index - b.index);
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]!.index === ordered[i - 1]!.index)
      throw new InvalidInputError(`two children have index ${ordered[i]!.index}`);
  }
  const readAhead = Math.max(1, options.readAhead ?? 4);
  const average = new WeightedAverage();
  const pending: Promise<ModelState>[] = [];
  let next = 0;
  const fill = () => {
    while (next < ordered.length && pending.length < readAhead) {
      const state = load(ordered[next++]!.key);
      state.catch(() => {}); // a failure surfaces when its turn comes; none goes unhandled meanwhile
      pending.push(state);
    }
  };
  fill();
  while (pending.length > 0) {
    const state = await pending.shift()!;
    fill();
    average.add(state);
  }
  return { state: average.result(), children: average.count };
}
