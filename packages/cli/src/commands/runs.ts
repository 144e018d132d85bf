/** `tollgate runs [--status] [--name] [--from] [--to] [--limit] [--offset] [--json]`: the console's run filters. */
import { Command, Option } from "@commander-js/extra-typings";
import { InvalidInputError } from "@tollgate/core/errors";
import { EXECUTION_STATUSES, type ExecutionStatus } from "@tollgate/core/workflow/executions";
import { type RunFilter, runInstant } from "@tollgate/core/workflow/run-filter";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, limitOption } from "../options.ts";
import { renderRuns } from "../render.ts";

/** `--status`, in any case. @throws InvalidInputError naming the statuses there are. */
function statusOf(value: string): ExecutionStatus {
  const status = EXECUTION_STATUSES.find((s) => s === value.toUpperCase());
  if (!status) throw new InvalidInputError(`--status ${value} is not one of ${EXECUTION_STATUSES.join(", ")}`);
  return status;
}

/** `--from` / `--to`: a day or an ISO time (UTC); a day `--to` includes that day. @throws InvalidInputError */
const instantOf = (option: string, end: boolean) => (value: string) => {
  const parsed = runInstant(end).safeParse(value);
  if (!parsed.success) throw new InvalidInputError(`${option} ${value}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
};

/** `--offset`: a whole number ≥ 0. @throws InvalidInputError */
function offsetOf(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidInputError(`--offset ${value} is not a whole number ≥ 0`);
  return n;
}

/** What the filters say, for "no runs …". */
function described(filter: RunFilter): string {
  return [
    filter.status,
    "runs",
    filter.nameContains ? `named *${filter.nameContains}*` : "",
    filter.startedFrom ? `from ${filter.startedFrom}` : "",
    filter.startedBefore ? `before ${filter.startedBefore}` : "",
    filter.offset ? `after the first ${filter.offset}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

export const runsCommand = (ctx: CommandContext) =>
  new Command("runs")
    .description("list runs, newest first")
    .addOption(
      new Option("--status <status>", `filter by status: ${EXECUTION_STATUSES.join(", ")} (any case)`).argParser(
        statusOf,
      ),
    )
    .option("--name <text>", "only runs whose name contains this (any case)")
    .addOption(
      new Option("--from <date>", "only runs started at or after this day or ISO time (UTC)").argParser(
        instantOf("--from", false),
      ),
    )
    .addOption(
      new Option("--to <date>", "only runs started before this ISO time, or on or before this day (UTC)").argParser(
        instantOf("--to", true),
      ),
    )
    .addOption(limitOption(50))
    .addOption(new Option("--offset <n>", "skip this many matching runs (paging, with --limit)").argParser(offsetOf))
    .addOption(jsonOption())
    .action(async (opts) => {
      const backend = await ctx.backend();
      const filter: RunFilter = {
        ...(opts.status ? { status: opts.status } : {}),
        ...(opts.name ? { nameContains: opts.name } : {}),
        ...(opts.from ? { startedFrom: opts.from } : {}),
        ...(opts.to ? { startedBefore: opts.to } : {}),
        ...(opts.offset ? { offset: opts.offset } : {}),
        limit: opts.limit,
      };
      const executions = await backend.listExecutions(filter);
      const rows = await Promise.all(
        executions.map(async (execution) => ({ execution, run: await backend.getRun(execution.name) })),
      );
      ctx.print(
        opts.json,
        { runs: rows.map(({ execution, run }) => ({ ...execution, decision: run?.decision ?? null })) },
        () =>
          rows.length === 0 && Object.keys(filter).length > 1
            ? `no ${described(filter)} (\`tollgate runs\` lists runs of every status)`
            : renderRuns(rows),
      );
    });
