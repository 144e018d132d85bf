/** `tollgate gc --keep N [--dry-run] [--raw] [--model] [--json]`: retention (docs/retention.md). */
import { Command, Option } from "@commander-js/extra-typings";
import { AREAS, type GcReport } from "@tollgate/core/registry/retention";
import type { CommandContext } from "../command-context.ts";
import { countParser, jsonOption, nameParser } from "../options.ts";
import { table } from "../render.ts";

/** Bytes as B, KiB, MiB or GiB with one decimal. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function renderReport(r: GcReport, raw: boolean): string {
  const verb = r.dryRun ? "would free" : "freed";
  const lines = [`${r.model}: ${verb} ${formatBytes(r.bytes)} (${r.bytes} bytes)`];
  lines.push(
    table(
      ["AREA", "OBJECTS", "BYTES"],
      AREAS.map((area) => [
        area,
        area === "raw" && !raw ? "-" : r.freed[area].objects,
        area === "raw" && !raw ? "kept (--raw removes it)" : formatBytes(r.freed[area].bytes),
      ]),
    ),
  );
  const rows = [
    ...r.kept.map((k) => ["kept", k.version, k.why.join(", ")]),
    ...r.collected.map((c) => [r.dryRun ? "would collect" : "collected", c.version, formatBytes(c.bytes)]),
  ];
  if (rows.length) lines.push(table(["", "VERSION", "WHY / BYTES"], rows));
  if (r.alreadyCollected.length) lines.push(`collected earlier: ${r.alreadyCollected.join(", ")}`);
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines.join("\n");
}

export const gcCommand = (ctx: CommandContext) =>
  new Command("gc")
    .description(
      "remove old model versions, their run artifacts and unused curated/prepared data; keeps the live version, the one before it and what their lineage needs",
    )
    .addOption(
      new Option("--keep <n>", "how many of the newest versions to keep (besides live and previous)")
        .argParser(countParser("--keep"))
        .makeOptionMandatory(),
    )
    .option("--dry-run", "say what would be removed and the bytes it would free; remove nothing")
    .option("--raw", "also remove raw/ files that only collected versions read (raw/ is kept otherwise)")
    .addOption(
      new Option("--model <name>", "only this model (default: every model)").argParser(nameParser("model", "--model")),
    )
    .addOption(jsonOption())
    .action(async (opts) => {
      const dryRun = opts.dryRun ?? false;
      const raw = opts.raw ?? false;
      const reports = await (await ctx.backend()).gc({ model: opts.model, keep: opts.keep, dryRun, raw });
      const bytes = reports.reduce((n, r) => n + r.bytes, 0);
      ctx.print(opts.json, { dryRun, keep: opts.keep, raw, bytes, models: reports }, () =>
        reports.length === 0
          ? "no model has files yet: nothing to collect"
          : [...reports.map((r) => renderReport(r, raw)), dryRun ? "(dry run: nothing was removed)" : ""]
              .filter(Boolean)
              .join("\n\n"),
      );
    });
