/** `tollgate models [--model] [--json]`. */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, modelOption } from "../options.ts";
import { renderModels } from "../render.ts";

export const modelsCommand = (ctx: CommandContext) =>
  new Command("models")
    .description("model versions, metrics, status, and which is live")
    .addOption(modelOption())
    .addOption(jsonOption())
    .action(async (opts) => {
      const name = await ctx.modelOf(opts.model);
      const backend = ctx.backend();
      const [{ versions, live }, decisions] = await Promise.all([backend.listModels(name), backend.decisions(name)]);
      ctx.print(opts.json, { modelName: name, live: live ?? null, versions, decisions }, () =>
        renderModels(name, versions, live, decisions),
      );
    });
