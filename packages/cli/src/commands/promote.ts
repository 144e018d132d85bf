/** `tollgate promote <version> | --to-previous <n> [--reason] [--model] [--json]`. */
import { Command, Option } from "@commander-js/extra-typings";
import { InvalidInputError } from "@tollgate/core/errors";
import type { CommandContext } from "../command-context.ts";
import { countParser, jsonOption, modelOption, reasonOption, versionParser } from "../options.ts";

export const promoteCommand = (ctx: CommandContext) =>
  new Command("promote")
    .description(
      "make a version live (compare-and-swap on the current live version); a gate-rejected one needs --reason",
    )
    .argument("[version]", "the version to make live (tollgate models lists them)", versionParser("version"))
    .addOption(
      new Option(
        "--to-previous <n>",
        "instead of a version: the one live n versions ago (1 is what rollback does)",
      ).argParser(countParser("--to-previous")),
    )
    .addOption(reasonOption("why (required for a version the gate rejected; kept with the decision)"))
    .addOption(modelOption())
    .addOption(jsonOption())
    .action(async (version, opts) => {
      if ((version === undefined) === (opts.toPrevious === undefined))
        throw new InvalidInputError("name a version or pass --to-previous <n> (one of them)");
      const backend = await ctx.backend();
      const model = await ctx.modelOf(opts.model);
      const live =
        version === undefined
          ? await backend.rollback(model, opts.reason, opts.toPrevious)
          : await backend.promote(model, version, opts.reason);
      ctx.print(opts.json, live, () => `${live.modelName}@${live.version} is live (was ${live.previous ?? "nothing"})`);
    });
