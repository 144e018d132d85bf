/**
 * `pnpm sample [folder]`: writes the WordNet sample dataset as JSON Lines {text,label}
 * (default folder `.tollgate/sample/`): wordnet-batch1.jsonl and wordnet-batch2.jsonl (a
 * deterministic 50/50 split by hash of the text), wordnet-all.jsonl, and WORDNET-LICENSE.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { batchOf, type Gloss, readWordnetGlosses, wordnetPackageDir } from "../packages/local/src/sample/wordnet.ts";

const lines = (rows: Gloss[]): string =>
  rows.map((r) => `${JSON.stringify({ text: r.text, label: r.label })}\n`).join("");

const folder = resolve(process.argv[2] ?? ".tollgate/sample/");
await mkdir(folder, { recursive: true });
const glosses = await readWordnetGlosses();
const batches = { 1: [] as Gloss[], 2: [] as Gloss[] };
for (const g of glosses) batches[batchOf(g.text)].push(g);
await writeFile(join(folder, "wordnet-batch1.jsonl"), lines(batches[1]));
await writeFile(join(folder, "wordnet-batch2.jsonl"), lines(batches[2]));
await writeFile(join(folder, "wordnet-all.jsonl"), lines(glosses));
await copyFile(join(wordnetPackageDir(), "LICENSE"), join(folder, "WORDNET-LICENSE"));
const labels = new Set(glosses.map((g) => g.label)).size;
process.stdout.write(
  `wrote ${glosses.length} glosses (${labels} labels; batch1 ${batches[1].length}, batch2 ${batches[2].length}) to ${folder}\n`,
);
