/** `tollgate stop <run> [--json]`. */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, nameParser } from "../options.ts";

export const stopCommand = (ctx: CommandContext) =>
  new Command("stop")
    .description("stop a running run (Step Functions StopExecution): it ends ABORTED and can be redriven")
    .argument("<run>", "the run's name (see `tollgate runs`)", nameParser("run", "run"))
    .addOption(jsonOption())
    .action(async (name, opts) => {
      const execution = await (await ctx.backend()).stop(name);
      ctx.print(opts.json, execution, () => `run ${name} is ${execution.status} (redrive it to resume)`);
    });
