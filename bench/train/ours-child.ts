/**
 * tollgate's training, run in a child process of `pnpm bench:train` so that its peak RSS is
 * measured like the peers'. It runs what the workflow runs after the split: `buildFeatureSpec` on
 * the train shards (as the Preprocess step does), then the Train step itself (`steps/train.ts`:
 * `trainLinear` with early stopping on the validation shards, `exportOnnx`, model and card written
 * to the model store). Usage: `node --import tsx bench/train/ours-child.ts <job.json>`.
 * Prints one JSON line: timings (after module loading), vocabulary, model key and size.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { CuratedRow, type ModelVersionRecord } from "@tollgate/core/contracts";
import { readJsonLines } from "@tollgate/core/json-lines";
import { buildFeatureSpec } from "@tollgate/core/ml/feature-spec";
import type { Registry } from "@tollgate/core/ports";
import { train } from "@tollgate/core/steps/train";
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

/** Only `putModelVersion` is used by the Train step; the rest is never called here. */
function memoryRegistry(): Registry {
  const versions: ModelVersionRecord[] = [];
  const unused = () => Promise.reject(new Error("not used by the benchmark"));
  return {
    putModelVersion: async (r) => void versions.push(r),
    getModelVersion: async (_m, v) => versions.find((r) => r.version === v),
    listModelVersions: async () => versions.slice().reverse(),
    setModelStatus: unused,
    getLive: async () => undefined,
    swapLive: unused,
    putRun: async () => undefined,
    getRun: async () => undefined,
  };
}

async function main(jobFile: string) {
  const job = JSON.parse(readFileSync(jobFile, "utf8")) as OursJob;
  const data = new FolderObjectStore(job.store);
  const ports = { data, models: new FolderObjectStore(job.models), registry: memoryRegistry() };
  const started = performance.now();
  const cpu = process.cpuUsage();
  const spec = await buildFeatureSpec(readJsonLines(data, job.train, CuratedRow), job.labels);
  const featureSpecKey = `prepared/features-${process.pid}.json`;
  await data.put(featureSpecKey, JSON.stringify(spec));
  const specDone = performance.now();
  const out = await train(ports, {
    runId: `bench-${process.pid}`,
    modelName: job.modelName,
    seed: job.seed,
    prepared: {
      datasetVersion: job.modelName,
      splits: { train: job.train, validation: job.validation, test: [] },
      counts: { ...job.counts, test: 0 },
      classes: job.labels.length,
      featureSpecKey,
    },
  });
  const done = performance.now();
  const used = process.cpuUsage(cpu);
  const card = JSON.parse(new TextDecoder().decode(await ports.models.get(out.cardKey))) as {
    training?: Record<string, unknown>;
  };
  const line = {
    specS: (specDone - started) / 1000,
    trainS: (done - started) / 1000,
    trainCpuS: (used.user + used.system) / 1e6,
    vocabulary: spec.vocabulary.length,
    modelKey: out.modelKey,
    sizeBytes: out.sizeBytes,
    validationAccuracy: out.validationAccuracy,
    training: card.training ?? {},
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

await main(process.argv[2] ?? "");
