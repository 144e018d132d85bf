/** `tollgate promote <version> [--model] [--json]`. */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, modelOption } from "../options.ts";

export const promoteCommand = (ctx: CommandContext) =>
  new Command("promote")
    .description("make a version live (compare-and-swap on the current live version)")
    .argument("<version>")
    .addOption(modelOption())
    .addOption(jsonOption())
    .action(async (version, opts) => {
      const live = await ctx.backend().promote(await ctx.modelOf(opts.model), version);
      ctx.print(opts.json, live, () => `${live.modelName}@${live.version} is live (was ${live.previous ?? "nothing"})`);
    });
