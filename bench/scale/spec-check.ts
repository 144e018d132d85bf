/**
 * `tsx bench/scale/spec-check.ts [--shards 16] [--fractions 1,0.5,0.25,0.125,0.0625]`: the bounded
 * Preprocess (docs/adr/0007-feature-spec-from-a-sample.md) against the exact spec on WordNet 3.1.
 * WordNet's rows are cut into `--shards` curated shards (round robin, as hash ranges mix rows); for
 * each fraction f, `specSampleRows` is f of the training rows, so (f < 1) Preprocess stops counting
 * and the CountTerms Map's children (one per shard here) and MergeTerms count the spec in ⌈1/f⌉ term
 * partitions (f = 1: Preprocess reads every row, the exact spec). Then one child trains as the
 * workflow's OneChild path does (selection, fit, refit) and Evaluate/Score give the test accuracy.
 * Prints whether each spec is byte-identical to the exact one.
 * Prints one line per fraction and a JSON line.
 */
import { parseArgs } from "node:util";
import { readWordnetGlosses } from "@tollgate/local/sample/wordnet";
import { freshPorts } from "../../test/steps/fixtures.ts";
import { evaluated, trainedCandidate } from "../../test/steps/pipeline.ts";
import { machine } from "../train/measure.ts";

const { values } = parseArgs({
  options: { shards: { type: "string", default: "16" }, fractions: { type: "string", default: "1,0.5,0.25,0.125" } },
});
const shards = Number(values.shards);
const rows = (await readWordnetGlosses()).map(({ text, label }) => ({ text, label }));
const trainRows = Math.round(rows.length * 0.8);
const results: {
  fraction: number;
  specRows: number;
  features: number;
  accuracy: number;
  seconds: number;
  sameSpec: boolean;
}[] = [];
let exactSpec: string | undefined;
for (const fraction of values.fractions.split(",").map(Number)) {
  const started = performance.now();
  const ports = freshPorts();
  const specSampleRows = fraction >= 1 ? 1_000_000_000 : Math.max(1, Math.round(trainRows * fraction));
  const { prepared, trained } = await trainedCandidate(ports, `spec-${fraction}`, rows, {
    shards,
    scale: { specSampleRows, rowsPerChild: 1_000_000_000 },
    countPerShard: true,
  });
  const evaluation = await evaluated(ports, `spec-${fraction}`, prepared, trained);
  const card = JSON.parse(new TextDecoder().decode(await ports.models.get(trained.cardKey)));
  const spec = new TextDecoder().decode(await ports.data.get(prepared.featureSpecKey));
  exactSpec ??= fraction >= 1 ? spec : undefined;
  const result = {
    fraction,
    specRows: Math.min(specSampleRows, trainRows),
    features: card.training.features as number,
    accuracy: evaluation.accuracy,
    seconds: (performance.now() - started) / 1000,
    sameSpec: spec === exactSpec,
  };
  results.push(result);
  process.stderr.write(
    `fraction ${fraction}: Preprocess counts ≤${result.specRows} training rows${prepared.exact ? "" : `, then CountTerms in ${prepared.termParts} partitions`}; ${result.features} features, spec ${result.sameSpec ? "identical to" : "DIFFERENT from"} the exact one, test accuracy ${result.accuracy.toFixed(4)} (${result.seconds.toFixed(0)} s)\n`,
  );
}
const exact = results.find((r) => r.fraction >= 1)?.accuracy;
console.log(
  JSON.stringify({
    bench: "scale-spec",
    shards,
    rows: rows.length,
    exact,
    results: results.map((r) => ({ ...r, delta: exact === undefined ? null : r.accuracy - exact })),
    machine: machine(),
  }),
);
