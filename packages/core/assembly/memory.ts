// The modules' memory (AssemblyScript, imported by every module): a bump allocator that never
// frees. A region that grows moves to the end (at most as much again is left behind), and fresh
// pages are zero. `reset` starts over in the memory already grown (dual CD reuses one instance per
// thread: its pages are then already mapped, which its first sweep over fresh ones paid for).

let heap: usize = 0;

/** Throws the caller's named error (src/ml/wasm.ts: `WasmMemoryError`) for `bytes` that do not fit. */
@external("env", "outOfMemory")
declare function outOfMemory(bytes: usize): void;

export function alloc(bytes: usize): usize {
  if (heap == 0) heap = (__heap_base + 15) & ~15;
  const at = heap;
  heap = (at + bytes + 15) & ~15;
  const pages = <i32>((heap + 0xffff) >>> 16);
  const have = memory.size();
  if (pages > have && memory.grow(pages - have) < 0) {
    outOfMemory(bytes);
    unreachable();
  }
  return at;
}

/** A copy of `bytes` at `from` in a new region of `capacity` bytes. */
export function moved(from: usize, bytes: usize, capacity: usize): usize {
  const to = alloc(capacity);
  memory.copy(to, from, bytes);
  return to;
}

/** Forgets every region: the memory stays grown, and regions handed out again are not zero. */
export function reset(): void {
  heap = 0;
}

/** The address of the f64 at `index` of the array at `base`. */
@inline export function f64At(base: usize, index: usize): usize {
  return base + (index << 3);
}
/** The address of the f32 at `index` of the array at `base`. */
@inline export function f32At(base: usize, index: usize): usize {
  return base + (index << 2);
}
/** The i32 at `index` of the array at `base`. */
@inline export function i32Of(base: usize, index: i32): i32 {
  return load<i32>(base + (<usize>index << 2));
}
