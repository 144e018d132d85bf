/**
 * `pnpm bench:train [--quick] [--no-10x]`: tollgate's trainer against fastText, Vowpal Wabbit,
 * scikit-learn and LIBLINEAR on WordNet 3.1 glosses → 45 supersenses, same split, same run.
 * Installs its peers first (bench/train/setup.sh). Prints progress on stderr, then a table, the
 * targets, and ends with one JSON line. `--quick`: a 10% stratified sample, slow peers left out.
 * See bench/README.md ("Training").
 */
import { spawnSync } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadDataset, writeFiles } from "./train/data.ts";
import { machine } from "./train/measure.ts";
import { scoreOurs, trainOurs } from "./train/ours.ts";
import { PEERS, type PeerResult } from "./train/peers.ts";
import { jsonLine, oursSummary, table, targetLines, targets } from "./train/report.ts";

const quick = process.argv.includes("--quick");
const with10x = !process.argv.includes("--no-10x");
const log = (line: string) => process.stderr.write(`${line}\n`);
const began = performance.now();
const elapsed = () => `${((performance.now() - began) / 1000).toFixed(1)} s`;

/** The commit of the trainer measured, "+dirty" when packages/core has uncommitted changes. */
function coreCommit(): string {
  const git = (args: string[]) => spawnSync("git", args, { encoding: "utf8" }).stdout?.trim() ?? "";
  const head = git(["rev-parse", "--short", "HEAD"]) || "unknown";
  return git(["status", "--porcelain", "--", "packages/core"]) ? `${head}+dirty` : head;
}

function setup(): void {
  const script = join(import.meta.dirname, "train", "setup.sh");
  const res = spawnSync("bash", [script], { stdio: ["ignore", "inherit", "inherit"] });
  if (res.status !== 0) {
    log("bench:train: the peers are not all installed (see MISSING above); nothing was measured.");
    process.exit(1);
  }
}

async function main() {
  setup();
  const before = machine();
  const core = coreCommit();
  log(`machine: ${before.nproc} × ${before.cpu}, load average ${before.load.join(" ")}; core at ${core}`);
  const ds = await loadDataset(quick ? 0.1 : 1);
  const dir = join(import.meta.dirname, ".data", "train", quick ? "quick" : "full");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const files = await writeFiles(dir, ds);
  log(
    `data: ${ds.glosses} glosses, ${ds.duplicates} exact duplicate texts dropped; train ${ds.train.length} ` +
      `(tollgate: ${files.counts.train} train + ${files.counts.validation} validation), test ${ds.test.length}, ` +
      `${ds.labels.length} labels [${elapsed()}]`,
  );

  const trained = await trainOurs(files, ds.labels);
  log(
    `tollgate: trained in ${trained.trainS.toFixed(2)} s (cpu ${trained.trainCpuS.toFixed(2)} s; feature spec ${trained.specS.toFixed(2)} s, ` +
      `${trained.vocabulary} terms, epochs ${String(trained.training.epochsRun)}, best ${String(trained.training.bestEpoch)}, ` +
      `cached ${JSON.stringify(trained.training.cached)}), ` +
      `peak RSS ${trained.peakRssMb.toFixed(0)} MB, model ${trained.modelMb.toFixed(2)} MB [${elapsed()}]`,
  );
  const scored = await scoreOurs(trained.modelPath, ds.test, ds.labels, quick ? 500 : 2000);
  log(
    `tollgate: accuracy ${scored.accuracy.toFixed(4)}, ${Math.round(scored.predictDocsPerS)} docs/s ` +
      `(${Math.round(scored.predictDocsPerCpuS)} per cpu s), ` +
      `p50 ${scored.p50Ms.toFixed(4)} ms, p99 ${scored.p99Ms.toFixed(4)} ms [${elapsed()}]`,
  );

  const peers: PeerResult[] = [];
  const skipped: string[] = [];
  for (const peer of PEERS) {
    if (quick && peer.slow) {
      skipped.push(peer.name);
      continue;
    }
    const result = await peer.run(files, ds.labels);
    peers.push(result);
    log(
      `${peer.name}: accuracy ${result.accuracy.toFixed(4)}, train ${result.train_s.toFixed(2)} s, ` +
        `predict ${result.predict_s.toFixed(3)} s, peak ${result.peak_rss_mb.toFixed(0)} MB, cpu ${result.cpu_s.toFixed(2)} s` +
        `${result.note ? ` (${result.note})` : ""} [${elapsed()}]`,
    );
  }

  const x10 = with10x ? await trainOurs(files, ds.labels, 10) : undefined;
  if (x10) {
    log(
      `tollgate 10×: trained in ${x10.trainS.toFixed(2)} s (${x10.vocabulary} terms, epochs ${String(x10.training.epochsRun)}, ` +
        `cached ${JSON.stringify(x10.training.cached)}), ` +
        `peak RSS ${x10.peakRssMb.toFixed(0)} MB vs ${trained.peakRssMb.toFixed(0)} MB [${elapsed()}]`,
    );
  }
  if (x10 && x10.vocabulary !== trained.vocabulary) {
    log(
      `note: the 10× feature spec keeps ${x10.vocabulary} terms vs ${trained.vocabulary} (every repeated term reaches ` +
        "minDf): the model itself grows, so the ratio overstates the data's share (the full set hits maxFeatures in both)",
    );
  }
  const after = machine();
  const ours = oursSummary(trained, scored, x10);
  const checks = targets(ours, peers);
  const extra = {
    sample: quick ? 0.1 : 1,
    rows: { train: ds.train.length, test: ds.test.length },
    skipped,
    core,
    machine: { nproc: before.nproc, cpu: before.cpu, load_before: before.load, load_after: after.load },
    targets: Object.fromEntries(checks.map((t) => [t.name, t.holds])),
  };
  const detail = { ours, trained, scored, x10, peers, ...extra, wallS: (performance.now() - began) / 1000 };
  await writeFile(join(dir, "results.json"), `${JSON.stringify(detail, null, 2)}\n`);

  console.log(`\nWordNet 3.1 glosses → 45 supersenses${quick ? " (--quick: 10% sample)" : ""}`);
  console.log(table(ours, peers));
  if (skipped.length) console.log(`skipped by --quick (slowest to start): ${skipped.join(", ")}`);
  for (const p of peers) if (p.note) console.log(`note: ${p.name}: ${p.note}`);
  console.log(
    `tollgate: ${ours.predict_docs_per_s} docs/s batched (${Math.round(scored.predictDocsPerCpuS)} per cpu s), p50 ${ours.p50_ms} ms single, model ${ours.model_mb} MB, ` +
      `peak RSS ${ours.peak_rss_mb} MB (10×: ${x10 ? `${x10.peakRssMb.toFixed(1)} MB, ratio ${ours.rss_10x_ratio}` : "not run"})`,
  );
  console.log(
    `load average before ${before.load.join(" ")}, after ${after.load.join(" ")}; ${before.nproc} × ${before.cpu}`,
  );
  console.log(`targets:\n${targetLines(checks)}`);
  console.log(jsonLine("wordnet31-45", ours, peers, extra));
}

await main();
