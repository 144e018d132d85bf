/**
 * The peers of `pnpm bench:train`, each run as a competent user runs it: its main hyperparameter
 * chosen on the validation part (exactly the grids of issue 17), then refit on the whole 80%.
 * Every tool runs in its own processes under GNU time, with as many threads as there are cores
 * where it has threads. Prediction is measured the same way for every tool (see `predictCold`).
 */
import { readFile, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import { computeMetrics } from "@tollgate/core/ml/metrics";
import { type Files, fasttextLabel } from "./data.ts";
import { CommandFailedError, lastJson, type Measured, measure } from "./measure.ts";

export const THREADS = cpus().length;

export interface PeerResult {
  name: string;
  /** The hyperparameter value chosen on validation, as text (`alpha=1e-6`). */
  chosen: string;
  /** Validation accuracy per candidate. */
  scores: Record<string, number>;
  accuracy: number;
  macroF1: number;
  /** Wall seconds choosing on validation (every candidate fitted on `fit`, scored on validation). */
  search_s: number;
  /** Wall seconds of the final fit on the whole 80%. */
  fit_s: number;
  /** search_s + fit_s: what a user waits for. */
  train_s: number;
  /** CPU seconds (user + system, all threads) of training only: search and final fit. */
  cpu_s: number;
  /** A fresh process that loads the model and predicts the test set (process start and load included). */
  predict_cold_s: number;
  /** The same process on one document: start-up and model load. */
  predict_start_s: number;
  /** predict_cold_s − predict_start_s: predicting the test set with the model loaded. */
  predict_hot_s: number;
  /** Peak RSS of the final fit's process. */
  peak_rss_mb: number;
  threads: number;
  /** What train_s includes. */
  includes: string;
}

export interface Peer {
  name: string;
  /** Left out by `--quick`. */
  slow?: boolean;
  run(files: Files, labels: string[]): Promise<PeerResult>;
}

export const VENV_PYTHON = join(import.meta.dirname, "..", ".data", "venv", "bin", "python");
const SCRIPT = join(import.meta.dirname, "peers.py");

/** This environment without the OpenBLAS overrides (only for scikit-learn's commands; see the env README). */
function sklearnEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

const fileLines = async (path: string) => (await readFile(path, "utf8")).split("\n").filter((l) => l !== "");

async function testLabels(files: Files): Promise<string[]> {
  return (await fileLines(files.jsonl.test)).map((l) => (JSON.parse(l) as { label: string }).label);
}

/** Accuracy and macro-F1 of predicted labels on the test split. */
async function score(files: Files, labels: string[], predicted: string[]) {
  const truth = await testLabels(files);
  if (truth.length !== predicted.length) throw new Error(`${predicted.length} predictions for ${truth.length} rows`);
  const m = computeMetrics(truth, predicted, labels);
  return { accuracy: m.accuracy, macroF1: m.macroF1 };
}

/**
 * Prediction, the same way for every tool: `run(false)` predicts the test set in a fresh process
 * (cold: process start and model load included), `run(true)` one document (start-up). Hot is the
 * test set with the model loaded: timed inside that process where the tool is a library that can
 * say so (its JSON line's `hot_s`: ours, scikit-learn), else (CLIs, and pyvw, which predicts while
 * its Workspace is created) cold − start-up. Each is
 * the fastest of `REPEATS` runs, so a busy moment of the shared machine does not decide it.
 */
export async function predictCold(run: (one: boolean) => Promise<Measured>) {
  const fastest = async (one: boolean) => {
    let best: Measured | undefined;
    for (let k = 0; k < REPEATS; k++) {
      const m = await run(one);
      if (!best || m.wallS < best.wallS) best = m;
    }
    return best!;
  };
  const start = await fastest(true);
  const cold = await fastest(false);
  const inside = /"hot_s":\s*([\d.e-]+)/.exec(cold.stdout);
  return {
    predict_cold_s: cold.wallS,
    predict_start_s: start.wallS,
    predict_hot_s: inside ? Number(inside[1]) : Math.max(0, cold.wallS - start.wallS),
  };
}

const REPEATS = 3;

const byAccuracy = (scores: Record<string, number>) =>
  Object.entries(scores).reduce((best, next) => (next[1] > best[1] ? next : best))[0];

function python(name: string, command: string, param: string, includes: string): Peer {
  return {
    name,
    async run(files, labels) {
      const env = sklearnEnv();
      const run = await measure(VENV_PYTHON, [SCRIPT, command, files.dir], { env });
      const out = lastJson(run.stdout);
      const preds = join(files.dir, `${command}.preds`);
      const vw = command === "vw";
      const predict = await predictCold((one) =>
        vw
          ? measure(VENV_PYTHON, [
              SCRIPT,
              "predict-vw",
              join(files.dir, "vw.model"),
              one ? files.oneVw : files.vw.test,
              preds,
            ])
          : measure(
              VENV_PYTHON,
              [
                SCRIPT,
                "predict-sklearn",
                join(files.dir, `${command}.joblib`),
                one ? files.oneText : files.testText,
                preds,
              ],
              { env },
            ),
      );
      const raw = await fileLines(preds);
      const predicted = vw ? raw.map((k) => labels[Number(k) - 1] ?? `?${k}`) : raw;
      const [search, fit] = [Number(out.search_s), Number(out.fit_s)];
      return {
        name,
        chosen: `${param}=${String(out.chosen)}`,
        scores: out.scores as Record<string, number>,
        ...(await score(files, labels, predicted)),
        search_s: search,
        fit_s: fit,
        train_s: search + fit,
        cpu_s: Number(out.search_cpu_s) + Number(out.fit_cpu_s),
        ...predict,
        peak_rss_mb: run.peakRssMb,
        threads: vw ? 1 : THREADS,
        includes: `${includes}${out.blas ? ` (BLAS ${String(out.blas)})` : ""}`,
      };
    },
  };
}

const LIBLINEAR_CS = ["0.1", "1", "10", "100"];

const liblinear: Peer = {
  name: "liblinear -s 7 (tfidf 1-2g)",
  async run(files, labels) {
    const svm = (part: string) => join(files.dir, `${part}.svm`);
    const vec = lastJson((await measure(VENV_PYTHON, [SCRIPT, "vectorize", files.dir], { env: sklearnEnv() })).stdout);
    const vecS = (part: string) => Number((vec[part] as { s: number }).s);
    const vecCpu = (part: string) => Number((vec[part] as { cpu_s: number }).cpu_s);
    const truth = (await fileLines(svm("validation"))).map((l) => l.split(" ", 1)[0]!);
    const scores: Record<string, number> = {};
    let searchS = vecS("fit");
    let cpuS = vecCpu("fit");
    for (const c of LIBLINEAR_CS) {
      const model = join(files.dir, `liblinear-${c}.model`);
      const train = await measure("liblinear-train", ["-s", "7", "-c", c, "-q", svm("fit"), model]);
      const predict = await measure("liblinear-predict", ["-q", svm("validation"), model, `${model}.preds`]);
      const predicted = await fileLines(`${model}.preds`);
      scores[c] = truth.filter((t, i) => t === predicted[i]).length / truth.length;
      // Scoring validation is part of the search, for its wall and CPU seconds alike (as in peers.py).
      searchS += train.wallS + predict.wallS;
      cpuS += train.cpuS + predict.cpuS;
    }
    const chosen = byAccuracy(scores);
    const model = join(files.dir, "liblinear.model");
    const final = await measure("liblinear-train", ["-s", "7", "-c", chosen, "-q", svm("train"), model]);
    const preds = join(files.dir, "liblinear.preds");
    // LIBLINEAR predicts from vectors: the test TF-IDF (written by `vectorize`) is its input; its one-document file is the first line.
    const one = join(files.dir, "one.svm");
    await writeFile(one, `${(await fileLines(svm("test")))[0]}\n`);
    const predict = await predictCold((isOne) =>
      measure("liblinear-predict", ["-q", isOne ? one : svm("test"), model, preds]),
    );
    const predicted = (await fileLines(preds)).map((l) => labels[Number(l) - 1] ?? `?${l}`);
    return {
      name: this.name,
      chosen: `c=${chosen}`,
      scores,
      ...(await score(files, labels, predicted)),
      search_s: searchS,
      fit_s: vecS("train") + final.wallS,
      train_s: searchS + vecS("train") + final.wallS,
      cpu_s: cpuS + vecCpu("train") + final.cpuS,
      ...predict,
      peak_rss_mb: final.peakRssMb,
      threads: 1,
      includes:
        `TF-IDF in scikit-learn (${vecS("train").toFixed(2)} s of the final fit) + liblinear-train; ` +
        "predict from the TF-IDF vectors (vectorizing the test set not included)",
    };
  },
};

/** fastText's autotune prints its best arguments (verbose ≥ 3) before training again with them. */
function bestArgs(output: string): string[] {
  const text = output.replace(/\r/g, "\n");
  const at = text.lastIndexOf("Best selected args");
  if (at < 0) throw new Error(`fastText autotune printed no best arguments: ${text.slice(-400)}`);
  const args: string[] = [];
  for (const line of text.slice(at).split("\n").slice(1)) {
    const m = /^(\w+) = (\S+)$/.exec(line.trim());
    if (!m) break;
    if (m[1] !== "dsub") args.push(`-${m[1]}`, m[2]!);
  }
  return args;
}

const AUTOTUNE_S = 120;
/**
 * The search is stopped (and reported as failed) after this many times its duration (2 h): a
 * safety net, not a budget. Autotune's last trial and its retraining with the best arguments run
 * past `-autotune-duration`, by many minutes on long documents on a loaded machine: on
 * SpamAssassin it can retrain a character-n-gram model for up to 100 epochs at ~22 s each alone
 * and ~74 s at load 6–11, so 480 s (session 2) and 30 min (session 5) both cut it short there.
 */
const AUTOTUNE_LIMIT = 60;

const fasttextAutotune: Peer = {
  name: `fasttext autotune ${AUTOTUNE_S} s`,
  async run(files, labels) {
    const prefix = (p: string) => join(files.dir, `fasttext-${p}`);
    const threads = ["-thread", String(THREADS)];
    const search = await measure(
      "fasttext",
      [
        "supervised",
        ...["-input", files.fasttext.fit, "-output", prefix("search"), ...threads, "-verbose", "3"],
        ...["-autotune-validation", files.fasttext.validation, "-autotune-duration", String(AUTOTUNE_S)],
      ],
      // (a line every 5 min: autotune's last trial can run on for many minutes past its duration)
      { timeoutS: AUTOTUNE_S * AUTOTUNE_LIMIT, heartbeat: { name: "fasttext autotune", everyS: 300 } },
    ).catch((err: unknown) => {
      // Killed at the cap: say which arguments autotune had chosen and was training with, if it got that far.
      if (!(err instanceof CommandFailedError) || !err.output.includes("Best selected args")) throw err;
      throw new Error(`${err.message.split("\n")[0]}; it was retraining with ${bestArgs(err.output).join(" ")}`);
    });
    const args = bestArgs(search.stdout + search.stderr);
    const final = await measure("fasttext", [
      "supervised",
      ...["-input", files.fasttext.train, "-output", prefix("final"), ...threads, "-verbose", "0", ...args],
    ]);
    const preds = join(files.dir, "fasttext.preds");
    const predict = await predictCold(async (one) => {
      const run = await measure("fasttext", [
        "predict",
        `${prefix("final")}.bin`,
        one ? files.oneText : files.testText,
      ]);
      await writeFile(preds, run.stdout);
      return run;
    });
    const byFastText = new Map(labels.map((l) => [fasttextLabel(l), l]));
    const predicted = (await fileLines(preds)).map((l) => {
      const label = l.replace(/^__label__/, "");
      return byFastText.get(label) ?? label;
    });
    return {
      name: this.name,
      chosen: args.join(" "),
      scores: {},
      ...(await score(files, labels, predicted)),
      search_s: search.wallS,
      fit_s: final.wallS,
      train_s: search.wallS + final.wallS,
      cpu_s: search.cpuS + final.cpuS,
      ...predict,
      peak_rss_mb: final.peakRssMb,
      threads: THREADS,
      includes:
        "whole commands: reading the text, training, writing the .bin (the search retrains its best on `fit` at the end)",
    };
  },
};

const PY_INCLUDES = "TfidfVectorizer fit + model fit, inside the process (imports, reading and saving not included)";

export const PEERS: Peer[] = [
  python("sklearn tfidf+sgd", "sgd", "alpha", PY_INCLUDES),
  python("sklearn tfidf+logreg", "logreg", "C", PY_INCLUDES),
  liblinear,
  python("vw 5 passes", "vw", "lr", "pyvw: parsing the text, 5 passes with a cache file, writing the model"),
  { ...fasttextAutotune, slow: true },
];
