/**
 * Data preparation of `pnpm bench:train`, the same for every dataset and every tool: texts
 * deduplicated (on their normalized tokens, first occurrence kept), one seeded shuffle, a
 * stratified 80/20 train/test split, and a stratified validation part carved from the 80%
 * (10% of it). Tools choose hyperparameters on `fit` (the 80% less validation) → `validation`,
 * then peers refit on the whole 80% (`train`); the test split is only scored.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tokenize } from "@tollgate/core/ml/text";
import type { DatasetSource, Row } from "./datasets.ts";

/** Rows per JSON Lines shard the benchmark writes for tollgate (what bounds a read, not the model). */
const SHARD_ROWS = 20_000;

export const SEED = 42;
/** Fraction of each label's rows in the test split. */
const TEST_FRACTION = 0.2;
/** Fraction of each label's rows of the train split carved out as validation. */
const VALIDATION_FRACTION = 0.1;

export interface Dataset {
  name: string;
  labels: string[];
  /** The 80%: `fit` + `validation`. */
  train: Row[];
  fit: Row[];
  validation: Row[];
  test: Row[];
  rows: number;
  duplicates: number;
}

/** mulberry32: a small seeded PRNG (kept here so the split never moves when core changes). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Per label, the first `fraction` (rounded, at least one) of `rows` in their order; then the rest. */
export function stratify(rows: Row[], fraction: number): { head: Row[]; tail: Row[] } {
  const total = new Map<string, number>();
  for (const r of rows) total.set(r.label, (total.get(r.label) ?? 0) + 1);
  const taken = new Map<string, number>();
  const head: Row[] = [];
  const tail: Row[] = [];
  for (const r of rows) {
    const want = Math.max(1, Math.round(total.get(r.label)! * fraction));
    const n = taken.get(r.label) ?? 0;
    if (n < want) {
      head.push(r);
      taken.set(r.label, n + 1);
    } else tail.push(r);
  }
  return { head, tail };
}

/**
 * The benchmark's split of one dataset. Rows are shuffled once with {@link SEED}; per label the
 * first 20% of that order are the test split, the first 10% of the rest the validation part.
 * @param sample fraction of each label kept first (`--quick`: 0.1), 1 for all
 */
export async function loadDataset(source: DatasetSource, sample = 1): Promise<Dataset> {
  const all = await source.load();
  const seen = new Set<string>();
  const unique = all.filter((r) => {
    const key = tokenize(r.text).join(" ");
    return key !== "" && !seen.has(key) && seen.add(key);
  });
  let rows = shuffle(unique, prng(SEED));
  if (sample < 1) rows = stratify(rows, sample).head;
  const { head: test, tail: train } = stratify(rows, TEST_FRACTION);
  const { head: validation, tail: fit } = stratify(train, VALIDATION_FRACTION);
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  return {
    name: source.name,
    labels,
    train,
    fit,
    validation,
    test,
    rows: all.length,
    duplicates: all.length - unique.length,
  };
}

type Part = "fit" | "validation" | "train" | "test";
const PARTS: Part[] = ["fit", "validation", "train", "test"];

/** Where the prepared files are (all under one folder; `<part>` is fit, validation, train or test). */
export interface Files {
  dir: string;
  /** tollgate: a folder object store with JSON Lines shards of {@link SHARD_ROWS} rows (fit → "train"). */
  store: string;
  trainShards: string[];
  validationShards: string[];
  counts: { train: number; validation: number };
  /** `<part>.jsonl` `{text,label}` (scikit-learn, and the truth of every tool). */
  jsonl: Record<Part, string>;
  /** fastText `<part>.ft`: `__label__X text`. */
  fasttext: Record<Part, string>;
  /** Vowpal Wabbit `<part>.vw`: `k | text`, k = 1 + index in the sorted labels, `|` and `:` replaced by spaces. */
  vw: Record<Part, string>;
  /** Test texts alone, one per line (whitespace flattened), and the first of them alone (start-up cost). */
  testText: string;
  oneText: string;
  /** The first test row alone in VW's format. */
  oneVw: string;
  labelsJson: string;
}

const lines = (items: string[]) => items.map((l) => `${l}\n`).join("");
const flat = (text: string) => text.replace(/\s+/g, " ").trim();
/** fastText labels cannot hold spaces. */
export const fasttextLabel = (label: string) => label.replace(/\s+/g, "_");

/** Writes every tool's files for `ds` into `dir`. */
export async function writeFiles(dir: string, ds: Dataset): Promise<Files> {
  const store = join(dir, "store");
  await mkdir(join(store, "prepared"), { recursive: true });
  const labelNo = new Map(ds.labels.map((l, i) => [l, i + 1]));
  const shards = async (split: "train" | "validation", rows: Row[]) => {
    const keys: string[] = [];
    for (let k = 0; k * SHARD_ROWS < rows.length; k++) {
      const key = `prepared/${split}-${String(k).padStart(5, "0")}.jsonl`;
      const part = rows.slice(k * SHARD_ROWS, (k + 1) * SHARD_ROWS);
      await writeFile(join(store, key), lines(part.map((r) => JSON.stringify({ text: r.text, label: r.label }))));
      keys.push(key);
    }
    return keys;
  };
  const per = (ext: string) =>
    Object.fromEntries(PARTS.map((p) => [p, join(dir, `${p}.${ext}`)])) as Record<Part, string>;
  const f: Files = {
    dir,
    store,
    trainShards: await shards("train", ds.fit),
    validationShards: await shards("validation", ds.validation),
    counts: { train: ds.fit.length, validation: ds.validation.length },
    jsonl: per("jsonl"),
    fasttext: per("ft"),
    vw: per("vw"),
    testText: join(dir, "test.txt"),
    oneText: join(dir, "one.txt"),
    oneVw: join(dir, "one.vw"),
    labelsJson: join(dir, "labels.json"),
  };
  const vw = (r: Row) => `${labelNo.get(r.label)} | ${flat(r.text.replace(/[|:]/g, " "))}`;
  for (const part of PARTS) {
    const rows = ds[part];
    await writeFile(f.jsonl[part], lines(rows.map((r) => JSON.stringify({ text: r.text, label: r.label }))));
    await writeFile(f.fasttext[part], lines(rows.map((r) => `__label__${fasttextLabel(r.label)} ${flat(r.text)}`)));
    await writeFile(f.vw[part], lines(rows.map(vw)));
  }
  await writeFile(f.testText, lines(ds.test.map((r) => flat(r.text))));
  await writeFile(f.oneText, lines(ds.test.slice(0, 1).map((r) => flat(r.text))));
  await writeFile(f.oneVw, lines(ds.test.slice(0, 1).map(vw)));
  await writeFile(f.labelsJson, JSON.stringify(ds.labels));
  return f;
}

/** Copies in the memory check's data. */
export const TENFOLD = 10;

/**
 * Copy k of a text: each word suffixed with `x<k>` with probability 0.3; when no word drew the
 * suffix (1–3-word glosses often: 0.7^n), the first word gets it (or ` x<k>` is appended to a text
 * without letters), so that no copy repeats its original.
 */
function perturb(text: string, k: number, rand: () => number): string {
  const copy = text.replace(/\p{L}+/gu, (w) => (rand() < 0.3 ? `${w}x${k}` : w));
  if (copy !== text) return copy;
  return /\p{L}/u.test(text) ? text.replace(/\p{L}+/u, (w) => `${w}x${k}`) : `${text} x${k}`;
}

/**
 * The memory check's training data: the `fit` rows and 9 perturbed copies, all distinct
 * (`perturb`), so the vocabulary and the bigrams grow with the copies as they would with new text,
 * and labels stay meaningful. Written as shards next to the others; returns their keys.
 */
export async function writeTenfoldShards(files: Files, ds: Dataset): Promise<string[]> {
  const rand = prng(SEED + 1);
  const keys: string[] = [];
  let buffer: string[] = [];
  const flush = async () => {
    const key = `prepared/x${TENFOLD}-train-${String(keys.length).padStart(5, "0")}.jsonl`;
    await writeFile(join(files.store, key), lines(buffer));
    keys.push(key);
    buffer = [];
  };
  for (let k = 0; k < TENFOLD; k++) {
    for (const r of ds.fit) {
      const text = k === 0 ? r.text : perturb(r.text, k, rand);
      buffer.push(JSON.stringify({ text, label: r.label }));
      if (buffer.length >= SHARD_ROWS) await flush();
    }
  }
  if (buffer.length > 0) await flush();
  return keys;
}
