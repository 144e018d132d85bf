/**
 * `pnpm bench:predict-file [--rows N]`: `tollgate predict --file` from file to file on N rows
 * (default 1,000,000) of the synthetic topics texts, JSON Lines and CSV, as a user runs it (a child
 * `tollgate` process: start-up, model load, read, score, write). Beside it, the same read and write
 * without scoring (a copy through the same parser and writer: this machine's ceiling for the file
 * part). Prints wall seconds, rows/s, CPU seconds and peak memory (from /usr/bin/time), the ratio
 * ours / ceiling, and ends with one JSON line. The model is trained once by the real workflow
 * into bench/.data/predict-topics/.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";
import { scoreFile } from "../packages/cli/src/batch/score-file.ts";
import { openTollgate } from "../packages/local/src/app.ts";
import { fixtureGate, topicRows } from "../test/helpers/topics.ts";

const { values: args } = parseArgs({ options: { rows: { type: "string", default: "1000000" } } });
const ROWS = Number(args.rows);
const DATA = resolve("bench/.data");
const HOME = join(DATA, "predict-topics");
const TIME = "/usr/bin/time";

/** A home with a live topics model, trained by the real workflow the first time. */
async function prepareModel(): Promise<string> {
  const tg = openTollgate({ home: HOME });
  try {
    if (!(await tg.stores.registry.getLive("topics"))) {
      process.stderr.write(`training the topics model (once, into ${HOME}) …\n`);
      const key = "raw/topics/bench.jsonl";
      await tg.portsFor("bench").data.put(
        key,
        topicRows(3000, 1)
          .map((r) => JSON.stringify(r))
          .join("\n"),
      );
      const input = { dataset: "topics", modelName: "topics", gate: fixtureGate(0, 0), seed: 42, sources: [key] };
      const run = await (await tg.workflow.start("bench-topics", input)).done;
      if (run.status !== "SUCCEEDED") throw new Error(`training failed: ${run.error} ${run.cause}`);
    }
    return (await tg.stores.registry.getLive("topics"))!.version;
  } finally {
    tg.close();
  }
}

/** The input files (written once): ids, texts and labels the model was not trained on. */
async function prepareInputs(): Promise<{ jsonl: string; csv: string }> {
  const jsonl = join(DATA, `predict-${ROWS}.jsonl`);
  const csv = join(DATA, `predict-${ROWS}.csv`);
  if (!existsSync(jsonl) || !existsSync(csv)) {
    process.stderr.write(`writing ${ROWS} rows to ${jsonl} and ${csv} …\n`);
    const j = createWriteStream(jsonl);
    const c = createWriteStream(csv);
    c.write("id,text,label\n");
    const CHUNK = 50_000;
    for (let start = 0; start < ROWS; start += CHUNK) {
      const rows = topicRows(Math.min(CHUNK, ROWS - start), 1000 + start);
      j.write(rows.map((r, i) => `${JSON.stringify({ id: start + i, text: r.text, label: r.label })}\n`).join(""));
      c.write(rows.map((r, i) => `${start + i},${r.text},${r.label}\n`).join(""));
    }
    j.end();
    c.end();
    await Promise.all([finished(j), finished(c)]);
  }
  return { jsonl, csv };
}

interface Figure {
  wallS: number;
  cpuS: number | null;
  maxRssMiB: number | null;
  rowsPerS: number;
}

/** One `tollgate predict --file` as a child process, timed by /usr/bin/time when there is one. */
function runCli(input: string, output: string): Figure {
  const cli = ["tsx", "packages/cli/src/main.ts", "predict", "--file", input, "--out", output, "--model", "topics"];
  const timed = existsSync(TIME);
  const started = performance.now();
  const res = spawnSync(timed ? TIME : "npx", timed ? ["-f", "TIME %e %U %S %M", "npx", ...cli] : cli, {
    env: { ...process.env, TOLLGATE_HOME: HOME },
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const wallS = (performance.now() - started) / 1000;
  if (res.status !== 0) throw new Error(`predict --file failed (${res.status}): ${res.stderr.slice(-2000)}`);
  const time = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(res.stderr);
  process.stderr.write(res.stderr.split("\n").find((l) => l.startsWith("scored")) ?? "");
  process.stderr.write("\n");
  return {
    wallS,
    cpuS: time ? Number(time[2]) + Number(time[3]) : null,
    maxRssMiB: time ? Math.round(Number(time[4]) / 1024) : null,
    rowsPerS: Math.round(ROWS / wallS),
  };
}

/** The ceiling: the same reader and writer in this process, with a constant "model" (no scoring). */
async function copyCeiling(input: string, output: string, format: "jsonl" | "csv"): Promise<Figure> {
  const constant = {
    version: "constant",
    labels: ["a"],
    predict: async (texts: string[]) => ({
      labels: texts.map(() => "a"),
      probabilities: texts.map(() => new Float32Array([1])),
    }),
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  const out = createWriteStream(output);
  await scoreFile(constant, {
    input: createReadStream(input),
    inputFormat: format,
    output: out,
    outputFormat: format,
    textField: "text",
    topK: 0,
    onFailure: (line, reason) => {
      throw new Error(`line ${line}: ${reason}`);
    },
  });
  out.end();
  await finished(out);
  const wallS = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { wallS, cpuS: (used.user + used.system) / 1e6, maxRssMiB: null, rowsPerS: Math.round(ROWS / wallS) };
}

mkdirSync(DATA, { recursive: true });
const version = await prepareModel();
const inputs = await prepareInputs();
const machine = { cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), loadBefore: loadavg()[0] ?? 0 };
const results: Record<string, { ours: Figure; ceiling: Figure; bytes: number }> = {};
for (const format of ["jsonl", "csv"] as const) {
  const input = inputs[format];
  const output = join(DATA, `predict-out.${format}`);
  const ours = runCli(input, output);
  const ceiling = await copyCeiling(input, join(DATA, `predict-copy.${format}`), format);
  results[format] = { ours, ceiling, bytes: statSync(input).size };
  const cpuRate = ours.cpuS ? Math.round(ROWS / ours.cpuS) : null;
  console.log(
    `${format}: ${ROWS} rows (${(results[format].bytes / 2 ** 20).toFixed(0)} MiB)  ours ${ours.wallS.toFixed(1)} s wall = ${ours.rowsPerS} rows/s` +
      `  (CPU ${ours.cpuS?.toFixed(1) ?? "?"} s = ${cpuRate ?? "?"} rows per CPU second, peak RSS ${ours.maxRssMiB ?? "?"} MiB)` +
      `  ceiling (read+write, no scoring, in-process) ${ceiling.wallS.toFixed(1)} s = ${ceiling.rowsPerS} rows/s` +
      `  ratio ours/ceiling ${(ours.rowsPerS / ceiling.rowsPerS).toFixed(2)}`,
  );
}
const load = { before: machine.loadBefore, after: loadavg()[0] ?? 0 };
const git = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
console.log(`load average ${load.before.toFixed(1)} → ${load.after.toFixed(1)} on ${machine.cpus} CPUs`);
console.log(
  JSON.stringify({ bench: "predict-file", commit: git, rows: ROWS, modelVersion: version, machine, load, results }),
);
