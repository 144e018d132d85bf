/**
 * A small synthetic labeled-text generator for end-to-end tests: three topics with their own
 * vocabularies plus shared filler words, drawn by a seeded PRNG (so runs are reproducible).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mulberry32 } from "@tollgate/core/ml/random";

const TOPICS: Record<string, string[]> = {
  animal: ["dog", "cat", "horse", "whale", "sparrow", "tiger", "wolf", "otter", "lizard", "salmon", "fur", "paws"],
  sport: [
    "football",
    "tennis",
    "goal",
    "racket",
    "referee",
    "stadium",
    "sprint",
    "match",
    "league",
    "coach",
    "score",
    "team",
  ],
  food: ["bread", "cheese", "soup", "pepper", "garlic", "oven", "recipe", "noodle", "butter", "salad", "spice", "bake"],
};
const FILLER = ["the", "a", "of", "and", "with", "very", "often", "small", "large", "near", "old", "new"];

/**
 * The gate's minimum test split for runs on these fixtures. A few hundred rows give a test split of
 * 20–120 rows (10%), below the default minimum of 200 (docs/gate.md): the tests lower it on purpose,
 * here, rather than the default. The gate is what they test, not the statistical power of tiny splits.
 */
export const FIXTURE_MIN_TEST_ROWS = 10;

/** {@link FIXTURE_MIN_TEST_ROWS} as the environment variable a CLI process reads. */
export const FIXTURE_ENV = { TOLLGATE_MIN_TEST_ROWS: String(FIXTURE_MIN_TEST_ROWS) };

/** A gate for runs on these fixtures: the given thresholds, the fixtures' minimum test split. */
export const fixtureGate = (minAccuracy: number, minGain = 0) => ({
  minAccuracy,
  minGain,
  minTestRows: FIXTURE_MIN_TEST_ROWS,
});

/** The seeded PRNG the trainer uses (mulberry32). */
export const rng = mulberry32;

export interface Row {
  text: string;
  label: string;
}

/** `n` rows; with `noise` the label is drawn at random instead of from the topic. */
export function topicRows(n: number, seed: number, noise = 0): Row[] {
  const r = rng(seed);
  const labels = Object.keys(TOPICS);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T;
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const label = pick(labels);
    const words = Array.from({ length: 6 + Math.floor(r() * 6) }, () =>
      r() < 0.5 ? pick(TOPICS[label]!) : pick(FILLER),
    );
    rows.push({ text: `${words.join(" ")} ${i}`, label: r() < noise ? pick(labels) : label });
  }
  return rows;
}

/** Writes rows as JSON Lines in a fresh temp folder and returns the path. */
export function writeJsonl(rows: Row[], name = "data.jsonl"): string {
  const file = join(mkdtempSync(join(tmpdir(), "tollgate-fixture-")), name);
  writeFileSync(file, rows.map((row) => JSON.stringify(row)).join("\n"));
  return file;
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), "tollgate-home-"));
}
