/** `tollgate quarantine <run> [--reason R] [--limit N] [--json]`: the rows the run's Etl step quarantined. */
import { Command } from "@commander-js/extra-typings";
import { takeQuarantined } from "@tollgate/core/workflow/data-quality";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, limitOption, nameParser } from "../options.ts";
import { table } from "../render.ts";

/** A raw row as it is in its file, on one line (only control characters, a CR or a tab…, are escaped), cut to `width`. */
const oneLine = (raw: string, width = 80) => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters escaped
  const flat = raw.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
};

export const quarantineCommand = (ctx: CommandContext) =>
  new Command("quarantine")
    .description("the rows a run's ETL quarantined, with their file, line and reason")
    .argument("<run>", "the run's name (see `tollgate runs`)", nameParser("run", "run"))
    .option("--reason <code>", "only rows quarantined for this reason (e.g. missing_label)")
    .addOption(limitOption(100))
    .addOption(jsonOption())
    .action(async (run, opts) => {
      const { total, rows } = await takeQuarantined((await ctx.backend()).quarantine(run), opts);
      ctx.print(opts.json, { run, total, rows }, () =>
        total === 0
          ? `run ${run} quarantined no rows${opts.reason ? ` for ${opts.reason}` : ""}`
          : [
              table(
                ["SOURCE", "LINE", "REASON", "RAW"],
                rows.map((r) => [r.source, r.line, r.reason, oneLine(r.raw)]),
              ),
              total > rows.length
                ? `(${rows.length} of ${total} rows shown: --limit ${total} shows all)`
                : `${total} rows`,
            ].join("\n"),
      );
    });
