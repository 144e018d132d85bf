/** `tollgate redrive <run> [--json]`. */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, nameParser } from "../options.ts";
import { progressPrinter } from "../progress.ts";

export const redriveCommand = (ctx: CommandContext) =>
  new Command("redrive")
    .description("rerun a failed run from the state that failed, as the same execution (Step Functions redrive)")
    .argument("<run>", "the run's name (see `tollgate runs`)", nameParser("run", "run"))
    .addOption(jsonOption())
    .action(async (name, opts) =>
      ctx.printRun(opts.json, await (await ctx.backend()).redrive(name, opts.json ? {} : progressPrinter())),
    );
