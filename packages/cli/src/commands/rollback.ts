/** `tollgate rollback [--reason] [--model] [--json]`. */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, modelOption, reasonOption } from "../options.ts";

export const rollbackCommand = (ctx: CommandContext) =>
  new Command("rollback")
    .description("make the version live before the current one live again (each rollback steps back one more)")
    .addOption(reasonOption("why (kept with the decision)"))
    .addOption(modelOption())
    .addOption(jsonOption())
    .action(async (opts) => {
      const live = await (await ctx.backend()).rollback(await ctx.modelOf(opts.model), opts.reason);
      ctx.print(
        opts.json,
        live,
        () => `${live.modelName}@${live.version} is live again (was ${live.previous ?? "nothing"})`,
      );
    });
