/** `tollgate approve <version> --reason … [--model] [--json]` and `tollgate reject <version> --reason …`. */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, modelOption, reasonOption, versionParser } from "../options.ts";

const why = () =>
  reasonOption("why (required; kept with the decision in the registry and the audit log)").makeOptionMandatory();

export const approveCommand = (ctx: CommandContext) =>
  new Command("approve")
    .description("approve a version pending approval: it goes live by the Promote step's compare-and-swap")
    .argument("<version>", "the version (tollgate models lists them)", versionParser("version"))
    .addOption(why())
    .addOption(modelOption())
    .addOption(jsonOption())
    .action(async (version, opts) => {
      const live = await (await ctx.backend()).approve(await ctx.modelOf(opts.model), version, opts.reason);
      ctx.print(
        opts.json,
        live,
        () => `${live.modelName}@${live.version} approved and live (was ${live.previous ?? "nothing"})`,
      );
    });

export const rejectCommand = (ctx: CommandContext) =>
  new Command("reject")
    .description("reject a version pending approval (the live model is untouched)")
    .argument("<version>", "the version (tollgate models lists them)", versionParser("version"))
    .addOption(why())
    .addOption(modelOption())
    .addOption(jsonOption())
    .action(async (version, opts) => {
      const record = await (await ctx.backend()).reject(await ctx.modelOf(opts.model), version, opts.reason);
      ctx.print(opts.json, record, () => `${record.modelName}@${record.version} ${record.statusReason ?? "rejected"}`);
    });
