/**
 * The scale benchmark's corpus: N× WordNet 3.1, deterministic for a seed, written once to disk.
 *
 * Copy 0 of each gloss is the gloss itself; copies 1 … N−1 are seeded word-level perturbations of
 * its tokens (drop a word, swap two neighbours, repeat a word, insert a common word, or a one-letter
 * typo, which adds new terms the way real text does), 1–3 of them per copy, written as the tokens
 * joined by spaces. Every copy keeps its source gloss's split: a perturbation is redrawn until the
 * pipeline's own split rule (`splitOf`, a hash of the tokens) puts it in the same split as the
 * gloss, so all copies of one gloss are in train, or all in validation, or all in test, and the test
 * score measures generalisation to unseen glosses rather than recall of near-duplicates. Copies of
 * one gloss are distinct token sequences (the ETL's de-duplication would drop repeats).
 *
 * Files are copy-major: file f holds copies f·N/F … (f+1)·N/F − 1 of every gloss, in WordNet's order.
 */

import { once } from "node:events";
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "@tollgate/core/ml/random";
import { murmur3, type SplitName, splitOf } from "@tollgate/core/ml/split";
import { tokenize } from "@tollgate/core/ml/text";
import { readWordnetGlosses } from "@tollgate/local/sample/wordnet";

export interface CorpusOptions {
  /** Copies of each gloss (N). */
  factor: number;
  seed: number;
  /** Number of JSON Lines files (each a whole number of copies). */
  files: number;
}

export interface Corpus {
  dir: string;
  files: string[];
  rows: number;
  bytes: number;
  /** Glosses with fewer distinct copies than asked (too short to vary enough). */
  short: number;
  seconds: number;
}

const FILLERS = ["the", "a", "of", "and", "or", "in", "to", "with", "for", "that"];
const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const utf8 = new TextEncoder();

function splitOfTokens(tokens: string[]): SplitName {
  const bucket = murmur3(utf8.encode(tokens.join(" "))) % 100;
  return bucket < 80 ? "train" : bucket < 90 ? "validation" : "test";
}

/** One seeded perturbation of a token list (1–3 operations). */
export function perturb(tokens: readonly string[], rand: () => number): string[] {
  const out = tokens.slice();
  const pick = (n: number) => Math.floor(rand() * n);
  const ops = 1 + pick(3);
  for (let k = 0; k < ops; k++) {
    const op = pick(5);
    const i = pick(out.length);
    if (op === 0 && out.length > 2) out.splice(i, 1);
    else if (op === 1 && out.length > 1) {
      const j = i === out.length - 1 ? i - 1 : i + 1;
      [out[i], out[j]] = [out[j]!, out[i]!];
    } else if (op === 2) out.splice(i, 0, out[i]!);
    else if (op === 3) out.splice(i, 0, FILLERS[pick(FILLERS.length)]!);
    else {
      const word = out[i]!;
      if (/^[a-z]{4,}$/.test(word)) {
        const at = 1 + pick(word.length - 2);
        out[i] = word.slice(0, at) + LETTERS[pick(26)] + word.slice(at + 1);
      } else out.splice(i, 0, out[i]!);
    }
  }
  return out;
}

/** The copies 1 … N−1 of one gloss: distinct, each in the gloss's split. */
export function copiesOf(text: string, count: number, seed: number, index: number): string[] {
  const tokens = tokenize(text);
  const split = splitOf(text);
  const rand = mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const seen = new Set([tokens.join(" ")]);
  const out: string[] = [];
  for (let tries = 0; out.length < count && tries < count * 200 && tokens.length > 0; tries++) {
    const copy = perturb(tokens, rand);
    const joined = copy.join(" ");
    if (seen.has(joined) || splitOfTokens(copy) !== split) continue;
    seen.add(joined);
    out.push(joined);
  }
  return out;
}

/** Writes the corpus under `root` (once: a finished corpus is reused) and describes it. */
export async function writeCorpus(root: string, options: CorpusOptions): Promise<Corpus> {
  const { factor, seed, files } = options;
  const dir = join(root, `x${factor}-seed${seed}-f${files}`);
  const done = join(dir, "corpus.json");
  if (existsSync(done)) return JSON.parse(readFileSync(done, "utf8")) as Corpus;
  const started = performance.now();
  mkdirSync(dir, { recursive: true });
  const glosses = await readWordnetGlosses();
  const perFile = Math.ceil(factor / files);
  const count = Math.ceil(factor / perFile);
  const paths = Array.from({ length: count }, (_, f) =>
    join(dir, `wordnet-x${factor}-part-${String(f).padStart(3, "0")}.jsonl`),
  );
  const outs = paths.map((path) => createWriteStream(`${path}.tmp`));
  const buffers = paths.map(() => "");
  let rows = 0;
  let bytes = 0;
  let short = 0;
  const flush = async (f: number) => {
    bytes += Buffer.byteLength(buffers[f]!);
    if (!outs[f]!.write(buffers[f]!)) await once(outs[f]!, "drain");
    buffers[f] = "";
  };
  for (const [g, gloss] of glosses.entries()) {
    const copies = copiesOf(gloss.text, factor - 1, seed, g);
    if (copies.length < factor - 1) short++;
    for (const [c, text] of [gloss.text, ...copies].entries()) {
      const f = Math.floor(c / perFile);
      buffers[f] += `${JSON.stringify({ text, label: gloss.label })}\n`;
      rows++;
      if (buffers[f]!.length > 1 << 20) await flush(f);
    }
  }
  for (const [f, out] of outs.entries()) {
    await flush(f);
    out.end();
    await once(out, "finish");
    renameSync(`${paths[f]}.tmp`, paths[f]!);
  }
  const corpus: Corpus = { dir, files: paths, rows, bytes, short, seconds: (performance.now() - started) / 1000 };
  writeFileSync(done, JSON.stringify(corpus, null, 2));
  return corpus;
}
