/** `tollgate config [--dataset D] [--json] [--schema]`: the effective settings and where each comes from. */
import { Command, Option } from "@commander-js/extra-typings";
import { configJsonSchema, effectiveSettings } from "@tollgate/core/config-file";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, nameParser } from "../options.ts";
import { table } from "../render.ts";

export const configCommand = (ctx: CommandContext) =>
  new Command("config")
    .description("the effective settings (environment > tollgate.config.json > defaults) and where each comes from")
    .option("--schema", "print the JSON Schema of tollgate.config.json")
    .addOption(
      new Option(
        "--dataset <name>",
        "the settings a run of this dataset takes (with tollgate.config.json's datasets.<name>)",
      ).argParser(nameParser("dataset", "--dataset")),
    )
    .addOption(jsonOption())
    .action((opts) => {
      if (opts.schema) {
        ctx.io.out(JSON.stringify(configJsonSchema(), null, 2));
        return;
      }
      const effective = effectiveSettings(process.env, process.cwd(), opts.dataset);
      ctx.print(opts.json, effective, () =>
        [
          `config file: ${effective.file ?? "none (tollgate.config.json here, or TOLLGATE_CONFIG=<path>)"}${effective.dataset ? `\nfor a run of dataset ${effective.dataset}` : ""}`,
          table(
            ["SETTING", "VALUE", "SOURCE", "ENVIRONMENT"],
            effective.settings.map((s) => [
              s.setting,
              s.value === null ? "-" : String(s.value),
              s.source === "dataset" ? `file (datasets.${effective.dataset})` : s.source,
              s.env,
            ]),
          ),
        ].join("\n"),
      );
    });
