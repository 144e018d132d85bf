/**
 * `pnpm bench:train [--dataset <name>|all] [--quick] [--no-10x] [--peers a,b]`: tollgate's trainer
 * against scikit-learn (SGD, LogisticRegression), LIBLINEAR, Vowpal Wabbit and fastText, each
 * choosing its main hyperparameter on the same validation part and refitting on the whole 80%,
 * on several public labeled text collections (bench/train/datasets.ts). Installs its peers and
 * datasets first (bench/train/setup.sh). Progress on stderr; per dataset a table and ratios, then a
 * summary table, the targets, and one JSON line. See bench/README.md ("Training").
 */
import { spawnSync } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { loadDataset, TENFOLD, writeFiles, writeTenfoldShards } from "./train/data.ts";
import { DATASETS, datasetByName } from "./train/datasets.ts";
import { machine } from "./train/measure.ts";
import { scoreOurs, trainOurs } from "./train/ours.ts";
import { PEERS, type PeerResult, THREADS } from "./train/peers.ts";
import {
  type DatasetResult,
  jsonLine,
  oursSummary,
  summaryTable,
  table,
  targetLines,
  targets,
} from "./train/report.ts";

const { values: args } = parseArgs({
  options: {
    dataset: { type: "string", default: "all" },
    quick: { type: "boolean", default: false },
    "no-10x": { type: "boolean", default: false },
    peers: { type: "string" },
  },
});
const quick = args.quick;
const log = (line: string) => process.stderr.write(`${line}\n`);
const began = performance.now();
const elapsed = () => `${((performance.now() - began) / 1000).toFixed(1)} s`;

/** The commit of the trainer measured, "+dirty" when packages/core has uncommitted changes. */
function coreCommit(): string {
  const git = (a: string[]) => spawnSync("git", a, { encoding: "utf8" }).stdout?.trim() ?? "";
  const head = git(["rev-parse", "--short", "HEAD"]) || "unknown";
  return git(["status", "--porcelain", "--", "packages/core"]) ? `${head}+dirty` : head;
}

function setup(): void {
  const script = join(import.meta.dirname, "train", "setup.sh");
  const res = spawnSync("bash", [script], { stdio: ["ignore", "inherit", "inherit"] });
  if (res.status !== 0) {
    log("bench:train: the peers or datasets are not all installed (see MISSING above); nothing was measured.");
    process.exit(1);
  }
}

const fmt = (x: number, d = 2) => x.toFixed(d);
/** Peers that failed, as "dataset: peer: error" (listed in the output and the JSON line). */
const failed: string[] = [];

async function runDataset(name: string): Promise<DatasetResult> {
  const source = datasetByName(name);
  const ds = await loadDataset(source, quick ? 0.1 : 1);
  const dir = join(import.meta.dirname, ".data", "train", quick ? "quick" : "full", name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const files = await writeFiles(dir, ds);
  log(
    `\n== ${name}: ${source.title}. ${ds.rows} rows, ${ds.duplicates} duplicates dropped; train ${ds.train.length} ` +
      `(fit ${ds.fit.length} + validation ${ds.validation.length}), test ${ds.test.length}, ${ds.labels.length} labels [${elapsed()}]`,
  );
  const trained = await trainOurs(files, ds);
  log(
    `tollgate: trained in ${fmt(trained.trainS)} s (cpu ${fmt(trained.trainCpuS)} s; feature spec ${fmt(trained.specS)} s, ` +
      `${trained.vocabulary} terms, epochs ${String(trained.training.epochsRun)}), selection ` +
      `${JSON.stringify(trained.training.selection ?? null)}, peak RSS ${fmt(trained.peakRssMb, 0)} MB, model ${fmt(trained.modelMb)} MB [${elapsed()}]`,
  );
  const scored = await scoreOurs(trained.modelPath, files, ds, quick ? 500 : 2000);
  log(
    `tollgate: accuracy ${fmt(scored.accuracy, 4)}, macro-F1 ${fmt(scored.macroF1, 4)}, ${Math.round(scored.predictDocsPerS)} docs/s hot ` +
      `(${Math.round(scored.predictDocsPerCpuS)} per cpu s), p50 ${fmt(scored.p50Ms, 4)} ms; cold ${fmt(scored.predict_cold_s, 3)} s ` +
      `(start ${fmt(scored.predict_start_s, 3)} s) [${elapsed()}]`,
  );
  const peers: PeerResult[] = [];
  const only = args.peers?.split(",");
  for (const peer of PEERS) {
    if ((quick && peer.slow) || (only && !only.some((o) => peer.name.includes(o)))) continue;
    let p: PeerResult;
    try {
      p = await peer.run(files, ds.labels);
    } catch (err) {
      // One peer failing (or killed) must not lose the others' figures: it is reported, not measured.
      failed.push(`${name}: ${peer.name}: ${String(err).split("\n")[0]}`);
      log(`${peer.name}: FAILED (${String(err).split("\n")[0]}) [${elapsed()}]`);
      continue;
    }
    peers.push(p);
    log(
      `${p.name}: ${p.chosen} (validation ${JSON.stringify(p.scores)}), accuracy ${fmt(p.accuracy, 4)}, macro-F1 ${fmt(p.macroF1, 4)}, ` +
        `search ${fmt(p.search_s)} s + fit ${fmt(p.fit_s)} s, cpu ${fmt(p.cpu_s)} s, predict cold ${fmt(p.predict_cold_s, 3)} s ` +
        `(start ${fmt(p.predict_start_s, 3)} s), peak ${fmt(p.peak_rss_mb, 0)} MB [${elapsed()}]`,
    );
  }
  let x10: Awaited<ReturnType<typeof trainOurs>> | undefined;
  if (!args["no-10x"] && (name === "wordnet" || args.dataset !== "all")) {
    const keys = await writeTenfoldShards(files, ds);
    x10 = await trainOurs(files, ds, { keys, rows: files.counts.train * TENFOLD, tag: `x${TENFOLD}` });
    log(
      `tollgate ${TENFOLD}× distinct rows: trained in ${fmt(x10.trainS)} s (${x10.vocabulary} terms, cached ` +
        `${JSON.stringify(x10.training.cached)}), peak RSS ${fmt(x10.peakRssMb, 0)} MB vs ${fmt(trained.peakRssMb, 0)} MB [${elapsed()}]`,
    );
  }
  return {
    name,
    title: source.title,
    rows: { train: ds.train.length, test: ds.test.length, classes: ds.labels.length },
    ours: oursSummary(trained, scored, x10),
    peers,
  };
}

async function main() {
  setup();
  const before = machine();
  const core = coreCommit();
  log(`machine: ${before.nproc} × ${before.cpu}, load average ${before.load.join(" ")}; core at ${core}`);
  const names = args.dataset === "all" ? DATASETS.map((d) => d.name) : args.dataset.split(",");
  for (const n of names) datasetByName(n);
  const results: DatasetResult[] = [];
  for (const name of names) results.push(await runDataset(name));
  const after = machine();
  const checks = results.flatMap(targets);
  const extra = {
    sample: quick ? 0.1 : 1,
    threads: THREADS,
    core,
    machine: { nproc: before.nproc, cpu: before.cpu, load_before: before.load, load_after: after.load },
    targets: checks.map((t) => ({ dataset: t.dataset, name: t.name, holds: t.holds })),
    failed,
    wall_s: Number(((performance.now() - began) / 1000).toFixed(1)),
  };
  const dir = join(import.meta.dirname, ".data", "train", quick ? "quick" : "full");
  await writeFile(join(dir, "results.json"), `${JSON.stringify({ results, ...extra }, null, 2)}\n`);
  for (const d of results) {
    console.log(`\n${d.name}: ${d.title}${quick ? " (--quick: 10% sample)" : ""}`);
    console.log(table(d));
    for (const p of d.peers) console.log(`  ${p.name}: ${p.threads} thread(s); train s = ${p.includes}`);
    console.log(
      `  tollgate: 2 threads (the feature spec in one; a second thread fits half the selection's candidates, then the exact race's wide work, or on large data the refit beside the fit); train s = reading the shards, feature spec (writing the token handoff), the Train step (its rows from the handoff; selection, training, refit) and ONNX export, writing the model (module loading and the one-time bundle of the thread's modules not included); ` +
        `in-process ${d.ours.predict_docs_per_s} docs/s, p50 ${d.ours.p50_ms} ms, model ${d.ours.model_mb} MB, ` +
        `peak RSS ${d.ours.peak_rss_mb} MB${d.ours.rss_10x_ratio === null ? "" : ` (10× distinct data: ratio ${d.ours.rss_10x_ratio})`}`,
    );
  }
  console.log("\nSummary");
  console.log(summaryTable(results));
  console.log(
    `load average before ${before.load.join(" ")}, after ${after.load.join(" ")}; ${before.nproc} × ${before.cpu}`,
  );
  for (const f of failed) console.log(`FAILED (not measured): ${f}`);
  console.log(`targets:\n${targetLines(checks)}`);
  console.log(jsonLine(results, extra));
}

await main();
