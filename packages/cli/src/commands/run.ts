/** `tollgate run [--dataset] [--force] [--json]`. */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { datasetOption, jsonOption } from "../options.ts";
import { progressPrinter } from "../progress.ts";

export const runCommand = (ctx: CommandContext) =>
  new Command("run")
    .description("run the workflow on everything under raw/<dataset>/")
    .addOption(datasetOption())
    .option(
      "--force",
      "train even when the data and training settings are those of the live model (then the gate decides)",
    )
    .addOption(jsonOption())
    .action(async (opts) =>
      ctx.printRun(
        opts.json,
        await (await ctx.backend()).run(opts.dataset, opts.json ? {} : progressPrinter(), {
          force: opts.force ?? false,
        }),
      ),
    );
