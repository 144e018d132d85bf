/**
 * Validation-only study (issue 17, session 9): NB-weighted features (NBSVM, Wang & Manning, ACL
 * 2012) for the exact race's dual-CD candidates. Reads the benchmark's split (seed 42), fits on
 * `fit`, scores on `validation` only (the test split is never read here).
 * Usage: node --import tsx bench/train/study-nb.ts <dataset>
 */
import { fitDualCd } from "@tollgate/core/ml/dual-cd";
import { encoder, fillCache } from "@tollgate/core/ml/examples";
import { FeatureSpecBuilder } from "@tollgate/core/ml/feature-spec";
import { metricsFromConfusion } from "@tollgate/core/ml/metrics";
import { nbScale, type ScaleRows } from "@tollgate/core/ml/nb-weights";
import { mulberry32, permutation } from "@tollgate/core/ml/random";
import type { VectorCache } from "@tollgate/core/ml/row-cache";
import { wideFeatures } from "@tollgate/core/ml/wide";
import { loadDataset, stratify } from "./data.ts";
import { datasetByName, type Row } from "./datasets.ts";

const SEED = 42;

function score(model: { weights: Float32Array; bias: Float32Array }, cache: VectorCache, labels: string[]) {
  const C = labels.length;
  const confusion = labels.map(() => new Array<number>(C).fill(0));
  const z = new Float64Array(C);
  for (let i = 0; i < cache.count; i++) {
    for (let c = 0; c < C; c++) z[c] = model.bias[c]!;
    for (let p = cache.offsets[i]!; p < cache.offsets[i + 1]!; p++) {
      const at = cache.ids[p]! * C;
      for (let c = 0; c < C; c++) z[c]! += cache.values[p]! * model.weights[at + c]!;
    }
    let best = 0;
    for (let c = 1; c < C; c++) if (z[c]! > z[best]!) best = c;
    confusion[cache.classes[i]!]![best]!++;
  }
  const m = metricsFromConfusion(labels, confusion);
  return `${m.accuracy.toFixed(4)}/${m.macroF1.toFixed(4)}`;
}

/**
 * An inner split of `fit` (seeded, per label the first 1/9 held out): validation-like rows that are
 * not the validation split. `stratify` of the seeded order (its "at least one" per label never
 * applies here: every label has dozens of `fit` rows).
 */
function innerSplit(rows: Row[], seed: number): { fit: Row[]; validation: Row[] } {
  const order = permutation(rows.length, mulberry32(seed));
  const { head, tail } = stratify(
    Array.from(order, (k) => rows[k]!),
    1 / 9,
  );
  return { fit: tail, validation: head };
}

async function main(name: string, filter: string) {
  const loaded = await loadDataset(datasetByName(name));
  const inner = process.env.INNER_SEED ? innerSplit(loaded.fit, Number(process.env.INNER_SEED)) : undefined;
  const ds = inner ? { ...loaded, ...inner } : loaded;
  const labels = ds.labels;
  const C = labels.length;
  const builder = new FeatureSpecBuilder(labels);
  for (const row of ds.fit) builder.add(row);
  const spec = builder.build();
  const cacheOf = async (rows: Row[], enc: ReturnType<typeof encoder>) =>
    (await fillCache(() => rows, Number.POSITIVE_INFINITY, enc))!;
  const enc = encoder(spec);
  const reps: Array<{ name: string; features: number; train: VectorCache; validation: VectorCache }> = [
    {
      name: "preprocess",
      features: spec.vocabulary.length,
      train: await cacheOf(ds.fit, enc),
      validation: await cacheOf(ds.validation, enc),
    },
  ];
  const wide = await wideFeatures({ train: ds.fit, validation: ds.validation, labels, options: spec.options });
  reps.push({ name: "wide", features: wide.terms, train: wide.train.cache, validation: wide.validation.cache });
  console.log(`${name}: fit ${ds.fit.length}, validation ${ds.validation.length}, classes ${C}`);
  if (process.env.TIMING) {
    // CPU s of one candidate's fit (5 passes, c = 100), plain and NB-weighted (nbScale included), alternated.
    const cpu = (f: () => void) => {
      const t = process.cpuUsage();
      f();
      const u = process.cpuUsage(t);
      return (u.user + u.system) / 1e6;
    };
    for (const rep of reps) {
      const plain: number[] = [];
      const nb: number[] = [];
      const dualCd = (scale?: ScaleRows) =>
        fitDualCd(
          rep.train,
          undefined,
          rep.features,
          C,
          { c: 100, passes: 5, ...(scale ? { scale } : {}) },
          mulberry32(SEED),
        );
      for (let k = 0; k < Number(process.env.TIMING); k++) {
        plain.push(cpu(() => dualCd()));
        nb.push(cpu(() => dualCd(nbScale(rep.train, undefined, rep.features, C))));
      }
      const scaleOnly = cpu(() => nbScale(rep.train, undefined, rep.features, C));
      const f = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(" ");
      console.log(`${rep.name}\tplain ${f(plain)}\tnb ${f(nb)}\tnbScale alone ${scaleOnly.toFixed(3)}`);
    }
    return;
  }
  const variants: Array<{ alpha: number; power: number } | null> = [null];
  const alphas = process.env.ALPHAS ? process.env.ALPHAS.split(",").map(Number) : [1, 0.5, 0.1];
  for (const alpha of alphas) for (const power of [1, 0.5]) variants.push({ alpha, power });
  for (const rep of reps) {
    for (const c of process.env.CS ? process.env.CS.split(",").map(Number) : [100, 10]) {
      for (const v of variants) {
        const tag = v ? `nb a=${v.alpha} pow=${v.power}` : "plain";
        if (filter && !tag.includes(filter) && tag !== "plain") continue;
        const t0 = performance.now();
        const scale = v ? nbScale(rep.train, undefined, rep.features, C, v) : undefined;
        const opts = { c, passes: 5, ...(scale ? { scale } : {}) };
        const model = fitDualCd(rep.train, undefined, rep.features, C, opts, mulberry32(SEED));
        const s = ((performance.now() - t0) / 1000).toFixed(2);
        console.log(`${rep.name}\tc=${c}\t${tag}\t${score(model, rep.validation, labels)}\t${s}s`);
      }
    }
  }
}

await main(process.argv[2] ?? "austen", process.argv[3] ?? "");
