/** `tollgate runs [--status] [--limit] [--json]`. */
import { Command, Option } from "@commander-js/extra-typings";
import { InvalidInputError } from "@tollgate/core/errors";
import { EXECUTION_STATUSES, type ExecutionStatus } from "@tollgate/core/workflow/executions";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, limitOption } from "../options.ts";
import { renderRuns } from "../render.ts";

/** `--status`, in any case. @throws InvalidInputError naming the statuses there are. */
function statusOf(value: string): ExecutionStatus {
  const status = EXECUTION_STATUSES.find((s) => s === value.toUpperCase());
  if (!status) throw new InvalidInputError(`--status ${value} is not one of ${EXECUTION_STATUSES.join(", ")}`);
  return status;
}

export const runsCommand = (ctx: CommandContext) =>
  new Command("runs")
    .description("list runs, newest first")
    .addOption(
      new Option("--status <status>", `filter by status: ${EXECUTION_STATUSES.join(", ")} (any case)`).argParser(
        statusOf,
      ),
    )
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
        { runs: rows.map(({ execution, run }) => ({ ...execution, decision: run?.decision ?? null })) },
        () =>
          rows.length === 0 && opts.status
            ? `no ${opts.status} runs (\`tollgate runs\` lists runs of every status)`
            : renderRuns(rows),
      );
    });
