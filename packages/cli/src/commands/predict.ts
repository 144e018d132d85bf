/** `tollgate predict <text...> [--model] [--json]`. */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, modelOption } from "../options.ts";

export const predictCommand = (ctx: CommandContext) =>
  new Command("predict")
    .description("classify texts with the live model")
    .argument("<text...>")
    .addOption(modelOption())
    .addOption(jsonOption())
    .action(async (texts, opts) => {
      const predictions = await ctx.backend().predict(await ctx.modelOf(opts.model), texts);
      ctx.print(opts.json, predictions, () =>
        predictions
          .map((p) => `${p.label}\t${p.probability.toFixed(3)}\t${p.modelVersion}\t${p.text.slice(0, 60)}`)
          .join("\n"),
      );
    });
