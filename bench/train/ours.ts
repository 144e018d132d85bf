/**
 * tollgate's side of `pnpm bench:train`: training in a child process (ours-child.ts, under GNU
 * time), then scoring of the exported ONNX model in this process through onnxruntime-node.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { computeMetrics } from "@tollgate/core/ml/metrics";
import { OnnxTextClassifier } from "@tollgate/core/ml/onnx/runtime";
import type { Gloss } from "@tollgate/local/sample/wordnet";
import { type Files, SEED } from "./data.ts";
import { lastJson, measure } from "./measure.ts";
import type { OursJob } from "./ours-child.ts";

export interface OursTrained {
  trainS: number;
  /** CPU seconds of the child during training (after module loading). */
  trainCpuS: number;
  specS: number;
  peakRssMb: number;
  vocabulary: number;
  modelPath: string;
  modelMb: number;
  validationAccuracy: number;
  training: Record<string, unknown>;
}

const CHILD = join(import.meta.dirname, "ours-child.ts");

/**
 * Trains in a child process on the prepared shards, the train shards listed `repeat` times
 * (the memory check streams the same shards 10×).
 */
export async function trainOurs(files: Files, labels: string[], repeat = 1): Promise<OursTrained> {
  const job: OursJob = {
    store: files.store,
    models: join(files.dir, `models-x${repeat}`),
    labels,
    train: Array.from({ length: repeat }, () => files.trainShards).flat(),
    validation: files.validationShards,
    counts: { train: files.counts.train * repeat, validation: files.counts.validation },
    seed: SEED,
  };
  const jobFile = join(files.dir, `ours-job-x${repeat}.json`);
  await writeFile(jobFile, JSON.stringify(job));
  const run = await measure(process.execPath, ["--import", "tsx", CHILD, jobFile]);
  const out = lastJson(run.stdout);
  const modelPath = join(job.models, String(out.modelKey));
  return {
    trainS: Number(out.trainS),
    trainCpuS: Number(out.trainCpuS),
    specS: Number(out.specS),
    peakRssMb: run.peakRssMb,
    vocabulary: Number(out.vocabulary),
    modelPath,
    modelMb: Number(out.sizeBytes) / 1e6,
    validationAccuracy: Number(out.validationAccuracy),
    training: (out.training ?? {}) as Record<string, unknown>,
  };
}

export interface OursScored {
  accuracy: number;
  macroF1: number;
  /** Median of 5 timed runs over the whole test set (after a warm-up batch). */
  predictS: number;
  predictDocsPerS: number;
  /** Test documents per CPU second of this process while predicting (less disturbed by other load). */
  predictDocsPerCpuS: number;
  p50Ms: number;
  p99Ms: number;
  loadS: number;
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) =>
  xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** Scores the test set in batches (the runtime's own batching), then single documents for latency. */
export async function scoreOurs(
  modelPath: string,
  test: Gloss[],
  labels: string[],
  singles = 2000,
): Promise<OursScored> {
  const bytes = new Uint8Array(await readFile(modelPath));
  const loadStart = performance.now();
  const classifier = await OnnxTextClassifier.load(bytes);
  const loadS = (performance.now() - loadStart) / 1000;
  try {
    const texts = test.map((g) => g.text);
    await classifier.predict(texts.slice(0, 256));
    const times: number[] = [];
    const cpu: number[] = [];
    let predicted: string[] = [];
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      const c = process.cpuUsage();
      predicted = (await classifier.predict(texts)).labels;
      const used = process.cpuUsage(c);
      times.push((performance.now() - t) / 1000);
      cpu.push((used.user + used.system) / 1e6);
    }
    const metrics = computeMetrics(
      test.map((g) => g.label),
      predicted,
      labels,
    );
    for (let i = 0; i < 200; i++) await classifier.predict([texts[i % texts.length]!]);
    const latencies: number[] = [];
    for (let i = 0; i < singles; i++) {
      const text = texts[(i * 7919) % texts.length]!;
      const t = performance.now();
      await classifier.predict([text]);
      latencies.push(performance.now() - t);
    }
    const predictS = median(times);
    return {
      accuracy: metrics.accuracy,
      macroF1: metrics.macroF1,
      predictS,
      predictDocsPerS: texts.length / predictS,
      predictDocsPerCpuS: texts.length / median(cpu),
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      loadS,
    };
  } finally {
    await classifier.release();
  }
}
