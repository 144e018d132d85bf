/** `tollgate predict <text...> [--model] [--json]`. */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, modelOption } from "../options.ts";

/** What a prediction for a text with no known token says (text output and `--json`). */
export const NO_KNOWN_TOKEN =
  "no token of this text is known to the model: the label is the class prior, not a prediction; use words of the training data";

export const predictCommand = (ctx: CommandContext) =>
  new Command("predict")
    .description("classify texts with the live model")
    .argument("<text...>")
    .addOption(modelOption())
    .addOption(jsonOption())
    .action(async (texts, opts) => {
      const predictions = (await ctx.backend().predict(await ctx.modelOf(opts.model), texts)).map((p) =>
        p.knownTokens === false ? { ...p, warning: NO_KNOWN_TOKEN } : p,
      );
      ctx.print(opts.json, predictions, () =>
        predictions
          .map(
            (p) =>
              `${p.label}\t${p.probability.toFixed(3)}\t${p.modelVersion}\t${p.text.slice(0, 60)}${"warning" in p ? `\n  warning: ${p.warning}` : ""}`,
          )
          .join("\n"),
      );
    });
