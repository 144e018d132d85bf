/** `tollgate ingest <file> [--dataset] [--json]`. */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { checkInputFile } from "../input-file.ts";
import { datasetOption, jsonOption } from "../options.ts";
import { progressPrinter } from "../progress.ts";

export const ingestCommand = (ctx: CommandContext) =>
  new Command("ingest")
    .description("put a JSON Lines or CSV file (fields text, label) under raw/<dataset>/ and run the workflow")
    .argument("<file>")
    .addOption(datasetOption())
    .addOption(jsonOption())
    .action(async (file, opts) => {
      await checkInputFile(file);
      ctx.printRun(
        opts.json,
        await (await ctx.backend()).ingest(file, opts.dataset, opts.json ? {} : progressPrinter()),
      );
    });
