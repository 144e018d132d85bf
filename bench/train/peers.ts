/**
 * The peers of `pnpm bench:train`, each run as child processes under GNU time on the same files:
 * fastText and LIBLINEAR (Debian CLIs), scikit-learn and Vowpal Wabbit (bench/.data/venv).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Files } from "./data.ts";
import { lastJson, measure } from "./measure.ts";

export interface PeerResult {
  name: string;
  accuracy: number;
  /** Wall seconds of training (CLIs: the whole command; Python: inside the process). */
  train_s: number;
  /** Wall seconds of predicting the test set (same convention). */
  predict_s: number;
  /** Peak RSS of the training process (Python peers: the one process that trains and predicts). */
  peak_rss_mb: number;
  /** User + system CPU seconds of the training command (Python: the whole process, imports and predicting included). */
  cpu_s: number;
  note?: string;
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

function accuracy(truth: string[], predicted: string[]): number {
  if (truth.length !== predicted.length) throw new Error(`${predicted.length} predictions for ${truth.length} rows`);
  return truth.filter((t, i) => t === predicted[i]).length / truth.length;
}

const testLabels = async (files: Files) =>
  (await fileLines(files.testJsonl)).map((l) => (JSON.parse(l) as { label: string }).label);

function fasttext(name: string, extra: string[], slow = false): Peer {
  return {
    name,
    slow,
    async run(files) {
      const prefix = join(files.dir, name.replace(/[^a-z0-9]+/gi, "-"));
      const args = ["-input", files.fasttextTrain, "-output", prefix, "-wordNgrams", "2", "-verbose", "0", ...extra];
      const train = await measure("fasttext", ["supervised", ...args]);
      const predict = await measure("fasttext", ["predict", `${prefix}.bin`, files.fasttextTest]);
      const predicted = predict.stdout
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => l.replace(/^__label__/, ""));
      return {
        name,
        accuracy: accuracy(await testLabels(files), predicted),
        train_s: train.wallS,
        predict_s: predict.wallS,
        peak_rss_mb: train.peakRssMb,
        cpu_s: train.cpuS,
      };
    },
  };
}

function python(name: string, args: string[], env?: NodeJS.ProcessEnv, slow = false): Peer {
  return {
    name,
    slow,
    async run(files) {
      const run = await measure(VENV_PYTHON, [SCRIPT, ...args, files.dir], env ? { env } : {});
      const out = lastJson(run.stdout);
      return {
        name,
        accuracy: Number(out.accuracy),
        train_s: Number(out.train_s),
        predict_s: Number(out.predict_s),
        peak_rss_mb: run.peakRssMb,
        cpu_s: run.cpuS,
        ...(out.blas_kernel ? { note: `BLAS kernel ${String(out.blas_kernel)}` } : {}),
      };
    },
  };
}

const liblinear: Peer = {
  name: "liblinear -s 7 (tfidf 1-2g)",
  async run(files, labels) {
    const vec = await measure(VENV_PYTHON, [SCRIPT, "vectorize", files.dir], { env: sklearnEnv() });
    const vectorizeS = Number(lastJson(vec.stdout).vectorize_s);
    const model = join(files.dir, "liblinear.model");
    const preds = join(files.dir, "liblinear.preds");
    const train = await measure("liblinear-train", ["-s", "7", "-q", join(files.dir, "train.svm"), model]);
    const predict = await measure("liblinear-predict", ["-q", join(files.dir, "test.svm"), model, preds]);
    const predicted = (await fileLines(preds)).map((l) => labels[Number(l) - 1] ?? `?${l}`);
    return {
      name: this.name,
      accuracy: accuracy(await testLabels(files), predicted),
      train_s: train.wallS,
      predict_s: predict.wallS,
      peak_rss_mb: train.peakRssMb,
      cpu_s: train.cpuS,
      note: `TF-IDF vectorization in scikit-learn ${vectorizeS.toFixed(2)} s (peak ${vec.peakRssMb.toFixed(0)} MB), not in train_s`,
    };
  },
};

export const PEERS: Peer[] = [
  fasttext("fasttext (defaults)", [], true),
  fasttext("fasttext (25 ep, lr 0.5)", ["-epoch", "25", "-lr", "0.5"], true),
  python("vw 1 pass", ["vw", "1"]),
  python("vw 5 passes", ["vw", "5"]),
  python("sklearn tfidf+sgd", ["sklearn", "tfidf"], sklearnEnv()),
  python("sklearn hashing+sgd", ["sklearn", "hashing"], sklearnEnv(), true),
  liblinear,
];
