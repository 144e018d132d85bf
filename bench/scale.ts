/**
 * `pnpm bench:scale [--factor N] [--shards K] [--files F] [--spec-sample-rows R] [--single] [--data DIR]`: the whole local workflow
 * (upload → Etl → Preprocess → Select → Train Map ⇄ Merge → Export → Evaluate Map → Score → Gate →
 * Promote) on a corpus N× WordNet 3.1 (default N = 100: ~11.8M rows, > 1 GB), written once by
 * bench/scale/corpus.ts (seeded word-level perturbations; every copy of a gloss in its gloss's
 * split, so the test score measures unseen glosses, not near-duplicates).
 *
 * - `--shards K`: K children per Map (rowsPerChild = ⌈curated rows / K⌉); default: the settings'
 *   rowsPerChild (1M rows a child).
 * - `--spec-sample-rows R`: training rows Preprocess counts the spec on itself (default: the
 *   settings', 1M); a corpus with more takes the CountTerms → MergeTerms → SelectTerms path (100×
 *   does; `--spec-sample-rows 100000` sends 10× there too).
 * - `--data DIR`: where corpora are cached (default bench/.data/scale); `--corpus-only` writes the
 *   corpus and stops (100×: ~1.2 GB, several minutes: write it ahead of a timed run).
 * - `--single`: also trains the single-child model on the same data (a second run with one child:
 *   `run --force` with rowsPerChild = ∞) and prints its accuracy beside the sharded one. Default:
 *   on for N ≤ 10 (a single child on 100× WordNet is what the Maps exist to avoid: record its
 *   accuracy from the 10× run, docs/scale.md).
 *
 * Prints, per stage, its seconds and rows/s (from the execution history), the peak RSS of every
 * process (this one and each Map Run or ETL worker, sampled from /proc: VmHWM), and ends with one
 * JSON line. Corpora are cached in bench/.data/scale/. See bench/README.md ("Scale").
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openTollgate, type Tollgate } from "@tollgate/local/app";
import { writeCorpus } from "./scale/corpus.ts";
import { machine } from "./train/measure.ts";

const { values } = parseArgs({
  options: {
    factor: { type: "string", default: "100" },
    shards: { type: "string" },
    files: { type: "string", default: "10" },
    seed: { type: "string", default: "42" },
    single: { type: "boolean" },
    "spec-sample-rows": { type: "string" },
    data: { type: "string" },
    "corpus-only": { type: "boolean" },
  },
});
const factor = Number(values.factor);
const single = values.single ?? factor <= 10;
const DATA = values.data ?? join(import.meta.dirname, ".data", "scale");
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Peak RSS (VmHWM) of this process and every descendant seen, sampled until stopped. */
function rssSampler(everyMs = 200) {
  const peaks = new Map<number, { name: string; mb: number }>();
  const kids = (pid: number): number[] => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const sample = () => {
    const stack = [process.pid];
    while (stack.length > 0) {
      const pid = stack.pop() as number;
      try {
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        const mb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
        const name = pid === process.pid ? "bench (engine, inline steps, ETL)" : (cmd.at(-1) ?? String(pid));
        if (mb > (peaks.get(pid)?.mb ?? 0)) peaks.set(pid, { name: `${name.split("/").pop()} [${pid}]`, mb });
      } catch {}
      stack.push(...kids(pid));
    }
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      sample();
      clearInterval(timer);
      return [...peaks.values()].sort((a, b) => b.mb - a.mb);
    },
  };
}

interface Stage {
  seconds: number;
  entries: number;
}

/** Seconds in each top-level state (summed over its entries: Train and Merge run once a round). */
function stagesOf(tg: Tollgate, run: string): Record<string, Stage> {
  const stages: Record<string, Stage> = {};
  let open: { name: string; at: number } | undefined;
  for (const e of tg.stores.executions.history(run)) {
    const entered = e.stateEnteredEventDetails as { name: string } | undefined;
    const exited = e.stateExitedEventDetails as { name: string } | undefined;
    if (entered) open = { name: entered.name, at: Date.parse(e.timestamp) };
    if (exited && open?.name === exited.name) {
      stages[exited.name] ??= { seconds: 0, entries: 0 };
      const stage = stages[exited.name] as Stage;
      stage.seconds += (Date.parse(e.timestamp) - open.at) / 1000;
      stage.entries++;
      open = undefined;
    }
  }
  return stages;
}

async function runOnce(tg: Tollgate, name: string, sources: string[], force: boolean) {
  const input = {
    dataset: "wordnet",
    modelName: "wordnet",
    gate: { minAccuracy: 0.5, minGain: -1 },
    seed: 42,
    sources,
    force,
  };
  let lastMap = "";
  const execution = await (
    await tg.workflow.start(name, input, {
      onMapRun: (r) => {
        const line = `${r.mapRunArn.split(":").at(-2)} ${r.itemCounts.succeeded}/${r.itemCounts.total}`;
        if (line !== lastMap) log(`  map run ${line}`);
        lastMap = line;
      },
    })
  ).done;
  if (execution.status !== "SUCCEEDED")
    throw new Error(`${name}: ${execution.status} ${execution.error}: ${execution.cause}`);
  return JSON.parse(execution.output ?? "{}");
}

const started = performance.now();
const corpus = await writeCorpus(DATA, { factor, seed: Number(values.seed), files: Number(values.files) });
log(
  `corpus ${corpus.dir}: ${corpus.rows} rows, ${(corpus.bytes / 2 ** 20).toFixed(0)} MiB in ${corpus.files.length} files (${corpus.seconds.toFixed(0)} s to write once)`,
);
if (values["corpus-only"]) process.exit(0);
const home = await mkdtemp(join(tmpdir(), "tollgate-bench-scale-"));
const rowsPerChild = values.shards ? Math.ceil(corpus.rows / Number(values.shards)) : undefined;
const specSampleRows = values["spec-sample-rows"] ? Number(values["spec-sample-rows"]) : undefined;
const scale = { ...(rowsPerChild ? { rowsPerChild } : {}), ...(specSampleRows ? { specSampleRows } : {}) };
const sampler = rssSampler();
const tg = openTollgate({ home, scale });
const wallStart = performance.now();
const uploadStart = performance.now();
const sources: string[] = [];
for (const file of corpus.files) {
  const key = `raw/wordnet/${file.split("/").pop()}`;
  await tg.portsFor("bench").data.put(key, await readFile(file));
  sources.push(key);
}
const uploadS = (performance.now() - uploadStart) / 1000;
log(
  `uploaded in ${uploadS.toFixed(1)} s; running the workflow (${rowsPerChild ? `${rowsPerChild} rows a child` : "default fan-out"})`,
);
const out = await runOnce(tg, "scale", sources, false);
const wallS = (performance.now() - wallStart) / 1000;
const stages = stagesOf(tg, "scale");
const peaks = sampler.stop();
const prepared = out.prepared as {
  counts: { train: number; validation: number; test: number };
  fanOut: { children: number };
};
const trainRows = Math.round(corpus.rows * 0.8);
const rounds = (out.trained?.rounds as number | undefined) ?? 1;
const rowsOf: Record<string, number> = {
  Etl: corpus.rows,
  CountTerms: corpus.rows,
  Preprocess: prepared.counts.train + prepared.counts.validation + prepared.counts.test,
  Train: trainRows * rounds,
  Evaluate: Math.round(corpus.rows * 0.1),
};
log("\nstage          seconds  entries     rows/s");
const stageJson: Record<string, { s: number; rows_per_s?: number }> = { upload: { s: Number(uploadS.toFixed(1)) } };
for (const [name, stage] of Object.entries(stages)) {
  const rows = rowsOf[name];
  const rate = rows ? Math.round(rows / stage.seconds) : undefined;
  log(
    `${name.padEnd(14)} ${stage.seconds.toFixed(1).padStart(7)} ${String(stage.entries).padStart(8)} ${rate ? String(rate).padStart(10) : ""}`,
  );
  stageJson[name] = { s: Number(stage.seconds.toFixed(1)), ...(rate ? { rows_per_s: rate } : {}) };
}
log("\npeak RSS per process (MB)");
for (const p of peaks.slice(0, 12)) log(`  ${p.mb.toFixed(0).padStart(6)}  ${p.name}`);
const accuracy = out.evaluation.accuracy as number;
log(`\nsharded: ${prepared.fanOut.children} children, ${rounds} round(s), test accuracy ${accuracy.toFixed(4)}`);

let accuracySingle: number | null = null;
if (single) {
  tg.close();
  const one = openTollgate({ home, scale: { ...scale, rowsPerChild: 1_000_000_000 } });
  const outSingle = await runOnce(one, "scale-single", [], true);
  accuracySingle = outSingle.evaluation.accuracy as number;
  const s = stagesOf(one, "scale-single");
  log(
    `single child: Train ${s.Train?.seconds.toFixed(1)} s, test accuracy ${accuracySingle.toFixed(4)} (sharded − single = ${(accuracy - accuracySingle).toFixed(4)})`,
  );
  one.close();
} else tg.close();
log(`machine ${JSON.stringify(machine())}; home ${home} (${readdirSync(home).length} entries, delete when done)`);
log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(
  JSON.stringify({
    bench: "scale",
    docs: corpus.rows,
    bytes: corpus.bytes,
    shards: prepared.fanOut.children,
    wall_s: Number(wallS.toFixed(1)),
    stages: stageJson,
    peak_rss_mb: Math.round(peaks[0]?.mb ?? 0),
    accuracy,
    accuracy_single: accuracySingle,
  }),
);
