/**
 * A study, not part of the product (bench/README.md "Results, session 12"): the feature spec's count
 * (document frequencies of every unigram, first token and bigram, by token ids) in WebAssembly, beside
 * the same algorithm in JavaScript and the product's `FeatureSpecBuilder.addTokens` (itself in
 * WebAssembly since session 13, `TermCounts`, with index arrays the study's one table does not keep), on
 * one shard's token ids. The WebAssembly is compiled from the AssemblyScript below with `asc` (npm
 * `assemblyscript@0.28.20`, fetched by npx into its cache; nothing is added to the project). One
 * open-addressing table of 16-byte slots (a + 1, b, df, last document), 4M slots, as
 * bench/train/study-scan.c does; the table's zeroing is timed with the count.
 * Usage: node --import tsx bench/train/study-count-wasm.ts bench/.data/train/full/spam/store/prepared/train-00000.jsonl
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { FeatureSpecBuilder } from "@tollgate/core/ml/feature-spec";
import { TokenTable } from "@tollgate/core/ml/token-table";

const ASSEMBLYSCRIPT = `
let mask: u32 = 0;
let base: usize = 0;
let used: i32 = 0;
export function init(slotsLog2: u32, at: usize): void {
  mask = (1 << slotsLog2) - 1;
  base = at;
  used = 0;
  memory.fill(base, 0, (<usize>mask + 1) << 4);
}
@inline function see(a: i32, b: i32, doc: i32): void {
  const h: u32 = (<u32>a * 0x9e3779b1) ^ (<u32>(b + 3) * 0x85ebca6b);
  let i: u32 = (h >> 10) & mask;
  while (true) {
    const p = base + (<usize>i << 4);
    const ka = load<i32>(p);
    if (ka == 0) {
      store<i32>(p, a + 1);
      store<i32>(p, b, 4);
      store<i32>(p, 1, 8);
      store<i32>(p, doc, 12);
      used++;
      return;
    }
    if (ka == a + 1 && load<i32>(p, 4) == b) {
      if (load<i32>(p, 12) != doc) {
        store<i32>(p, doc, 12);
        store<i32>(p, load<i32>(p, 8) + 1, 8);
      }
      return;
    }
    i = (i + 1) & mask;
  }
}
export function countDocs(ids: usize, ends: usize, docs: i32): void {
  let start = 0;
  for (let d = 0; d < docs; d++) {
    const end = load<i32>(ends + (<usize>d << 2));
    let prev = -1;
    for (let k = start; k < end; k++) {
      const t = load<i32>(ids + (<usize>k << 2));
      see(t, -1, d);
      if (k > start) see(prev, t, d);
      prev = t;
    }
    if (end > start) see(load<i32>(ids + (<usize>start << 2)), -2, d);
    start = end;
  }
}
export function terms(): i32 {
  return used;
}
`;

/** The module's exports (the project's TypeScript lib has no WebAssembly types). */
interface Counter {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  init(slotsLog2: number, at: number): void;
  countDocs(ids: number, ends: number, docs: number): void;
  terms(): number;
}

type WebAssemblyApi = {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
};

const SLOTS_LOG2 = 22;

async function compile(): Promise<Counter> {
  const dir = mkdtempSync(join(tmpdir(), "study-count-"));
  writeFileSync(join(dir, "count.ts"), ASSEMBLYSCRIPT);
  const args = ["-y", "-p", "assemblyscript@0.28.20", "asc", "count.ts", "-O3", "--noAssert", "--runtime", "stub"];
  execFileSync("npx", [...args, "-o", "count.wasm"], { cwd: dir, stdio: "inherit" });
  const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const { instance } = await wasm.instantiate(readFileSync(join(dir, "count.wasm")), { env: { abort() {} } });
  return instance.exports as Counter;
}

/** The same table in JavaScript. */
function countInJs(docs: Int32Array[]): number {
  const mask = (1 << SLOTS_LOG2) - 1;
  const slots = new Int32Array(4 * (mask + 1));
  let used = 0;
  const see = (a: number, b: number, doc: number) => {
    for (let i = ((Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 3, 0x85ebca6b)) >>> 10) & mask; ; i = (i + 1) & mask) {
      const p = 4 * i;
      const key = slots[p]!;
      if (key === 0) {
        slots.set([a + 1, b, 1, doc], p);
        used++;
        return;
      }
      if (key === a + 1 && slots[p + 1] === b) {
        if (slots[p + 3] !== doc) {
          slots[p + 3] = doc;
          slots[p + 2]!++;
        }
        return;
      }
    }
  };
  for (const [d, ids] of docs.entries()) {
    for (let k = 0; k < ids.length; k++) {
      see(ids[k]!, -1, d);
      if (k > 0) see(ids[k - 1]!, ids[k]!, d);
    }
    if (ids.length > 0) see(ids[0]!, -2, d);
  }
  return used;
}

async function main(shard: string) {
  const rows = readFileSync(shard, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { text: string; label: string });
  const labels = [...new Set(rows.map((row) => row.label))].sort();
  const table = new TokenTable();
  const docs = rows.map((row) => {
    const n = table.scan(row.text, true); // (then its ids: a scan may move them)
    return table.ids.slice(0, n);
  });
  const tokens = docs.reduce((sum, ids) => sum + ids.length, 0);
  const wasm = await compile();
  // Memory: the ids, the documents' ends, then the table.
  const idsAt = 1 << 16;
  const endsAt = idsAt + 4 * tokens;
  const slotsAt = (endsAt + 4 * docs.length + 4095) & ~4095;
  const need = slotsAt + 16 * 2 ** SLOTS_LOG2;
  if (wasm.memory.buffer.byteLength < need) wasm.memory.grow(Math.ceil((need - wasm.memory.buffer.byteLength) / 65536));
  const memory = new Int32Array(wasm.memory.buffer);
  let at = idsAt / 4;
  for (const [d, ids] of docs.entries()) {
    memory.set(ids, at);
    at += ids.length;
    memory[endsAt / 4 + d] = at - idsAt / 4;
  }
  const ms: Record<"wasm" | "js" | "product", number[]> = { wasm: [], js: [], product: [] };
  const terms: Record<string, number> = {};
  for (let round = 0; round < 7; round++) {
    let start = performance.now();
    wasm.init(SLOTS_LOG2, slotsAt);
    wasm.countDocs(idsAt, endsAt, docs.length);
    ms.wasm.push(performance.now() - start);
    terms.wasm = wasm.terms();
    start = performance.now();
    terms.js = countInJs(docs);
    ms.js.push(performance.now() - start);
    start = performance.now();
    const builder = new FeatureSpecBuilder(labels);
    for (const [d, ids] of docs.entries()) builder.addTokens(rows[d]!.label, ids, table.tokens);
    ms.product.push(performance.now() - start);
    terms.product = builder.documentFrequencies.length;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!.toFixed(0);
  console.log(`${docs.length} documents, ${tokens} tokens, terms ${JSON.stringify(terms)}`);
  for (const [name, xs] of Object.entries(ms))
    console.log(`${name}: median ${median(xs)} ms (${xs.map((x) => x.toFixed(0)).join(" ")})`);
}

await main(process.argv[2] ?? "");
