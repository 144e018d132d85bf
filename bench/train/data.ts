/**
 * Data preparation of `pnpm bench:train`: WordNet 3.1 glosses → 45 supersenses, exact duplicate
 * texts dropped (first occurrence kept), a seeded stratified 80/20 train/test split, and the
 * files each tool reads (the same texts for every tool).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { murmur3 } from "@tollgate/core/ml/split";
import { tokenize } from "@tollgate/core/ml/text";
import { SHARD_ROWS } from "@tollgate/core/steps/preprocess";
import { type Gloss, readWordnetGlosses } from "@tollgate/local/sample/wordnet";

export const SEED = 42;
/** Fraction of each label's rows in the test split. */
const TEST_FRACTION = 0.2;
/** Of tollgate's 80% train part, rows whose hash bucket (of 100) is at least this go to validation. */
const VALIDATION_BUCKET = 90;

export interface Dataset {
  labels: string[];
  train: Gloss[];
  test: Gloss[];
  glosses: number;
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
function stratify(rows: Gloss[], fraction: number): { head: Gloss[]; tail: Gloss[] } {
  const total = new Map<string, number>();
  for (const r of rows) total.set(r.label, (total.get(r.label) ?? 0) + 1);
  const taken = new Map<string, number>();
  const head: Gloss[] = [];
  const tail: Gloss[] = [];
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
 * The benchmark's dataset. Rows are shuffled once with {@link SEED}; per label the first 20% of
 * that order are the test split and the rest, still in shuffled order, the train split.
 * @param sample fraction of each label kept first (`--quick`: 0.1), 1 for all
 */
export async function loadDataset(sample = 1): Promise<Dataset> {
  const glosses = await readWordnetGlosses();
  const seen = new Set<string>();
  const unique = glosses.filter((g) => !seen.has(g.text) && seen.add(g.text));
  let rows = shuffle(unique, prng(SEED));
  if (sample < 1) rows = stratify(rows, sample).head;
  const { head: test, tail: train } = stratify(rows, TEST_FRACTION);
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  return { labels, train, test, glosses: glosses.length, duplicates: glosses.length - unique.length };
}

/** tollgate's validation rows: murmur3 of the normalized tokens, bucket ≥ 90 of 100 (10% of the train part). */
export function isValidation(text: string): boolean {
  return murmur3(new TextEncoder().encode(tokenize(text).join(" "))) % 100 >= VALIDATION_BUCKET;
}

/** Where the prepared files are (all under one folder). */
export interface Files {
  dir: string;
  /** tollgate: a folder object store with JSON Lines shards of {@link SHARD_ROWS} rows. */
  store: string;
  trainShards: string[];
  validationShards: string[];
  counts: { train: number; validation: number };
  /** fastText: `__label__X text` lines, and test texts alone. */
  fasttextTrain: string;
  fasttextTest: string;
  /** Vowpal Wabbit: `k | text`, k = 1 + index in the sorted labels, `|` and `:` replaced by spaces. */
  vwTrain: string;
  vwTest: string;
  /** JSON Lines `{text,label}` (scikit-learn, and the truth of every tool). */
  trainJsonl: string;
  testJsonl: string;
  labelsJson: string;
}

const lines = (items: string[]) => items.map((l) => `${l}\n`).join("");
const flat = (text: string) => text.replace(/\s+/g, " ").trim();

/** Writes every tool's files for `ds` into `dir`. */
export async function writeFiles(dir: string, ds: Dataset): Promise<Files> {
  const store = join(dir, "store");
  await mkdir(join(store, "prepared"), { recursive: true });
  const labelNo = new Map(ds.labels.map((l, i) => [l, i + 1]));
  const ours = {
    train: ds.train.filter((r) => !isValidation(r.text)),
    validation: ds.train.filter((r) => isValidation(r.text)),
  };
  const shards = async (split: "train" | "validation") => {
    const keys: string[] = [];
    for (let k = 0; k * SHARD_ROWS < ours[split].length; k++) {
      const key = `prepared/${split}-${String(k).padStart(5, "0")}.jsonl`;
      const rows = ours[split].slice(k * SHARD_ROWS, (k + 1) * SHARD_ROWS);
      await writeFile(join(store, key), lines(rows.map((r) => JSON.stringify({ text: r.text, label: r.label }))));
      keys.push(key);
    }
    return keys;
  };
  const f: Files = {
    dir,
    store,
    trainShards: await shards("train"),
    validationShards: await shards("validation"),
    counts: { train: ours.train.length, validation: ours.validation.length },
    fasttextTrain: join(dir, "train.ft"),
    fasttextTest: join(dir, "test.txt"),
    vwTrain: join(dir, "train.vw"),
    vwTest: join(dir, "test.vw"),
    trainJsonl: join(dir, "train.jsonl"),
    testJsonl: join(dir, "test.jsonl"),
    labelsJson: join(dir, "labels.json"),
  };
  const vw = (r: Gloss) => `${labelNo.get(r.label)} | ${flat(r.text.replace(/[|:]/g, " "))}`;
  await writeFile(f.fasttextTrain, lines(ds.train.map((r) => `__label__${r.label} ${flat(r.text)}`)));
  await writeFile(f.fasttextTest, lines(ds.test.map((r) => flat(r.text))));
  await writeFile(f.vwTrain, lines(ds.train.map(vw)));
  await writeFile(f.vwTest, lines(ds.test.map(vw)));
  const jsonl = (rows: Gloss[]) => lines(rows.map((r) => JSON.stringify({ text: r.text, label: r.label })));
  await writeFile(f.trainJsonl, jsonl(ds.train));
  await writeFile(f.testJsonl, jsonl(ds.test));
  await writeFile(f.labelsJson, JSON.stringify(ds.labels));
  return f;
}
