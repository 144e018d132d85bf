/**
 * tollgate's training, run in a child process of `pnpm bench:train` so that its peak RSS is
 * measured like the peers'. It runs what the workflow runs after the split when the data fits one
 * Train child: `buildFeatureSpec` on the train shards (as the Preprocess step does), then what the
 * single child does (`steps/train-shard.ts`: `trainLinear` choosing its hyperparameters on the
 * validation shards and early-stopping there) and what Export does (`exportOnnx`, the model
 * written to the model store). Usage: `node --import tsx bench/train/ours-child.ts <job.json>`.
 * Prints one JSON line: timings (after module loading), vocabulary, model key and size.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { CuratedRow } from "@tollgate/core/contracts";
import { readJsonLines } from "@tollgate/core/json-lines";
import { buildFeatureSpec } from "@tollgate/core/ml/feature-spec";
import { exportOnnx } from "@tollgate/core/ml/onnx/export";
import { trainLinear } from "@tollgate/core/ml/trainer";
import { FolderObjectStore } from "@tollgate/local/stores/object-store";

export interface OursJob {
  store: string;
  models: string;
  modelName: string;
  labels: string[];
  train: string[];
  validation: string[];
  counts: { train: number; validation: number };
  seed: number;
}

async function main(jobFile: string) {
  const job = JSON.parse(readFileSync(jobFile, "utf8")) as OursJob;
  const data = new FolderObjectStore(job.store);
  const models = new FolderObjectStore(job.models);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const spec = await buildFeatureSpec(readJsonLines(data, job.train, CuratedRow), job.labels);
  const specDone = performance.now();
  const rows = (keys: string[]) => () => readJsonLines(data, keys, CuratedRow);
  const fit = await trainLinear(spec, rows(job.train), rows(job.validation), { seed: job.seed, selection: true });
  const onnx = exportOnnx(fit.model);
  const modelKey = `models/${job.modelName}/bench-${process.pid}/model.onnx`;
  await models.put(modelKey, onnx);
  const done = performance.now();
  const used = process.cpuUsage(cpu);
  const line = {
    specS: (specDone - started) / 1000,
    trainS: (done - started) / 1000,
    trainCpuS: (used.user + used.system) / 1e6,
    vocabulary: spec.vocabulary.length,
    modelKey,
    sizeBytes: onnx.byteLength,
    validationAccuracy: fit.validation.accuracy,
    training: { ...fit.params, selection: fit.selection },
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

await main(process.argv[2] ?? "");
