/**
 * Classification metrics: accuracy, macro-F1, per-class precision/recall/F1/support and the
 * confusion matrix (rows: true label, columns: predicted label, in `labels` order).
 */
import type { Metrics } from "../contracts.ts";
import { InvalidInputError } from "../errors.ts";

/**
 * Computes metrics from parallel arrays of true and predicted labels. A class with no
 * predictions has precision 0 (and F1 0 unless it has no support either); macro-F1 averages
 * over every label in `labels`.
 * @throws InvalidInputError when the arrays differ in length or hold a label outside `labels`.
 * @example
 * computeMetrics(["a", "b", "b"], ["a", "b", "a"], ["a", "b"]).accuracy // 2/3
 */
export function computeMetrics(truth: string[], predicted: string[], labels: string[]): Metrics {
  if (truth.length !== predicted.length) {
    throw new InvalidInputError(`truth has ${truth.length} labels, predictions ${predicted.length}`);
  }
  const index = new Map(labels.map((label, i) => [label, i]));
  const classOf = (label: string): number => {
    const i = index.get(label);
    if (i === undefined) throw new InvalidInputError(`label ${JSON.stringify(label)} is not one of the model's labels`);
    return i;
  };
  const confusion = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let k = 0; k < truth.length; k++) confusion[classOf(truth[k]!)]![classOf(predicted[k]!)]!++;
  return metricsFromConfusion(labels, confusion);
}

/**
 * Metrics from confusion counts (rows: true label, columns: predicted, in `labels` order), e.g.
 * counts summed over the shards of a test split.
 * @example
 * metricsFromConfusion(["a", "b"], [[1, 0], [1, 1]]).accuracy // 2/3
 */
export function metricsFromConfusion(labels: string[], confusion: number[][]): Metrics {
  const C = labels.length;
  let correct = 0;
  let count = 0;
  for (let c = 0; c < C; c++) {
    correct += confusion[c]![c]!;
    for (let p = 0; p < C; p++) count += confusion[c]![p]!;
  }
  const perClass: Metrics["perClass"] = {};
  let f1Sum = 0;
  labels.forEach((label, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[c]!, 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision, recall, f1, support };
    f1Sum += f1;
  });
  return {
    accuracy: count ? correct / count : 0,
    macroF1: C ? f1Sum / C : 0,
    perClass,
    labels: [...labels],
    confusion: confusion.map((row) => [...row]),
    count,
  };
}
