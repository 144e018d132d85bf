/**
 * A compact in-memory store of featurized examples (term ids, values and class: about 12 bytes
 * per non-zero feature, a small fraction of the text), bounded in bytes. It lets training
 * shuffle fully each epoch and skip re-tokenising; beyond its bound training streams instead.
 */
import type { SparseVector } from "./featurizer.ts";

/** The arrays' first lengths: features (ids, values) and rows (offsets, classes). */
const FIRST_FEATURES = 256;
const FIRST_ROWS = 32;

export class VectorCache {
  /** Term ids and values of all examples, end to end; example i is `offsets[i] … offsets[i + 1] − 1`, class `classes[i]`. */
  ids = new Int32Array(FIRST_FEATURES);
  values = new Float64Array(FIRST_FEATURES);
  offsets = new Int32Array(FIRST_ROWS);
  classes = new Int32Array(FIRST_ROWS);
  private nnz = 0;
  count = 0;

  constructor(readonly limitBytes: number) {}

  /** A cache over arrays another one holds (e.g. sent to a worker thread); no byte limit. */
  static from(parts: Pick<VectorCache, "ids" | "values" | "offsets" | "classes" | "count">): VectorCache {
    const cache = new VectorCache(Number.POSITIVE_INFINITY);
    cache.ids = parts.ids;
    cache.values = parts.values;
    cache.offsets = parts.offsets;
    cache.classes = parts.classes;
    cache.count = parts.count;
    cache.nnz = parts.offsets[parts.count]!;
    return cache;
  }

  /** Bytes held by the arrays. */
  get bytes(): number {
    return this.ids.byteLength + this.values.byteLength + this.offsets.byteLength + this.classes.byteLength;
  }

  /**
   * Whether a cache limited to `limitBytes` would have stored every example this one holds: `add`
   * checks the limit only when the arrays grow, and their last growth is their size now.
   */
  fitsWithin(limitBytes: number): boolean {
    const grew = this.ids.length > FIRST_FEATURES || this.offsets.length > FIRST_ROWS;
    return !grew || this.bytes <= limitBytes;
  }

  /**
   * Appends an example; false (and nothing stored) when that would pass the byte limit.
   * @example
   * if (!cache.add(featurize(text), y)) streamInstead();
   */
  add(x: SparseVector, y: number): boolean {
    const n = x.ids.length;
    if (this.nnz + n > this.ids.length || this.count + 2 > this.offsets.length) {
      const features = Math.max(this.ids.length, 2 ** Math.ceil(Math.log2(this.nnz + n)));
      const rows = Math.max(this.offsets.length, 2 ** Math.ceil(Math.log2(this.count + 2)));
      if (features * 12 + rows * 8 > this.limitBytes) return false;
      this.ids = grow(this.ids, features, Int32Array);
      this.values = grow(this.values, features, Float64Array);
      this.offsets = grow(this.offsets, rows, Int32Array);
      this.classes = grow(this.classes, rows, Int32Array);
    }
    this.ids.set(x.ids, this.nnz);
    this.values.set(x.values, this.nnz);
    this.classes[this.count] = y;
    this.nnz += n;
    this.count++;
    this.offsets[this.count] = this.nnz;
    return true;
  }

  /**
   * Appends examples of another cache (all, or those at the indices in `subset`, in that order)
   * by copying its arrays: what `add` would store, without a view per example (the byte limit is not checked).
   */
  append(other: VectorCache, subset?: Int32Array): void {
    const n = subset?.length ?? other.count;
    let nnz = 0;
    for (let k = 0; k < n; k++) {
      const i = subset ? subset[k]! : k;
      nnz += other.offsets[i + 1]! - other.offsets[i]!;
    }
    const features = 2 ** Math.ceil(Math.log2(Math.max(FIRST_FEATURES, this.nnz + nnz)));
    const rows = 2 ** Math.ceil(Math.log2(Math.max(FIRST_ROWS, this.count + n + 1)));
    this.ids = grow(this.ids, Math.max(this.ids.length, features), Int32Array);
    this.values = grow(this.values, Math.max(this.values.length, features), Float64Array);
    this.offsets = grow(this.offsets, Math.max(this.offsets.length, rows), Int32Array);
    this.classes = grow(this.classes, Math.max(this.classes.length, rows), Int32Array);
    for (let k = 0; k < n; k++) {
      const i = subset ? subset[k]! : k;
      const start = other.offsets[i]!;
      const end = other.offsets[i + 1]!;
      this.ids.set(other.ids.subarray(start, end), this.nnz);
      this.values.set(other.values.subarray(start, end), this.nnz);
      this.classes[this.count] = other.classes[i]!;
      this.nnz += end - start;
      this.count++;
      this.offsets[this.count] = this.nnz;
    }
  }

  /** Example i: views into the store (valid until the next `add`), and its class. */
  get(i: number): { x: SparseVector; y: number } {
    const start = this.offsets[i]!;
    const end = this.offsets[i + 1]!;
    return { x: { ids: this.ids.subarray(start, end), values: this.values.subarray(start, end) }, y: this.classes[i]! };
  }
}

function grow<A extends Int32Array | Float64Array>(array: A, length: number, Ctor: { new (length: number): A }): A {
  if (length === array.length) return array;
  const next = new Ctor(length);
  next.set(array);
  return next;
}
