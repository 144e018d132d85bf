// AssemblyScript, compiled by `pnpm build:wasm` into packages/core/src/ml/sgd-wasm.ts. A pass of
// AdaGrad SGD over cached examples (src/ml/adagrad.ts `AdaGrad.passCached`, where the method is
// described) and the scoring of cached examples (src/ml/pass.ts `evaluate`): the same operations in
// the same order as the JavaScript (`logitsOfRange`, `softmaxInPlace`, `AdaGrad.stepRange`), with
// JavaScript's own Math.exp and Math.log imported, weights stored as f32 and summed as f64, so the
// same floats. The caller owns the model arrays (views into this memory) and writes the examples.
import { alloc, f32At, f64At, i32Of } from "./memory";

@external("env", "exp")
declare function exp(x: f64): f64;
@external("env", "log")
declare function log(x: f64): f64;

let C: i32 = 0;
let averaged = false;
let wAt: usize = 0;
let uAt: usize = 0;
let gAt: usize = 0;
let bAt: usize = 0;
let gbAt: usize = 0;
let ubAt: usize = 0;
let zAt: usize = 0;
let activeAt: usize = 0;

let idsAt: usize = 0;
let valuesAt: usize = 0;
let offsetsAt: usize = 0;
let classesAt: usize = 0;
let orderAt: usize = 0;
let correct: i32 = 0;

/** Room for a model of `features` × `classes` (f32 weights, f64 accumulators; `average`: the iterate sums too). */
export function prepare(features: i32, classes: i32, average: bool): void {
  C = classes;
  averaged = average;
  wAt = alloc((<usize>features * C) << 2);
  uAt = average ? alloc((<usize>features * C) << 2) : 0;
  gAt = alloc(<usize>features << 3);
  bAt = alloc(<usize>C << 2);
  gbAt = alloc(<usize>C << 3);
  ubAt = average ? alloc(<usize>C << 3) : 0;
  zAt = alloc(<usize>C << 3);
  activeAt = alloc(<usize>C << 2);
}

/** Room for `nnz` features in `rows` examples, and a visiting order of up to `rows` (replaces the last). */
export function examples(nnz: i32, rows: i32): void {
  idsAt = alloc(<usize>nnz << 2);
  valuesAt = alloc(<usize>nnz << 3);
  offsetsAt = alloc(<usize>(rows + 1) << 2);
  classesAt = alloc(<usize>rows << 2);
  orderAt = alloc(<usize>rows << 2);
}

export function weights(): usize {
  return wAt;
}
export function sums(): usize {
  return uAt;
}
export function rowSquares(): usize {
  return gAt;
}
export function bias(): usize {
  return bAt;
}
export function biasSquares(): usize {
  return gbAt;
}
export function biasSums(): usize {
  return ubAt;
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
export function order(): usize {
  return orderAt;
}
/** Examples `score` found right. */
export function right(): i32 {
  return correct;
}


/**
 * The softmax of example i's logits into z (`logitsOfRange`, then `softmaxInPlace`), minus one at
 * its class (the loss gradient); returns its loss (log-sum-exp − the class's logit).
 */
function gradient(i: i32): f64 {
  const from = i32Of(offsetsAt, i);
  const to = i32Of(offsetsAt, i + 1);
  for (let c = 0; c < C; c++) store<f64>(f64At(zAt, c), <f64>load<f32>(f32At(bAt, c)));
  for (let p = from; p < to; p++) {
    const row = <usize>i32Of(idsAt, p) * C;
    const v = load<f64>(f64At(valuesAt, p));
    for (let c = 0; c < C; c++) {
      const z = f64At(zAt, c);
      store<f64>(z, load<f64>(z) + v * <f64>load<f32>(f32At(wAt, row + c)));
    }
  }
  const y = i32Of(classesAt, i);
  const zy = load<f64>(f64At(zAt, y));
  let max = -Infinity;
  for (let c = 0; c < C; c++) if (load<f64>(f64At(zAt, c)) > max) max = load<f64>(f64At(zAt, c));
  let sum: f64 = 0;
  for (let c = 0; c < C; c++) {
    const e = exp(load<f64>(f64At(zAt, c)) - max);
    store<f64>(f64At(zAt, c), e);
    sum += e;
  }
  for (let c = 0; c < C; c++) store<f64>(f64At(zAt, c), load<f64>(f64At(zAt, c)) / sum);
  store<f64>(f64At(zAt, y), load<f64>(f64At(zAt, y)) - 1);
  return max + log(sum) - zy;
}

/**
 * One AdaGrad step on example i with the gradient in z (`AdaGrad.stepRange`); `lag` is the steps
 * taken before it.
 */
function step(i: i32, eta: f64, l2: f64, minGradient: f64, lag: f64): void {
  let m = 0;
  let g2: f64 = 0;
  for (let c = 0; c < C; c++) {
    const g = load<f64>(f64At(zAt, c));
    const gg = g * g;
    g2 += gg;
    if (g >= minGradient || -g >= minGradient) {
      store<i32>(activeAt + (<usize>m << 2), c);
      m++;
    }
    const s = load<f64>(f64At(gbAt, c)) + gg;
    store<f64>(f64At(gbAt, c), s);
    const delta = (-eta * g) / Math.sqrt(s + 1e-12);
    store<f32>(f32At(bAt, c), <f32>(<f64>load<f32>(f32At(bAt, c)) + delta));
    if (averaged) store<f64>(f64At(ubAt, c), load<f64>(f64At(ubAt, c)) + lag * delta);
  }
  if (m == 0) return;
  const from = i32Of(offsetsAt, i);
  const to = i32Of(offsetsAt, i + 1);
  for (let p = from; p < to; p++) {
    const j = <usize>i32Of(idsAt, p);
    const row = j * C;
    const v = load<f64>(f64At(valuesAt, p));
    const s = load<f64>(f64At(gAt, j)) + v * v * g2;
    store<f64>(f64At(gAt, j), s);
    const rate = eta / Math.sqrt(s + 1e-12);
    for (let a = 0; a < m; a++) {
      const c = i32Of(activeAt, a);
      const at = row + c;
      const w = <f64>load<f32>(f32At(wAt, at));
      const delta = -rate * (load<f64>(f64At(zAt, c)) * v + l2 * w);
      store<f32>(f32At(wAt, at), <f32>(w + delta));
      if (averaged) store<f32>(f32At(uAt, at), <f32>(<f64>load<f32>(f32At(uAt, at)) + lag * delta));
    }
  }
}

/** One pass over the `n` examples listed at `order`; `lag` the steps taken before it. Returns the summed loss. */
export function pass(n: i32, eta: f64, l2: f64, minGradient: f64, lag: f64): f64 {
  let loss: f64 = 0;
  for (let k = 0; k < n; k++) {
    const i = i32Of(orderAt, k);
    loss += gradient(i);
    step(i, eta, l2, minGradient, lag + <f64>k);
  }
  return loss;
}

/** The summed loss of the `n` examples listed at `order` under the model (those right: `right`). */
export function score(n: i32): f64 {
  let loss: f64 = 0;
  correct = 0;
  for (let k = 0; k < n; k++) {
    const i = i32Of(orderAt, k);
    loss += gradient(i);
    const y = i32Of(classesAt, i);
    store<f64>(f64At(zAt, y), load<f64>(f64At(zAt, y)) + 1);
    let best = 0;
    for (let c = 1; c < C; c++) if (load<f64>(f64At(zAt, c)) > load<f64>(f64At(zAt, best))) best = c;
    if (best == y) correct++;
  }
  return loss;
}
