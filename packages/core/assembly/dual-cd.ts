// AssemblyScript, compiled by `pnpm build:wasm` into packages/core/src/ml/dual-cd-wasm.ts. The passes
// of `fitDualCd` (src/ml/dual-cd.ts, where the method is described): the same operations in the
// same order, with JavaScript's own Math.log imported, so the same floats. The sweeps over an
// example's features serve every class at once, two classes per f64x2 (SIMD: each lane the same
// multiply and add, in the same order, as a sweep per class; a class whose α did not move keeps its
// weights bit for bit through a mask). The caller writes the examples, the visiting order of each
// pass and (scaled) the squared scales, as distinct rows and each feature's row; reads the model.
import { alloc, f64At, i32Of, reset } from "./memory";

@external("env", "log")
declare function log(x: f64): f64;

let C: i32 = 0;
let first: i32 = 0;
let n: i32 = 0;
let features: i32 = 0;
let scaled = false;
let binary = false;

let idsAt: usize = 0;
let valuesAt: usize = 0;
let offsetsAt: usize = 0;
let classesAt: usize = 0;
let rowsAt: usize = 0;
let orderAt: usize = 0;
let scaleAt: usize = 0;
let rowOfAt: usize = 0;
let wAt: usize = 0;
let w1At: usize = 0;
let bAt: usize = 0;
let alphaAt: usize = 0;
let xxAt: usize = 0;
let zAt: usize = 0;
let deltaAt: usize = 0;
let maskAt: usize = 0;
/** Classes in f64x2 pairs (an odd class count's last class on its own). */
let pairs: i32 = 0;
let newtonSteps: i32 = 0;

/**
 * Room for a cache of `nnz` values in `cacheRows` rows, of which `rows` are trained on, over
 * `featureCount` features and `classes` classes (`withScale`: each class's features scaled).
 */
export function prepare(
  nnz: i32,
  cacheRows: i32,
  rows: i32,
  featureCount: i32,
  classes: i32,
  withScale: bool,
  scaleRows: i32,
): void {
  reset();
  C = classes;
  n = rows;
  features = featureCount;
  scaled = withScale;
  first = C == 2 ? 1 : 0;
  pairs = C >> 1;
  binary = C == 2 && !scaled;
  idsAt = alloc(<usize>nnz << 2);
  valuesAt = alloc(<usize>nnz << 3);
  offsetsAt = alloc(<usize>(cacheRows + 1) << 2);
  classesAt = alloc(<usize>cacheRows << 2);
  rowsAt = alloc(<usize>n << 2);
  orderAt = alloc(<usize>n << 2);
  scaleAt = scaled ? alloc((<usize>scaleRows * C) << 3) : 0;
  rowOfAt = scaled ? alloc(<usize>features << 2) : 0;
  wAt = alloc((<usize>features * C) << 3);
  memory.fill(wAt, 0, (<usize>features * C) << 3);
  w1At = binary ? alloc(<usize>features << 3) : 0;
  if (binary) memory.fill(w1At, 0, <usize>features << 3);
  bAt = alloc(<usize>C << 3);
  memory.fill(bAt, 0, <usize>C << 3);
  alphaAt = alloc((<usize>n * C) << 4);
  xxAt = alloc((scaled ? <usize>n * C : <usize>n) << 3);
  zAt = alloc(<usize>C << 3);
  deltaAt = alloc(<usize>C << 3);
  maskAt = alloc(<usize>C << 3);
}

export function ids(): usize {
  return idsAt;
}
export function values(): usize {
  return valuesAt;
}
export function offsets(): usize {
  return offsetsAt;
}
export function classes(): usize {
  return classesAt;
}
export function rows(): usize {
  return rowsAt;
}
export function order(): usize {
  return orderAt;
}
export function scale(): usize {
  return scaleAt;
}
export function rowOf(): usize {
  return rowOfAt;
}
export function weights(): usize {
  return wAt;
}
export function bias(): usize {
  return bAt;
}
export function steps(): i32 {
  return newtonSteps;
}


/** The dual variables at their start, and w and b from them. */
export function init(upper: f64, start: f64): void {
  for (let k = 0; k < n; k++) {
    const i = i32Of(rowsAt, k);
    const from = i32Of(offsetsAt, i);
    const to = i32Of(offsetsAt, i + 1);
    const label = i32Of(classesAt, i);
    if (!scaled) {
      let sq: f64 = 1;
      for (let p = from; p < to; p++) {
        const v = load<f64>(f64At(valuesAt, p));
        sq += v * v;
      }
      store<f64>(f64At(xxAt, k), sq);
    }
    for (let c = 0; c < C; c++) {
      const y: f64 = c == label ? 1 : -1;
      // (z: y · start of each class trained; the mask: all ones for those, zero for a class left out)
      store<f64>(f64At(zAt, c), c < first ? 0 : y * start);
      store<i64>(f64At(maskAt, c), c < first ? 0 : -1);
      if (c < first) continue;
      const a = f64At(alphaAt, 2 * (<usize>k * C + c));
      store<f64>(a, start);
      store<f64>(a + 8, upper - start);
      store<f64>(f64At(bAt, c), load<f64>(f64At(bAt, c)) + y * start);
      if (scaled) store<f64>(f64At(xxAt, <usize>k * C + c), 1);
    }
    if (binary) {
      const ys = load<f64>(f64At(zAt, 1));
      for (let p = from; p < to; p++) {
        const w = f64At(w1At, i32Of(idsAt, p));
        store<f64>(w, load<f64>(w) + ys * load<f64>(f64At(valuesAt, p)));
      }
      continue;
    }
    // Every class at once, two by two: w_c += y_c · start · x (⊙ s_c) and (scaled) ‖x ⊙ s_c‖² + 1,
    // each weight and sum given the same operations in the same order as a sweep per class.
    const xx = f64At(xxAt, <usize>k * C);
    for (let p = from; p < to; p++) {
      const v = load<f64>(f64At(valuesAt, p));
      const v2 = f64x2.splat(v);
      const at = <usize>i32Of(idsAt, p) * C;
      const sr = scaled ? <usize>i32Of(rowOfAt, i32Of(idsAt, p)) * C : 0;
      for (let q = 0; q < pairs; q++) {
        const w = f64At(wAt, at + 2 * q);
        const ys = v128.load(f64At(zAt, 2 * q));
        const keep = v128.load(f64At(maskAt, 2 * q));
        const old = v128.load(w);
        if (scaled) {
          const sc = v128.load(f64At(scaleAt, sr + 2 * q));
          const sum = f64At(xx, 2 * q);
          const vv = f64x2.splat(v * v);
          v128.store(sum, v128.bitselect(f64x2.add(v128.load(sum), f64x2.mul(vv, sc)), v128.load(sum), keep));
          v128.store(w, v128.bitselect(f64x2.add(old, f64x2.mul(f64x2.mul(ys, v2), sc)), old, keep));
        } else v128.store(w, v128.bitselect(f64x2.add(old, f64x2.mul(ys, v2)), old, keep));
      }
      if (C & 1) {
        const c = C - 1;
        const w = f64At(wAt, at + c);
        const ys = load<f64>(f64At(zAt, c));
        if (scaled) {
          const sc = load<f64>(f64At(scaleAt, sr + c));
          const sum = f64At(xx, c);
          store<f64>(sum, load<f64>(sum) + v * v * sc);
          store<f64>(w, load<f64>(w) + ys * v * sc);
        } else store<f64>(w, load<f64>(w) + ys * v);
      }
    }
  }
}

/** One pass in the order at `order`; returns the largest projected gradient (its Newton steps: `steps`). */
export function pass(upper: f64, innerTolerance: f64): f64 {
  let largest: f64 = 0;
  newtonSteps = 0;
  for (let s = 0; s < n; s++) {
    const k = i32Of(orderAt, s);
    const i = i32Of(rowsAt, k);
    const from = i32Of(offsetsAt, i);
    const to = i32Of(offsetsAt, i + 1);
    if (binary) {
      let z1 = load<f64>(f64At(bAt, 1));
      for (let p = from; p < to; p++) z1 += load<f64>(f64At(valuesAt, p)) * load<f64>(f64At(w1At, i32Of(idsAt, p)));
      store<f64>(f64At(zAt, 1), z1);
    } else dot(from, to);
    const label = i32Of(classesAt, i);
    let moved = 0;
    for (let c = first; c < C; c++) {
      store<i64>(f64At(maskAt, c), 0);
      const a = load<f64>(f64At(xxAt, scaled ? <usize>k * C + c : <usize>k));
      const y: f64 = c == label ? 1 : -1;
      const base = f64At(alphaAt, 2 * (<usize>k * C + c));
      const bb = y * load<f64>(f64At(zAt, c));
      // Minimize over α (ind1) or its complement, whichever the gradient points to.
      let ind1 = base;
      let ind2 = base + 8;
      let sign: f64 = 1;
      if (0.5 * a * (load<f64>(ind2) - load<f64>(ind1)) + bb < 0) {
        ind1 = base + 8;
        ind2 = base;
        sign = -1;
      }
      const old = load<f64>(ind1);
      let x = upper - old < 0.5 * upper ? 0.1 * old : old;
      let gp = a * (x - old) + sign * bb + log(x / (upper - x));
      largest = Math.max(largest, Math.abs(gp));
      let tries = 0;
      while (tries <= 100 && Math.abs(gp) >= innerTolerance) {
        const gpp = a + upper / (upper - x) / x;
        const next = x - gp / gpp;
        x = next <= 0 ? 0.1 * x : next;
        gp = a * (x - old) + sign * bb + log(x / (upper - x));
        tries++;
      }
      newtonSteps += tries;
      if (tries == 0) continue;
      store<f64>(ind1, x);
      store<f64>(ind2, upper - x);
      const delta = sign * (x - old) * y;
      store<f64>(f64At(bAt, c), load<f64>(f64At(bAt, c)) + delta);
      store<f64>(f64At(deltaAt, c), delta);
      store<i64>(f64At(maskAt, c), -1);
      moved++;
    }
    if (moved == 0) continue;
    if (binary) {
      const delta = load<f64>(f64At(deltaAt, 1));
      for (let p = from; p < to; p++) {
        const w = f64At(w1At, i32Of(idsAt, p));
        store<f64>(w, load<f64>(w) + delta * load<f64>(f64At(valuesAt, p)));
      }
    } else update(from, to);
  }
  return largest;
}

/** z_c = b_c + w_c · x for every class, two by two (each sum in the order of the features). */
function dot(from: i32, to: i32): void {
  for (let c = 0; c < C; c++) store<f64>(f64At(zAt, c), load<f64>(f64At(bAt, c)));
  for (let p = from; p < to; p++) {
    const at = <usize>i32Of(idsAt, p) * C;
    const v = load<f64>(f64At(valuesAt, p));
    const v2 = f64x2.splat(v);
    for (let q = 0; q < pairs; q++) {
      const z = f64At(zAt, 2 * q);
      v128.store(z, f64x2.add(v128.load(z), f64x2.mul(v2, v128.load(f64At(wAt, at + 2 * q)))));
    }
    if (C & 1) {
      const z = f64At(zAt, C - 1);
      store<f64>(z, load<f64>(z) + v * load<f64>(f64At(wAt, at + C - 1)));
    }
  }
}

/**
 * w_c += δ_c x (⊙ s_c) for the classes whose α moved (mask all ones; the others keep their
 * weights bit for bit): one sweep over the example's features, two classes at a time.
 */
function update(from: i32, to: i32): void {
  for (let p = from; p < to; p++) {
    const at = <usize>i32Of(idsAt, p) * C;
    const sr = scaled ? <usize>i32Of(rowOfAt, i32Of(idsAt, p)) * C : 0;
    const v = load<f64>(f64At(valuesAt, p));
    const v2 = f64x2.splat(v);
    for (let q = 0; q < pairs; q++) {
      const w = f64At(wAt, at + 2 * q);
      const old = v128.load(w);
      const step = f64x2.mul(v128.load(f64At(deltaAt, 2 * q)), v2);
      const add = scaled ? f64x2.mul(step, v128.load(f64At(scaleAt, sr + 2 * q))) : step;
      v128.store(w, v128.bitselect(f64x2.add(old, add), old, v128.load(f64At(maskAt, 2 * q))));
    }
    if (C & 1 && load<i64>(f64At(maskAt, C - 1)) != 0) {
      const c = C - 1;
      const w = f64At(wAt, at + c);
      const delta = load<f64>(f64At(deltaAt, c));
      if (scaled) store<f64>(w, load<f64>(w) + delta * v * load<f64>(f64At(scaleAt, sr + c)));
      else store<f64>(w, load<f64>(w) + delta * v);
    }
  }
}

/** The weights of every class in `weights` (two classes: class 1's, and class 0's mirrored). */
export function finish(): void {
  if (binary) for (let j = 0; j < features; j++) store<f64>(f64At(wAt, 2 * j + 1), load<f64>(f64At(w1At, j)));
  if (first == 1) {
    for (let j = 0; j < features; j++) store<f64>(f64At(wAt, 2 * j), -load<f64>(f64At(wAt, 2 * j + 1)));
    store<f64>(bAt, -load<f64>(f64At(bAt, 1)));
  }
}
