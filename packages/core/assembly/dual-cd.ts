// AssemblyScript, compiled by `pnpm build:wasm` into packages/core/src/ml/dual-cd-wasm.ts. The passes
// of `fitDualCd` (src/ml/dual-cd.ts, where the method is described): the same operations in the
// same order, with JavaScript's own Math.log imported, so the same floats. The caller writes the
// examples, the visiting order of each pass and (scaled) the squared scales; reads the model.
import { alloc } from "./memory";

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
let wAt: usize = 0;
let w1At: usize = 0;
let bAt: usize = 0;
let alphaAt: usize = 0;
let xxAt: usize = 0;
let zAt: usize = 0;
let newtonSteps: i32 = 0;

/**
 * Room for a cache of `nnz` values in `cacheRows` rows, of which `rows` are trained on, over
 * `featureCount` features and `classes` classes (`withScale`: each class's features scaled).
 */
export function prepare(nnz: i32, cacheRows: i32, rows: i32, featureCount: i32, classes: i32, withScale: bool): void {
  C = classes;
  n = rows;
  features = featureCount;
  scaled = withScale;
  first = C == 2 ? 1 : 0;
  binary = C == 2 && !scaled;
  idsAt = alloc(<usize>nnz << 2);
  valuesAt = alloc(<usize>nnz << 3);
  offsetsAt = alloc(<usize>(cacheRows + 1) << 2);
  classesAt = alloc(<usize>cacheRows << 2);
  rowsAt = alloc(<usize>n << 2);
  orderAt = alloc(<usize>n << 2);
  scaleAt = scaled ? alloc((<usize>features * C) << 3) : 0;
  wAt = alloc((<usize>features * C) << 3);
  w1At = binary ? alloc(<usize>features << 3) : 0;
  bAt = alloc(<usize>C << 3);
  alphaAt = alloc((<usize>n * C) << 4);
  xxAt = alloc((scaled ? <usize>n * C : <usize>n) << 3);
  zAt = alloc(<usize>C << 3);
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
export function weights(): usize {
  return wAt;
}
export function bias(): usize {
  return bAt;
}
export function steps(): i32 {
  return newtonSteps;
}

@inline function f64At(base: usize, index: usize): usize {
  return base + (index << 3);
}
@inline function i32Of(base: usize, index: i32): i32 {
  return load<i32>(base + (<usize>index << 2));
}

/** The dual variables at their start, and w and b from them. */
export function init(upper: f64, start: f64): void {
  for (let k = 0; k < n; k++) {
    const i = i32Of(rowsAt, k);
    const from = i32Of(offsetsAt, i);
    const to = i32Of(offsetsAt, i + 1);
    let sq: f64 = 1;
    for (let p = from; p < to; p++) {
      const v = load<f64>(f64At(valuesAt, p));
      sq += v * v;
    }
    if (!scaled) store<f64>(f64At(xxAt, k), sq);
    const label = i32Of(classesAt, i);
    for (let c = first; c < C; c++) {
      const a = f64At(alphaAt, 2 * (<usize>k * C + c));
      store<f64>(a, start);
      store<f64>(a + 8, upper - start);
      const y: f64 = c == label ? 1 : -1;
      store<f64>(f64At(bAt, c), load<f64>(f64At(bAt, c)) + y * start);
      if (scaled) {
        let sum: f64 = 1;
        for (let p = from; p < to; p++) {
          const at = <usize>i32Of(idsAt, p) * C + c;
          const v = load<f64>(f64At(valuesAt, p));
          sum += v * v * load<f64>(f64At(scaleAt, at));
          const w = f64At(wAt, at);
          store<f64>(w, load<f64>(w) + y * start * v * load<f64>(f64At(scaleAt, at)));
        }
        store<f64>(f64At(xxAt, <usize>k * C + c), sum);
      } else if (binary) {
        for (let p = from; p < to; p++) {
          const w = f64At(w1At, i32Of(idsAt, p));
          store<f64>(w, load<f64>(w) + y * start * load<f64>(f64At(valuesAt, p)));
        }
      } else {
        for (let p = from; p < to; p++) {
          const w = f64At(wAt, <usize>i32Of(idsAt, p) * C + c);
          store<f64>(w, load<f64>(w) + y * start * load<f64>(f64At(valuesAt, p)));
        }
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
    } else {
      for (let c = 0; c < C; c++) store<f64>(f64At(zAt, c), load<f64>(f64At(bAt, c)));
      for (let p = from; p < to; p++) {
        const at = <usize>i32Of(idsAt, p) * C;
        const v = load<f64>(f64At(valuesAt, p));
        for (let c = 0; c < C; c++) {
          const z = f64At(zAt, c);
          store<f64>(z, load<f64>(z) + v * load<f64>(f64At(wAt, at + c)));
        }
      }
    }
    const label = i32Of(classesAt, i);
    for (let c = first; c < C; c++) {
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
      if (scaled) {
        for (let p = from; p < to; p++) {
          const at = <usize>i32Of(idsAt, p) * C + c;
          const w = f64At(wAt, at);
          store<f64>(w, load<f64>(w) + delta * load<f64>(f64At(valuesAt, p)) * load<f64>(f64At(scaleAt, at)));
        }
      } else if (binary) {
        for (let p = from; p < to; p++) {
          const w = f64At(w1At, i32Of(idsAt, p));
          store<f64>(w, load<f64>(w) + delta * load<f64>(f64At(valuesAt, p)));
        }
      } else {
        for (let p = from; p < to; p++) {
          const w = f64At(wAt, <usize>i32Of(idsAt, p) * C + c);
          store<f64>(w, load<f64>(w) + delta * load<f64>(f64At(valuesAt, p)));
        }
      }
    }
  }
  return largest;
}

/** The weights of every class in `weights` (two classes: class 1's, and class 0's mirrored). */
export function finish(): void {
  if (binary) for (let j = 0; j < features; j++) store<f64>(f64At(wAt, 2 * j + 1), load<f64>(f64At(w1At, j)));
  if (first == 1) {
    for (let j = 0; j < features; j++) store<f64>(f64At(wAt, 2 * j), -load<f64>(f64At(wAt, 2 * j + 1)));
    store<f64>(bAt, -load<f64>(f64At(bAt, 1)));
  }
}
