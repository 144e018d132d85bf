/**
 * `tsx bench/scale/spec-check.ts [--shards 16] [--fractions 1,0.5,0.25,0.125,0.0625]`: the bounded
 * Preprocess (docs/adr/0007-feature-spec-from-a-sample.md) against the exact spec on WordNet 3.1.
 * WordNet's rows are cut into `--shards` curated shards (round robin, as hash ranges mix rows); for
 * each fraction f, Preprocess counts the feature spec on the training rows of the first shards up to
 * f of the training rows (f = 1: every row, the exact spec), then one child trains as the workflow's
 * OneChild path does (selection, fit, refit) and Evaluate/Score give the test accuracy. Training
 * always sees every training row: only the vocabulary and document frequencies come from the sample.
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
const results: { fraction: number; specRows: number; features: number; accuracy: number; seconds: number }[] = [];
for (const fraction of values.fractions.split(",").map(Number)) {
  const started = performance.now();
  const ports = freshPorts();
  const specSampleRows = fraction >= 1 ? 1_000_000_000 : Math.max(1, Math.round(trainRows * fraction));
  const { prepared, trained } = await trainedCandidate(ports, `spec-${fraction}`, rows, {
    shards,
    scale: { specSampleRows, rowsPerChild: 1_000_000_000 },
  });
  const evaluation = await evaluated(ports, `spec-${fraction}`, prepared, trained);
  const card = JSON.parse(new TextDecoder().decode(await ports.models.get(trained.cardKey)));
  const result = {
    fraction,
    specRows: Math.min(specSampleRows, trainRows),
    features: card.training.features as number,
    accuracy: evaluation.accuracy,
    seconds: (performance.now() - started) / 1000,
  };
  results.push(result);
  process.stderr.write(
    `fraction ${fraction}: spec on ≤${result.specRows} training rows, ${result.features} features, test accuracy ${result.accuracy.toFixed(4)} (${result.seconds.toFixed(0)} s)\n`,
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
