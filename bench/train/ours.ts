/**
 * tollgate's side of `pnpm bench:train`: training in a child process (ours-child.ts, under GNU
 * time), then scoring of the exported ONNX model through onnxruntime-node — in this process (hot:
 * batched docs/s and single-document latency) and in a fresh process like every peer (cold).
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { computeMetrics } from "@tollgate/core/ml/metrics";
import { OnnxTextClassifier } from "@tollgate/core/ml/onnx/runtime";
import { workersReady } from "@tollgate/core/ml/threads";
import { type Dataset, type Files, SEED } from "./data.ts";
import { lastJson, measure } from "./measure.ts";
import type { OursJob } from "./ours-child.ts";
import { predictCold } from "./peers.ts";

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
const PREDICT = join(import.meta.dirname, "ours-predict.ts");

/** Trains in a child process on the given train shards (default: the `fit` shards), validating on the validation shards. */
export async function trainOurs(
  files: Files,
  ds: Dataset,
  train = { keys: files.trainShards, rows: files.counts.train, tag: "x1" },
): Promise<OursTrained> {
  const job: OursJob = {
    store: files.store,
    models: join(files.dir, `models-${train.tag}`),
    modelName: ds.name,
    labels: ds.labels,
    train: train.keys,
    validation: files.validationShards,
    counts: { train: train.rows, validation: files.counts.validation },
    seed: SEED,
  };
  const jobFile = join(files.dir, `ours-job-${train.tag}.json`);
  await writeFile(jobFile, JSON.stringify(job));
  // The trainer's threads boot from a bundle of their modules, built once per install (a fresh
  // clone's first training would wait for esbuild): built here first, like an install step.
  await workersReady();
  const run = await measure(process.execPath, ["--import", "tsx", CHILD, jobFile]);
  const out = lastJson(run.stdout);
  return {
    trainS: Number(out.trainS),
    trainCpuS: Number(out.trainCpuS),
    specS: Number(out.specS),
    peakRssMb: run.peakRssMb,
    vocabulary: Number(out.vocabulary),
    modelPath: join(job.models, String(out.modelKey)),
    modelMb: Number(out.sizeBytes) / 1e6,
    validationAccuracy: Number(out.validationAccuracy),
    training: (out.training ?? {}) as Record<string, unknown>,
  };
}

export interface OursScored {
  accuracy: number;
  macroF1: number;
  /** In this process: median of 5 timed runs over the whole test set (after a warm-up batch). */
  predictS: number;
  predictDocsPerS: number;
  /** Test documents per CPU second of this process while predicting (less disturbed by other load). */
  predictDocsPerCpuS: number;
  p50Ms: number;
  p99Ms: number;
  loadS: number;
  /** In a fresh process, as the peers (see `predictCold`). */
  predict_cold_s: number;
  predict_start_s: number;
  predict_hot_s: number;
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) =>
  xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** Scores the test set in batches (the runtime's own batching), then single documents for latency, then cold. */
export async function scoreOurs(modelPath: string, files: Files, ds: Dataset, singles = 2000): Promise<OursScored> {
  const bytes = new Uint8Array(await readFile(modelPath));
  const loadStart = performance.now();
  const classifier = await OnnxTextClassifier.load(bytes);
  const loadS = (performance.now() - loadStart) / 1000;
  const texts = ds.test.map((g) => g.text);
  let hot: Omit<OursScored, "predict_cold_s" | "predict_start_s" | "predict_hot_s">;
  try {
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
      ds.test.map((g) => g.label),
      predicted,
      ds.labels,
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
    hot = {
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
  const out = join(files.dir, "ours.preds");
  const cold = await predictCold((one) =>
    measure(process.execPath, ["--import", "tsx", PREDICT, modelPath, one ? files.oneText : files.testText, out]),
  );
  return { ...hot, ...cold };
}
