/** `tollgate lineage <version> [--model] [--json]`: raw files → dataset → run → model → decisions. */
import { Command } from "@commander-js/extra-typings";
import type { Lineage } from "@tollgate/core/registry/lineage";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, modelOption, versionParser } from "../options.ts";
import { table } from "../render.ts";

export function renderLineage(l: Lineage): string {
  const m = l.model;
  const lines = ["raw files"];
  if (l.data) {
    lines.push(
      table(
        ["  FILE", "ROWS", "QUARANTINED"],
        l.data.rawFiles.map((f) => [`  ${f.key}`, f.rows, f.quarantined]),
      ),
    );
  } else lines.push("  (the run's manifest is gone: no record of the files it read)");
  if (l.triggeredBy.length) lines.push(`  uploads that started the run: ${l.triggeredBy.join(", ")}`);
  lines.push(
    `  ↓ Etl`,
    `dataset   ${l.data?.datasetVersion ?? m.datasetVersion}`,
    `  ↓`,
    `run       ${m.runId}${l.run ? `   ${l.run.decision ?? "no decision"}${l.run.reason ? `: ${l.run.reason}` : ""}` : ""}`,
    `  ↓ Train`,
    `model     ${m.modelName}@${m.version}   ${m.status}${l.live && m.status !== "live" ? " (live)" : ""}   created ${m.createdAt}${m.collected ? `   files removed by gc at ${m.collected.at}` : ""}`,
    "",
    l.decisions.length
      ? table(
          ["WHEN", "ACTION", "VERSION", "LIVE BEFORE → AFTER", "WHO", "WHY"],
          l.decisions.map((d) => [
            d.at,
            d.action,
            d.version,
            `${d.live.before ?? "-"} → ${d.live.after ?? "-"}`,
            d.by,
            d.reason ?? "",
          ]),
        )
      : "no promotion, rollback or approval of this version yet",
  );
  return lines.join("\n");
}

export const lineageCommand = (ctx: CommandContext) =>
  new Command("lineage")
    .description("where a version came from and what happened to it: raw files → dataset → run → model → decisions")
    .argument("<version>", "the version (tollgate models lists them)", versionParser("version"))
    .addOption(modelOption())
    .addOption(jsonOption())
    .action(async (version, opts) => {
      const lineage = await (await ctx.backend()).lineage(await ctx.modelOf(opts.model), version);
      ctx.print(opts.json, lineage, () => renderLineage(lineage));
    });
