// AssemblyScript, compiled by `pnpm build:wasm` into packages/core/src/ml/token-table-wasm.ts (see
// term-counts.ts beside it). `TokenTable` (src/ml/token-table.ts): token strings ↔ dense ids, kept
// here as their UTF-16 code units. An open-addressing table of 16-byte slots (FNV-1a hash of the
// token's code units, id + 1 (0: empty), offset and length of its units in the store of units; a
// copy of short tokens in 32-byte slots, to compare there, was no faster: the probes dominate).
// `scanAscii` tokenizes an ASCII text written here as bytes (lowercased through a 256-entry table,
// split where a byte is not [a-z0-9]) and writes the ids of its tokens; other text is split by the
// caller, who looks each token up with `find`. Memory: memory.ts.

import { alloc, moved } from "./memory";

const FNV_OFFSET: u32 = 0x811c9dc5;
const FNV_PRIME: u32 = 16777619;

// Per ASCII byte: its lowercase form when it is a token character ([A-Za-z0-9]), else 0.
let classAt: usize = 0;

// The text: bytes (scanAscii) or code units (find); the ids written.
let textAt: usize = 0;
let textCapacity: usize = 0;
let idsAt: usize = 0;

// Tokens by id: offset and length of their units in the store.
let tokens: i32 = 0;
let tokenCapacity: i32 = 0;
let offsetAt: usize = 0;
let lengthAt: usize = 0;
let unitsAt: usize = 0;
let unitsUsed: usize = 0;
let unitsCapacity: usize = 0;

let slotAt: usize = 0;
let slotMask: u32 = 0;

function init(): void {
  classAt = alloc(256);
  for (let c = 48; c <= 57; c++) store<u8>(classAt + c, c);
  for (let c = 97; c <= 122; c++) store<u8>(classAt + c, c);
  for (let c = 65; c <= 90; c++) store<u8>(classAt + c, c + 32);
  slotMask = 1023;
  slotAt = alloc(16 * 1024);
}

/** Room for a text of `bytes` bytes (or bytes / 2 code units) and its ids; returns where to write it. */
export function text(bytes: usize): usize {
  if (classAt == 0) init();
  if (bytes + 2 > textCapacity) {
    textCapacity = max(bytes + 2, max(2 * textCapacity, 4096));
    textAt = alloc(textCapacity);
    idsAt = alloc(textCapacity << 2);
  }
  return textAt;
}

/** Where `scanAscii` wrote the ids. */
export function ids(): usize {
  return idsAt;
}

export function count(): i32 {
  return tokens;
}

export function offsets(): usize {
  return offsetAt;
}

export function lengths(): usize {
  return lengthAt;
}

export function units(): usize {
  return unitsAt;
}

function insert(slot: u32, h: u32, id: i32, offset: i32, length: i32): void {
  let p = slotAt + (<usize>slot << 4);
  while (load<i32>(p, 4) != 0) {
    slot = (slot + 1) & slotMask;
    p = slotAt + (<usize>slot << 4);
  }
  store<u32>(p, h);
  store<i32>(p, id + 1, 4);
  store<i32>(p, offset, 8);
  store<i32>(p, length, 12);
}

function rehash(): void {
  const from = slotAt;
  const slots = <usize>slotMask + 1;
  slotMask = (slotMask << 1) | 1;
  slotAt = alloc(slots << 5);
  for (let s: usize = 0; s < slots; s++) {
    const p = from + (s << 4);
    const id = load<i32>(p, 4);
    if (id != 0) insert(load<u32>(p) & slotMask, load<u32>(p), id - 1, load<i32>(p, 8), load<i32>(p, 12));
  }
}

/**
 * The id of the token whose code units are at [at, at + length << shift) (`shift` 0: bytes, 1: units),
 * with hash `h`; when absent, added (`add`) or -1.
 */
@inline function findAt(at: usize, length: i32, shift: u32, h: u32, add: bool): i32 {
  let slot = h & slotMask;
  while (true) {
    const p = slotAt + (<usize>slot << 4);
    const entry = load<i32>(p, 4);
    if (entry == 0) break;
    slot = (slot + 1) & slotMask;
    if (load<u32>(p) != h || load<i32>(p, 12) != length) continue;
    const stored = unitsAt + (<usize>load<i32>(p, 8) << 1);
    let same = true;
    for (let k = 0; k < length; k++) {
      const c: u32 = shift == 0 ? <u32>load<u8>(at + k) : <u32>load<u16>(at + (<usize>k << 1));
      if (c != <u32>load<u16>(stored + (<usize>k << 1))) {
        same = false;
        break;
      }
    }
    if (same) return entry - 1;
  }
  if (!add) return -1;
  if (unitsUsed + length > unitsCapacity) {
    const capacity = max(2 * (unitsUsed + length), 4096);
    unitsAt = moved(unitsAt, unitsUsed << 1, capacity << 1);
    unitsCapacity = capacity;
  }
  for (let k = 0; k < length; k++) {
    const c: u16 = shift == 0 ? <u16>load<u8>(at + k) : load<u16>(at + (<usize>k << 1));
    store<u16>(unitsAt + ((unitsUsed + k) << 1), c);
  }
  if (tokens == tokenCapacity) {
    const capacity = max(2 * tokenCapacity, 1024);
    offsetAt = moved(offsetAt, <usize>tokens << 2, <usize>capacity << 2);
    lengthAt = moved(lengthAt, <usize>tokens << 2, <usize>capacity << 2);
    tokenCapacity = capacity;
  }
  const id = tokens++;
  store<i32>(offsetAt + (<usize>id << 2), <i32>unitsUsed);
  store<i32>(lengthAt + (<usize>id << 2), length);
  insert(slot, h, id, <i32>unitsUsed, length);
  unitsUsed += length;
  if (2 * tokens > <i32>slotMask + 1) rehash();
  return id;
}

/** The id of the token of `length` code units at `text`'s start + 2 × `start`, hash `h`; added when absent (`add`), else -1. */
export function find(start: i32, length: i32, h: u32, add: bool): i32 {
  return findAt(textAt + (<usize>start << 1), length, 1, h, add);
}

/**
 * Writes at `ids` the ids of the tokens of the ASCII text of `length` bytes at `text` (the text ends
 * at a NUL byte, as onnxruntime's strings do); a token not in the table is added (`add`) or gets -1.
 * Returns how many.
 */
export function scanAscii(length: i32, add: bool): i32 {
  store<u8>(textAt + length, 0);
  let n = 0;
  let start = -1;
  let h: u32 = 0;
  for (let i = 0; i <= length; i++) {
    const b = load<u8>(textAt + i);
    const c = load<u8>(classAt + b);
    if (c != 0) {
      if (start < 0) {
        start = i;
        h = FNV_OFFSET;
      }
      store<u8>(textAt + i, c);
      h = (h ^ c) * FNV_PRIME;
      continue;
    }
    if (start >= 0) {
      store<i32>(idsAt + (<usize>(n++) << 2), findAt(textAt + start, i - start, 0, h, add));
      start = -1;
    }
    if (b == 0) break;
  }
  return n;
}
