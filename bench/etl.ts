/**
 * `pnpm bench:etl [--factors 1,10,100] [--spark 1] [--workers N]`: the local ETL runner on one
 * JSON Lines file of N× WordNet 3.1 glosses (N = 1, 10, 100: 117,791 to 11.8M rows, 13 MB to
 * 1.4 GB), and the Glue job (jobs/, under local pyspark) on the sizes in `--spark`, side by side.
 * Prints rows/s and the peak RSS per run, whether the memory stays flat as the file grows, and
 * that both produce the same dataset version. Ends with one JSON line. See bench/README.md ("ETL").
 *
 * The N× file: copy c of every gloss (c = 0..N-1) is the gloss followed by " [c]" (copy 0 is the
 * gloss itself), so every row is distinct and de-duplication keeps them all; rows are interleaved
 * copy by copy, deterministically. Files are cached in bench/.data/etl/.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readWordnetGlosses } from "@tollgate/local/sample/wordnet";
import { lastJson, machine, measure } from "./train/measure.ts";

const { values } = parseArgs({
  options: {
    factors: { type: "string", default: "1,10,100" },
    spark: { type: "string", default: "1" },
    workers: { type: "string" },
  },
});
const factors = values.factors.split(",").map(Number);
const sparkFactors = values.spark ? values.spark.split(",").map(Number) : [];
const REPO = join(import.meta.dirname, "..");
const DATA = join(import.meta.dirname, ".data", "etl");
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Writes (once) the N× file; returns its path, rows and bytes. */
async function corpus(factor: number): Promise<{ root: string; rows: number; bytes: number }> {
  const root = join(DATA, `x${factor}`);
  const file = join(root, "raw", "wordnet", "wordnet.jsonl");
  const done = join(root, "rows.txt");
  if (existsSync(done)) return { root, rows: Number(readFileSync(done, "utf8")), bytes: statSync(file).size };
  mkdirSync(join(root, "raw", "wordnet"), { recursive: true });
  const glosses = await readWordnetGlosses();
  const out = await open(file, "w");
  for (let c = 0; c < factor; c++) {
    const suffix = c === 0 ? "" : ` [${c}]`;
    await out.write(glosses.map((g) => `${JSON.stringify({ text: g.text + suffix, label: g.label })}\n`).join(""));
  }
  await out.close();
  writeFileSync(done, String(glosses.length * factor));
  return { root, rows: glosses.length * factor, bytes: statSync(file).size };
}

function etlArgs(root: string, tool: string): string[] {
  const args = {
    store_root: root,
    run_id: `bench-${tool}`,
    dataset: "wordnet",
    raw_prefix: "raw/wordnet/",
    curated_prefix: `out-${tool}/curated/`,
    quarantine_prefix: `out-${tool}/quarantine/`,
    manifest_key: `out-${tool}/manifest.json`,
  };
  return Object.entries(args).flatMap(([k, v]) => [`--${k}`, v]);
}

interface Run {
  tool: "ours" | "spark";
  factor: number;
  rows: number;
  mb: number;
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  rowsPerS: number;
  version: string;
  shards: number;
}

async function run(tool: Run["tool"], factor: number): Promise<Run> {
  const { root, rows, bytes } = await corpus(factor);
  rmSync(join(root, `out-${tool}`), { recursive: true, force: true });
  log(`${tool} ${factor}×: ${rows} rows, ${(bytes / 2 ** 20).toFixed(0)} MB …`);
  const m =
    tool === "ours"
      ? await measure(
          process.execPath,
          [
            "--import",
            "tsx",
            "scripts/etl-local.ts",
            ...etlArgs(root, tool),
            ...(values.workers ? ["--workers", values.workers] : []),
          ],
          { env: { ...process.env, TOLLGATE_LOG_LEVEL: "info" } },
        )
      : await measure(join(REPO, "jobs", ".venv", "bin", "python"), ["jobs/etl_job.py", ...etlArgs(root, tool)], {
          env: {
            ...process.env,
            PYTHONPATH: join(REPO, "jobs"),
            PYSPARK_PYTHON: join(REPO, "jobs", ".venv", "bin", "python"),
          },
        });
  for (const line of m.stderr.split("\n").filter((l) => l.includes('"etl phase"'))) {
    const { phase, ms, rssMb } = JSON.parse(line) as { phase: string; ms: number; rssMb: number };
    log(`  ${phase}: ${(ms / 1000).toFixed(1)} s, RSS ${rssMb} MB at its end`);
  }
  const manifest = lastJson(m.stdout) as { datasetVersion: string; counts: { read: number }; shards: unknown[] };
  if (manifest.counts.read !== rows)
    throw new Error(`${tool} ${factor}×: read ${manifest.counts.read} rows of ${rows}`);
  rmSync(join(root, `out-${tool}`), { recursive: true, force: true });
  return {
    tool,
    factor,
    rows,
    mb: Math.round(bytes / 2 ** 20),
    wallS: Number(m.wallS.toFixed(1)),
    cpuS: Number(m.cpuS.toFixed(1)),
    peakRssMb: Math.round(m.peakRssMb),
    rowsPerS: Math.round(rows / m.wallS),
    version: manifest.datasetVersion,
    shards: manifest.shards.length,
  };
}

async function main() {
  const before = machine();
  log(`machine: ${before.nproc} × ${before.cpu}, load average ${before.load.join(" ")}`);
  if (sparkFactors.length > 0) {
    const setup = await measure("bash", [join(REPO, "jobs", "setup.sh")]);
    if (setup.stderr.includes("rror")) log(setup.stderr);
  }
  const runs: Run[] = [];
  for (const factor of factors) runs.push(await run("ours", factor));
  for (const factor of sparkFactors) runs.push(await run("spark", factor));
  const after = machine();

  log("");
  log("tool   size   rows        MB     wall s  cpu s  rows/s     peak RSS MB  shards");
  for (const r of runs) {
    log(
      `${r.tool.padEnd(6)} ${`${r.factor}×`.padEnd(6)} ${String(r.rows).padEnd(11)} ${String(r.mb).padEnd(6)} ` +
        `${String(r.wallS).padEnd(7)} ${String(r.cpuS).padEnd(6)} ${String(r.rowsPerS).padEnd(10)} ${String(r.peakRssMb).padEnd(12)} ${r.shards}`,
    );
  }
  const ours = runs.filter((r) => r.tool === "ours");
  const [small, large] = [ours[0], ours[ours.length - 1]];
  if (small && large && large !== small) {
    log(
      `\nmemory: ${large.factor}× the data (${large.mb} MB) peaks at ${large.peakRssMb} MB, ${small.factor}× at ${small.peakRssMb} MB ` +
        `(ratio ${(large.peakRssMb / small.peakRssMb).toFixed(2)} for ${(large.rows / small.rows).toFixed(0)}× the rows)`,
    );
  }
  const ratios: Record<string, unknown> = {};
  for (const s of runs.filter((r) => r.tool === "spark")) {
    const o = ours.find((r) => r.factor === s.factor);
    if (!o) continue;
    const same = o.version === s.version;
    ratios[`x${s.factor}`] = { wall: Number((o.wallS / s.wallS).toFixed(2)), sameVersion: same };
    log(
      `${s.factor}×: ours / spark wall ${(o.wallS / s.wallS).toFixed(2)}; same dataset version: ${same ? "yes" : "NO"}`,
    );
    if (!same) process.exitCode = 1;
  }
  log(`load average before ${before.load.join(" ")}, after ${after.load.join(" ")}`);
  process.stdout.write(
    `${JSON.stringify({ bench: "etl", machine: { ...before, loadAfter: after.load }, runs, ratios })}\n`,
  );
}

await main();
