/** Raw files full of bad input, each with the number of records it holds (shared by the test and the bench). */
import { topicRows } from "../helpers/topics.ts";

const enc = new TextEncoder();
export const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n");
export const good = topicRows(240, 5);

/** Files and how many records each holds (what must be accounted for). */
export const MIXED: Record<string, { body: Uint8Array; records: number }> = {
  "raw/mixed/good.jsonl": { body: enc.encode(jsonl(good)), records: good.length },
  "raw/mixed/malformed.jsonl": {
    body: enc.encode(
      '{"text": "dog cat", "label": "animal"\n{not json}\n[1,2]\n"str"\n{"text":"ok dog wolf","label":"animal"}',
    ),
    records: 5,
  },
  "raw/mixed/broken.csv": {
    body: enc.encode('text,label\n"a"b,food\nbread cheese,food\n"unclosed quote, food\n'),
    records: 3,
  },
  "raw/mixed/empty.jsonl": { body: new Uint8Array(), records: 0 },
  "raw/mixed/huge.jsonl": { body: enc.encode(jsonl([{ text: "dog ".repeat(262_144), label: "animal" }])), records: 1 },
  "raw/mixed/latin1.jsonl": {
    body: Uint8Array.from([
      ...enc.encode('{"text":"caf'),
      0xe9,
      ...enc.encode(' soup","label":"food"}\n{"text":"soup bread garlic","label":"food"}'),
    ]),
    records: 2,
  },
  "raw/mixed/odd-labels.jsonl": {
    body: enc.encode(
      jsonl([
        { text: "tennis racket", label: "sport/ball+racket" },
        { text: "whale", label: "!!!" },
        { text: "goal", label: "x".repeat(200) },
        { text: "noodle", label: 7 },
      ]),
    ),
    records: 4,
  },
  "raw/mixed/binary.jsonl": {
    body: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
    records: 1,
  },
};
