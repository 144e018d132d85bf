/**
 * One prediction per text from a classifier's output (the exported ONNX graph's `label` and
 * `probabilities`, in the model's class order), shared by the service's responses, the CLI's
 * `predict` and its batch scoring, so all three answer the same way.
 */

/** A class with its probability. */
export interface Ranked {
  label: string;
  probability: number;
}

/** One text's prediction: its label, that label's probability, and the row of probabilities it came from. */
export interface ScoredText extends Ranked {
  /** Probabilities in the model's class order. */
  probabilities: Float32Array;
  /** False when no term of the text is known to the model: the answer is then the class prior. */
  knownTokens: boolean;
}

/**
 * Maps a classifier's output to one prediction per text; `known[i]` (true where it does not say)
 * tells whether text i had a known term.
 * @example predictionsOf(["animal", "food"], { labels: ["food"], probabilities: [new Float32Array([0.1, 0.9])] }) // [{ label: "food", probability: 0.9, … }]
 */
export function predictionsOf(
  classes: readonly string[],
  output: { labels: readonly string[]; probabilities: readonly Float32Array[] },
  known: readonly boolean[] = [],
): ScoredText[] {
  return output.labels.map((label, i) => {
    const probabilities = output.probabilities[i]!;
    const c = classes.indexOf(label);
    return { label, probability: c < 0 ? 0 : probabilities[c]!, probabilities, knownTokens: known[i] ?? true };
  });
}

/**
 * The `k` most likely classes, most likely first.
 * @example topClasses(["animal", "food"], new Float32Array([0.1, 0.9]), 1) // [{ label: "food", probability: 0.9 }]
 */
export function topClasses(classes: readonly string[], probabilities: Float32Array, k: number): Ranked[] {
  const order = Array.from(probabilities.keys()).sort((a, b) => (probabilities[b] ?? 0) - (probabilities[a] ?? 0));
  return order.slice(0, k).map((i) => ({ label: classes[i] as string, probability: probabilities[i] as number }));
}
