/** `tollgate audit <run> [--json]`. */
import { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, nameParser } from "../options.ts";
import { renderAudit } from "../render.ts";

export const auditCommand = (ctx: CommandContext) =>
  new Command("audit")
    .description("the audit records (CloudTrail-shaped) of a run")
    .argument("<run>", "the run's name (see `tollgate runs`)", nameParser("run", "run"))
    .addOption(jsonOption())
    .action(async (runId, opts) => {
      const backend = await ctx.backend();
      await backend.describeExecution(runId);
      const records = await backend.audit(runId);
      ctx.print(opts.json, { run: runId, records }, () => renderAudit(records));
    });
