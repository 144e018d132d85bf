/** A small seeded synthetic corpus for the ML tests (not a hard-coded result: models are trained on it). */
import { mulberry32 } from "../src/ml/random.ts";

const TOPICS: Record<string, string[]> = {
  animal: ["dog", "cat", "horse", "élan", "bird", "Fisch", "猫", "wing", "fur", "ΣΚΎΛΟΣ"],
  food: ["bread", "cheese", "crème", "brûlée", "soup", "apple", "寿司", "spice", "İSKENDER", "salt"],
  motion: ["run", "walk", "jump", "swim", "fly", "drive", "走る", "glide", "crawl", "ΤΡΈΧΩ"],
};
const SHARED = ["the", "a", "of", "and", "small", "large", "very", "with", "in", "kind", "to", "or"];

/** Seeded labeled rows: mostly topic words, some shared words, a little label noise-free mixing. */
export function fixtureRows(count: number, seed = 7): Array<{ text: string; label: string }> {
  const rand = mulberry32(seed);
  const labels = Object.keys(TOPICS);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const rows: Array<{ text: string; label: string }> = [];
  for (let i = 0; i < count; i++) {
    const label = labels[i % labels.length]!;
    const other = pick(labels);
    const words: string[] = [];
    const n = 3 + Math.floor(rand() * 8);
    for (let k = 0; k < n; k++) {
      const r = rand();
      words.push(r < 0.5 ? pick(TOPICS[label]!) : r < 0.6 ? pick(TOPICS[other]!) : pick(SHARED));
    }
    rows.push({ text: `${words.join(rand() < 0.5 ? " " : ", ")}.`, label });
  }
  return rows;
}

export const FIXTURE_LABELS = Object.keys(TOPICS);

/** Hard documents for parity: empty, punctuation, accents, CJK, İ/final sigma, very long… */
export function edgeDocuments(): string[] {
  return [
    "",
    "   ",
    "?!... ,,, ;;; --- ***",
    "The small dog runs with the cat",
    "crème brûlée and ÉLAN",
    "寿司 猫 走る 東京2024",
    "İSKENDER İstanbul",
    "ΣΚΎΛΟΣ ΤΡΈΧΩ ΟΔΟΣ Σ",
    "ὈΔΥΣΣΕΎΣ",
    "a\u0301 e\u0301 combining marks",
    "emoji 🐶🍞 🏃 only",
    "dog\tcat\nhorse\r\nbird",
    "DOG DOG DOG DOG dog dog",
    "unknownword anotherunknown",
    "x",
    "run walk jump swim fly drive glide crawl",
    "bread cheese soup apple spice salt",
    "a\0hidden after nul dog dog",
    "lone \ud800 surrogate bread",
    "٣٤٥ ١٢ digits ⅷ ²",
    `${"the small dog runs and the cat swims ".repeat(2800)}bread`,
    Array.from({ length: 20000 }, (_, i) => String.fromCodePoint(0x4e00 + (i % 500))).join(""),
  ];
}
