/** `tollgate runs [--status] [--limit] [--json]`. */
import { Command, Option } from "@commander-js/extra-typings";
import { EXECUTION_STATUSES } from "@tollgate/core/workflow/executions";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, limitOption } from "../options.ts";
import { renderRuns } from "../render.ts";

export const runsCommand = (ctx: CommandContext) =>
  new Command("runs")
    .description("list runs, newest first")
    .addOption(new Option("--status <status>", "filter by status").choices(EXECUTION_STATUSES))
    .addOption(limitOption(50))
    .addOption(jsonOption())
    .action(async (opts) => {
      const backend = ctx.backend();
      const executions = await backend.listExecutions({
        ...(opts.status ? { status: opts.status } : {}),
        limit: opts.limit,
      });
      const rows = await Promise.all(
        executions.map(async (execution) => ({ execution, run: await backend.getRun(execution.name) })),
      );
      ctx.print(
        opts.json,
        rows.map(({ execution, run }) => ({ ...execution, decision: run?.decision ?? null })),
        () => renderRuns(rows),
      );
    });
