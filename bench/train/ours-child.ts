/**
 * tollgate's training, run in a child process of `pnpm bench:train` so that its peak RSS is
 * measured like the peers'. It runs what the workflow runs after the split when the data fits one
 * Train child: the feature spec on the train shards, writing each shard's token ids to the store
 * (as the Preprocess step does: `FeatureSpecBuilder`, `HandoffWriter`), then what the single child
 * does (`steps/train-shard.ts`: the training rows read back from that handoff, `trainLinear`
 * choosing its hyperparameters on the validation shards and early-stopping there) and what Export
 * does (`exportOnnx`, the model written to the model store).
 * Usage: `node --import tsx bench/train/ours-child.ts <job.json>`.
 * Prints one JSON line: timings (after module loading), vocabulary, model key and size.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { CuratedRow } from "@tollgate/core/contracts";
import { readJsonLines } from "@tollgate/core/json-lines-reader";
import { logger } from "@tollgate/core/logger";
import { FeatureSpecBuilder } from "@tollgate/core/ml/feature-spec";
import { exportOnnx } from "@tollgate/core/ml/onnx/export";
import { trainLinear } from "@tollgate/core/ml/trainer";
import { HandoffWriter, handoffKeys, handoffRows } from "@tollgate/core/steps/handoff";
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
  const mainCpu = mainThreadCpuS();
  const featureSpecKey = `prepared/bench-${process.pid}/features.json`;
  const builder = new FeatureSpecBuilder(job.labels);
  const handoff = new HandoffWriter(job.labels, handoffKeys(featureSpecKey));
  for (const [index, key] of job.train.entries()) {
    handoff.begin();
    for await (const row of readJsonLines(data, [key], CuratedRow)) handoff.row(row.label, builder.add(row));
    await handoff.endShard(data, index, key, builder.tokens.length);
  }
  await handoff.finish(data, builder.tokens);
  const spec = builder.build();
  const specDone = performance.now();
  const rows = (keys: string[]) => () => readJsonLines(data, keys, CuratedRow);
  const items = job.train.map((key, index) => ({ index, key, rows: 0 }));
  const train = await handoffRows(data, featureSpecKey, items, spec.labels, logger);
  if (!train) throw new Error("bench: the token handoff was not usable (see the log line above)");
  const fit = await trainLinear(spec, train, rows(job.validation), { seed: job.seed, selection: true });
  const onnx = exportOnnx(fit.model);
  const modelKey = `models/${job.modelName}/bench-${process.pid}/model.onnx`;
  await models.put(modelKey, onnx);
  const done = performance.now();
  const used = process.cpuUsage(cpu);
  await data.delete(await data.list(`prepared/bench-${process.pid}/`));
  const line = {
    specS: (specDone - started) / 1000,
    trainS: (done - started) / 1000,
    trainCpuS: (used.user + used.system) / 1e6,
    mainCpuS: mainThreadCpuS() - mainCpu,
    vocabulary: spec.vocabulary.length,
    modelKey,
    sizeBytes: onnx.byteLength,
    validationAccuracy: fit.validation.accuracy,
    training: { ...fit.params, selection: fit.selection },
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** CPU seconds of this process's main thread alone (Linux: /proc; its worker threads not counted), or NaN. */
function mainThreadCpuS(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

await main(process.argv[2] ?? "");
