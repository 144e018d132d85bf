// AssemblyScript (https://www.assemblyscript.org), compiled to WebAssembly by `pnpm build:wasm`
// into packages/core/src/ml/term-counts-wasm.ts; packages/core/test/term-counts.test.ts checks that
// the committed bytes are this file's.
//
// The feature spec's term count (`TermCounts` in src/ml/term-counts.ts): the document frequency of
// every unigram (b = -1), bigram (a, b) and first-token term (b = -2) of documents given as token
// ids. A term's index is the order it was first seen; the arrays by index hold its tokens a and b
// and its df. Unigrams and first-token terms are found in 8-byte entries by token id (index + 1,
// last document counted), bigrams in an open-addressing table of 16-byte slots (a + 1, b, last
// document, index). Counting is bound by memory latency (the bigram table outgrows the caches), so
// a term costs one access to its entry or slot and one to its df, and slots stay small (32-byte ones
// holding the df too were slower: bench/README.md, "Results, session 13").
// The same tables serve a featurizer (src/ml/featurizer.ts): its vocabulary `put` in order (a term's
// index is its feature id), `vector` gives a document's tf-idf vector.
// Memory: memory.ts (regions are only added; fresh ones are zero).

import { alloc, moved } from "./memory";

// The document's token ids (written by the caller), and the term indices written back.
let inAt: usize = 0;
let outAt: usize = 0;
let inCapacity: i32 = 0;

// By term index.
let size: i32 = 0;
let termCapacity: i32 = 0;
let aAt: usize = 0;
let bAt: usize = 0;
let dfAt: usize = 0;

// By token id, the entries of its unigram and of its first-token term: index + 1 (0: none), last document.
let tokenCapacity: i32 = 0;
let uniAt: usize = 0;
let firstAt: usize = 0;

// Bigrams.
let pairAt: usize = 0;
let pairShift: u32 = 0;
let pairMask: u32 = 0;
let pairs: i32 = 0;

/** Room for a document of `n` token ids; returns where to write them. */
export function input(n: i32): usize {
  if (n > inCapacity) {
    inCapacity = max(n, max(2 * inCapacity, 1024));
    inAt = alloc(<usize>inCapacity << 2);
    outAt = alloc((<usize>inCapacity * 3) << 2);
    if (idfAt != 0) vectorRoom();
  }
  return inAt;
}

/** Where `count` and `lookup` write term indices. */
export function output(): usize {
  return outAt;
}

export function terms(): i32 {
  return size;
}

export function documentFrequencies(): usize {
  return dfAt;
}

export function termA(): usize {
  return aAt;
}

export function termB(): usize {
  return bAt;
}

function growTerms(): void {
  const capacity = max(2 * termCapacity, 1024);
  const bytes = <usize>termCapacity << 2;
  const room = <usize>capacity << 2;
  aAt = moved(aAt, bytes, room);
  bAt = moved(bAt, bytes, room);
  dfAt = moved(dfAt, bytes, room);
  termCapacity = capacity;
}

function newTerm(a: i32, b: i32): i32 {
  if (size == termCapacity) growTerms();
  const index = size++;
  store<i32>(aAt + (<usize>index << 2), a);
  store<i32>(bAt + (<usize>index << 2), b);
  store<i32>(dfAt + (<usize>index << 2), 0);
  return index;
}

function growTokens(token: i32): void {
  const capacity = max(token + 1, max(2 * tokenCapacity, 1024));
  const bytes = <usize>tokenCapacity << 2;
  uniAt = moved(uniAt, bytes << 1, <usize>capacity << 3);
  firstAt = moved(firstAt, bytes << 1, <usize>capacity << 3);
  tokenCapacity = capacity;
}

@inline function slotOf(a: i32, b: i32): usize {
  let h: u32 = (<u32>a * 0x9e3779b1) ^ (<u32>(b + 3) * 0x85ebca6b);
  h ^= h >>> 16;
  let i: u32 = (h * 0x7feb352d) >>> pairShift;
  while (true) {
    const p = pairAt + (<usize>i << 4);
    const key = load<i32>(p);
    if (key == 0 || (key == a + 1 && load<i32>(p, 4) == b)) return p;
    i = (i + 1) & pairMask;
  }
}

function setPairs(log2: u32): void {
  pairShift = 32 - log2;
  pairMask = (<u32>1 << log2) - 1;
  pairAt = alloc(<usize>16 << log2);
  // Zero already, but touched in order now: the probes' page faults in random order cost more (~30 ms on spam).
  memory.fill(pairAt, 0, <usize>16 << log2);
  pairs = 0;
}

/** Fills the empty slot `p` with term (a, b): the last document that counted it, its index. */
function setSlot(p: usize, a: i32, b: i32, last: i32, index: i32): void {
  store<i32>(p, a + 1);
  store<i32>(p, b, 4);
  store<i32>(p, last, 8);
  store<i32>(p, index, 12);
  pairs++;
}

function growPairs(): void {
  const from = pairAt;
  const slots = <usize>pairMask + 1;
  setPairs(33 - pairShift);
  for (let s: usize = 0; s < slots; s++) {
    const p = from + (s << 4);
    const key = load<i32>(p);
    if (key != 0) {
      const b = load<i32>(p, 4);
      setSlot(slotOf(key - 1, b), key - 1, b, load<i32>(p, 8), load<i32>(p, 12));
    }
  }
}

/** Counts a term once for document `doc`, given where its last document sits; returns `index`. */
@inline function counted(last: usize, index: i32, doc: i32): i32 {
  if (load<i32>(last) != doc) {
    store<i32>(last, doc);
    const df = dfAt + (<usize>index << 2);
    store<i32>(df, load<i32>(df) + 1);
  }
  return index;
}

/** The entry of token `a`'s unigram (b = -1, entries at `uniAt`) or first-token term (b = -2, `firstAt`), made if new. */
@inline function tokenEntry(entries: usize, a: i32, b: i32): usize {
  const p = entries + (<usize>a << 3);
  if (load<i32>(p) == 0) {
    store<i32>(p, newTerm(a, b) + 1);
    store<i32>(p, -1, 4);
  }
  return p;
}

/** The slot of bigram (a, b), made if new. */
@inline function pairSlot(a: i32, b: i32): usize {
  let p = slotOf(a, b);
  if (load<i32>(p) == 0) {
    if (2 * (pairs + 1) > <i32>pairMask + 1) {
      growPairs();
      p = slotOf(a, b);
    }
    setSlot(p, a, b, -1, newTerm(a, b));
  }
  return p;
}

/** Counts token `a`'s unigram or first-token term (see `tokenEntry`). */
@inline function seeToken(entries: usize, a: i32, b: i32, doc: i32): i32 {
  const p = tokenEntry(entries, a, b);
  return counted(p + 4, load<i32>(p) - 1, doc);
}

/** Counts bigram (a, b). */
@inline function seePair(a: i32, b: i32, doc: i32): i32 {
  const p = pairSlot(a, b);
  return counted(p + 8, load<i32>(p, 12), doc);
}

/** The index of term (a, b), or -1. */
export function find(a: i32, b: i32): i32 {
  if (a < 0) return -1;
  if (b < 0) return a < tokenCapacity ? load<i32>((b == -1 ? uniAt : firstAt) + (<usize>a << 3)) - 1 : -1;
  if (pairAt == 0) return -1;
  const p = slotOf(a, b);
  return load<i32>(p) == 0 ? -1 : load<i32>(p, 12);
}

/**
 * Counts the terms of the document `doc` of `n` token ids (at `input`): unigrams, then (bigrams)
 * each bigram after its second token's unigram, then (first) the first-token term. With `write`,
 * writes the index of each term occurrence in that order at `output`; returns how many.
 */
export function count(n: i32, doc: i32, bigrams: bool, first: bool, write: bool): i32 {
  let out = 0;
  let prev = -1;
  if (pairAt == 0) setPairs(16);
  for (let k = 0; k < n; k++) {
    const t = load<i32>(inAt + (<usize>k << 2));
    if (t >= tokenCapacity) growTokens(t);
    const uni = seeToken(uniAt, t, -1, doc);
    if (write) store<i32>(outAt + (<usize>(out++) << 2), uni);
    if (bigrams && k > 0) {
      const pair = seePair(prev, t, doc);
      if (write) store<i32>(outAt + (<usize>(out++) << 2), pair);
    }
    prev = t;
  }
  if (first && n > 0) {
    const head = seeToken(firstAt, load<i32>(inAt), -2, doc);
    if (write) store<i32>(outAt + (<usize>(out++) << 2), head);
  }
  return out;
}

/**
 * Writes at `output` the indices of the counted terms of `n` token ids at `input` (-1: a token never
 * counted), in `count`'s order, skipping the terms not counted; returns how many.
 */
export function lookup(n: i32, bigrams: bool, first: bool): i32 {
  let out = 0;
  let prev = -1;
  for (let k = 0; k < n; k++) {
    const t = load<i32>(inAt + (<usize>k << 2));
    const uni = find(t, -1);
    if (uni >= 0) store<i32>(outAt + (<usize>(out++) << 2), uni);
    if (bigrams && k > 0 && t >= 0 && prev >= 0) {
      const pair = find(prev, t);
      if (pair >= 0) store<i32>(outAt + (<usize>(out++) << 2), pair);
    }
    prev = t;
  }
  if (first && n > 0) {
    const head = find(load<i32>(inAt), -2);
    if (head >= 0) store<i32>(outAt + (<usize>(out++) << 2), head);
  }
  return out;
}

/** Keeps the terms counted in more than `threshold` documents, renumbered in their order. */
export function prune(threshold: i32): void {
  // Each term's last document, by index.
  const lastAt = alloc(<usize>size << 2);
  for (let t: usize = 0; t < <usize>tokenCapacity; t++) {
    const uni = uniAt + (t << 3);
    const first = firstAt + (t << 3);
    if (load<i32>(uni) != 0) store<i32>(lastAt + ((<usize>load<i32>(uni) - 1) << 2), load<i32>(uni, 4));
    if (load<i32>(first) != 0) store<i32>(lastAt + ((<usize>load<i32>(first) - 1) << 2), load<i32>(first, 4));
  }
  const slots: usize = pairAt == 0 ? 0 : <usize>pairMask + 1;
  for (let s: usize = 0; s < slots; s++) {
    const p = pairAt + (s << 4);
    if (load<i32>(p) != 0) store<i32>(lastAt + (<usize>load<i32>(p, 12) << 2), load<i32>(p, 8));
  }
  memory.fill(uniAt, 0, <usize>tokenCapacity << 3);
  memory.fill(firstAt, 0, <usize>tokenCapacity << 3);
  memory.fill(pairAt, 0, slots << 4);
  pairs = 0;
  let kept = 0;
  for (let i = 0; i < size; i++) {
    const from = <usize>i << 2;
    const df = load<i32>(dfAt + from);
    if (df <= threshold) continue;
    const to = <usize>kept << 2;
    const a = load<i32>(aAt + from);
    const b = load<i32>(bAt + from);
    const last = load<i32>(lastAt + from);
    store<i32>(aAt + to, a);
    store<i32>(bAt + to, b);
    store<i32>(dfAt + to, df);
    if (b < 0) {
      const p = (b == -1 ? uniAt : firstAt) + (<usize>a << 3);
      store<i32>(p, kept + 1);
      store<i32>(p, last, 4);
    } else setSlot(slotOf(a, b), a, b, last, kept);
    kept++;
  }
  size = kept;
}

// A featurizer's: the idf and a count by term index, a vector's distinct ids (and a buffer to sort
// them) and values, room for 3 × `inCapacity` terms.
let idfAt: usize = 0;
let tallyAt: usize = 0;
let distinctAt: usize = 0;
let sortedAt: usize = 0;
let valuesAt: usize = 0;

function vectorRoom(): void {
  distinctAt = alloc((<usize>inCapacity * 3) << 2);
  sortedAt = alloc((<usize>inCapacity * 3) << 2);
  valuesAt = alloc((<usize>inCapacity * 3) << 3);
}

/** Adds term (a, b), not yet there, as the next index (a featurizer's vocabulary, in its order); returns it. */
export function put(a: i32, b: i32): i32 {
  if (b < 0) {
    if (a >= tokenCapacity) growTokens(a);
    return load<i32>(tokenEntry(b == -1 ? uniAt : firstAt, a, b)) - 1;
  }
  if (pairAt == 0) setPairs(16);
  return load<i32>(pairSlot(a, b), 12);
}

/** Room for the idf of every term (written by the caller, f64 by index); returns where. */
export function idf(): usize {
  idfAt = alloc(<usize>size << 3);
  tallyAt = alloc(<usize>size << 2);
  vectorRoom();
  return idfAt;
}

export function vectorIds(): usize {
  return distinctAt;
}

export function vectorValues(): usize {
  return valuesAt;
}

/** Sorts the `n` non-negative ints at `at` ascending (insertion for a few, else radix by bytes through `spare`). */
function sortInts(at: usize, n: i32, spare: usize): usize {
  if (n <= 64) {
    for (let i = 1; i < n; i++) {
      const id = load<i32>(at + (<usize>i << 2));
      let k = i - 1;
      while (k >= 0 && load<i32>(at + (<usize>k << 2)) > id) {
        store<i32>(at + (<usize>(k + 1) << 2), load<i32>(at + (<usize>k << 2)));
        k--;
      }
      store<i32>(at + (<usize>(k + 1) << 2), id);
    }
    return at;
  }
  let largest = 0;
  for (let i = 0; i < n; i++) largest = max(largest, load<i32>(at + (<usize>i << 2)));
  let from = at;
  let to = spare;
  const counts = memory.data(256 * 4);
  for (let shift: u32 = 0; shift < 32 && largest >>> shift != 0; shift += 8) {
    memory.fill(counts, 0, 256 * 4);
    for (let i = 0; i < n; i++) {
      const c = counts + (((<usize>load<i32>(from + (<usize>i << 2)) >>> shift) & 255) << 2);
      store<i32>(c, load<i32>(c) + 1);
    }
    let total = 0;
    for (let d: usize = 0; d < 256; d++) {
      const c = load<i32>(counts + (d << 2));
      store<i32>(counts + (d << 2), total);
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const id = load<i32>(from + (<usize>i << 2));
      const c = counts + (((<usize>id >>> shift) & 255) << 2);
      const slot = load<i32>(c);
      store<i32>(c, slot + 1);
      store<i32>(to + (<usize>slot << 2), id);
    }
    const swap = from;
    from = to;
    to = swap;
  }
  return from;
}

/**
 * The tf-idf vector of the document of `n` token ids at `input` (src/ml/feature-spec.ts): its
 * distinct term ids ascending at `vectorIds`, with `x_j = count_j · idf_j / sqrt(Σ_k count_k · idf_k²)`
 * at `vectorValues`, each sum taken occurrence by occurrence in ascending term order (the floats of
 * the featurizer in JavaScript). Returns how many terms.
 */
export function vector(n: i32, bigrams: bool, first: bool): i32 {
  const found = lookup(n, bigrams, first);
  let distinct = 0;
  for (let k = 0; k < found; k++) {
    const id = load<i32>(outAt + (<usize>k << 2));
    const tally = tallyAt + (<usize>id << 2);
    const c = load<i32>(tally);
    if (c == 0) store<i32>(sortedAt + (<usize>(distinct++) << 2), id);
    store<i32>(tally, c + 1);
  }
  const sorted = sortInts(sortedAt, distinct, distinctAt);
  if (sorted != distinctAt) memory.copy(distinctAt, sorted, <usize>distinct << 2);
  let norm2: f64 = 0;
  for (let k = 0; k < distinct; k++) {
    const id = <usize>load<i32>(distinctAt + (<usize>k << 2));
    const w = load<f64>(idfAt + (id << 3));
    for (let c = load<i32>(tallyAt + (id << 2)); c > 0; c--) norm2 += w * w;
  }
  const norm = Math.max(Math.sqrt(norm2), 1e-12);
  for (let k = 0; k < distinct; k++) {
    const id = <usize>load<i32>(distinctAt + (<usize>k << 2));
    const share = load<f64>(idfAt + (id << 3)) / norm;
    let value: f64 = 0;
    for (let c = load<i32>(tallyAt + (id << 2)); c > 0; c--) value += share;
    store<f64>(valuesAt + (<usize>k << 3), value);
    store<i32>(tallyAt + (id << 2), 0);
  }
  return distinct;
}
