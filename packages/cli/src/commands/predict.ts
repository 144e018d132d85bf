/**
 * `tollgate predict <text...> [--top-k K] [--json]` and
 * `tollgate predict --file in.jsonl|in.csv|- [--out out.jsonl|out.csv|-] [--top-k K] [--text-field F]`.
 */
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { finished } from "node:stream/promises";
import { Command, Option } from "@commander-js/extra-typings";
import { InvalidInputError } from "@tollgate/core/errors";
import { z } from "zod";
import { TOP_K } from "../backend.ts";
import { progressBar } from "../batch/progress.ts";
import { type FileFormat, formatOfPath } from "../batch/rows.ts";
import { scoreFile } from "../batch/score-file.ts";
import type { CommandContext } from "../command-context.ts";
import { jsonDocument } from "../json-output.ts";
import { checked, jsonOption, modelOption } from "../options.ts";

/** At most this many failed rows are printed one per line; the summary counts them all. */
const PRINTED_FAILURES = 1000;

const FORMATS = ["jsonl", "csv"] as const;
const FORMAT_HELP = "format (needed for -; else .csv is CSV and any other name JSON Lines)";

/** What a prediction for a text with no known token says (text output and `--json`). */
export const NO_KNOWN_TOKEN =
  "no token of this text is known to the model: the label is the class prior, not a prediction; use words of the training data";

export const predictCommand = (ctx: CommandContext) =>
  new Command("predict")
    .description("classify texts, or every row of a JSON Lines or CSV file, with the live model")
    .argument("[text...]")
    .option("--file <path>", "score each row of a .jsonl or .csv file (- for stdin)")
    .option("--out <path>", "where scored rows go with --file (.jsonl or .csv; default - for stdout)", "-")
    .option("--text-field <name>", "the field (JSON) or column (CSV) holding the text", "text")
    .addOption(new Option("--in-format <format>", `input ${FORMAT_HELP}`).choices(FORMATS))
    .addOption(new Option("--out-format <format>", `output ${FORMAT_HELP}`).choices(FORMATS))
    .addOption(
      new Option(
        "--top-k <k>",
        `list the k most likely classes per text (default ${TOP_K} with --json; 0 with --file)`,
      ).argParser(checked("--top-k", z.coerce.number().int().min(0).max(1000), "a whole number from 0 to 1000")),
    )
    .addOption(modelOption())
    .addOption(jsonOption())
    .action(async (texts, opts) => {
      if (opts.file === undefined && texts.length === 0)
        throw new InvalidInputError("nothing to classify: pass texts or --file <path>");
      const name = await ctx.modelOf(opts.model);
      if (opts.file === undefined) {
        const predictions = (await (await ctx.backend()).predict(name, texts, opts.topK ?? TOP_K)).map((p) =>
          p.knownTokens === false ? { ...p, warning: NO_KNOWN_TOKEN } : p,
        );
        ctx.print(opts.json, { predictions }, () =>
          predictions
            .map(
              (p) =>
                `${p.label}\t${p.probability.toFixed(3)}\t${p.modelVersion}\t${p.text.slice(0, 60)}${"warning" in p ? `\n  warning: ${p.warning}` : ""}`,
            )
            .join("\n"),
        );
        return;
      }
      if (texts.length > 0) throw new InvalidInputError("pass either texts or --file, not both");
      const inputFormat: FileFormat | undefined = opts.inFormat ?? formatOfPath(opts.file);
      if (!inputFormat) throw new InvalidInputError("--file - (stdin) needs --in-format jsonl|csv");
      const outputFormat: FileFormat = opts.outFormat ?? formatOfPath(opts.out) ?? inputFormat;
      const input = opts.file === "-" ? process.stdin : createReadStream(opts.file);
      const output = opts.out === "-" ? process.stdout : createWriteStream(opts.out);
      const model = await (await ctx.backend()).loadVersion(name);
      const bar =
        opts.file === "-" ? undefined : progressBar(process.stderr, statSync(opts.file).size, () => input.bytesRead);
      let printed = 0;
      try {
        const summary = await scoreFile(model, {
          input,
          inputFormat,
          output,
          outputFormat,
          textField: opts.textField,
          topK: opts.topK ?? 0,
          onFailure: (line, reason) => {
            if (printed++ < PRINTED_FAILURES) ctx.io.err(`line ${line}: ${reason}`);
          },
          onProgress: (rows) => bar?.update(rows),
        });
        bar?.done();
        if (output !== process.stdout) {
          output.end();
          await finished(output);
        }
        const rate = Math.round(summary.scored / Math.max(summary.seconds, 1e-9));
        ctx.io.err(
          `scored ${summary.scored} of ${summary.rows} rows with ${name} ${summary.modelVersion} in ${summary.seconds.toFixed(1)}s (${rate} rows/s)` +
            (summary.failed
              ? `; ${summary.failed} failed (listed above by line${summary.failed > PRINTED_FAILURES ? `, first ${PRINTED_FAILURES}` : ""})`
              : ""),
        );
        // The summary as JSON on stdout only when the rows do not go there.
        if (opts.json && output !== process.stdout) ctx.io.out(jsonDocument({ modelName: name, ...summary }, 0));
        if (summary.failed) process.exitCode = 1;
      } finally {
        await model.release();
      }
    });
