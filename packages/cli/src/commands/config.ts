/** `tollgate config [--json] [--schema]`: the effective settings and where each comes from. */
import { Command } from "@commander-js/extra-typings";
import { configJsonSchema, effectiveSettings } from "@tollgate/core/config-file";
import type { CommandContext } from "../command-context.ts";
import { jsonOption } from "../options.ts";
import { table } from "../render.ts";

export const configCommand = (ctx: CommandContext) =>
  new Command("config")
    .description("the effective settings (environment > tollgate.config.json > defaults) and where each comes from")
    .option("--schema", "print the JSON Schema of tollgate.config.json")
    .addOption(jsonOption())
    .action((opts) => {
      if (opts.schema) {
        ctx.io.out(JSON.stringify(configJsonSchema(), null, 2));
        return;
      }
      const effective = effectiveSettings(process.env);
      ctx.print(opts.json, effective, () =>
        [
          `config file: ${effective.file ?? "none (tollgate.config.json here, or TOLLGATE_CONFIG=<path>)"}`,
          table(
            ["SETTING", "VALUE", "SOURCE", "ENVIRONMENT"],
            effective.settings.map((s) => [
              s.setting,
              s.value === null ? "-" : String(s.value),
              s.source === "file" ? "file" : s.source,
              s.env,
            ]),
          ),
        ].join("\n"),
      );
    });
