/** `tollgate show <run> [--map <State>] [--json]`; a Distributed Map child opens the same way. */
import { Command } from "@commander-js/extra-typings";
import { InvalidInputError } from "@tollgate/core/errors";
import { baselineOfRun } from "@tollgate/core/workflow/data-quality";
import { arnTail, childIndex, mapRunViews, type ParentRun } from "@tollgate/core/workflow/map-runs";
import { etlDetails, renderEtl } from "../aws/etl-details.ts";
import { type Backend, type ExecutionSummary, modelOfRun } from "../backend.ts";
import type { CommandContext } from "../command-context.ts";
import { executionRefParser, jsonOption } from "../options.ts";
import { renderMapChildren, renderShow, stateTimeline } from "../render.ts";
import { renderQuality } from "../render-quality.ts";

/** A child's run, Map state and item (DescribeMapRun of its Map Run, the state from the run's history). */
async function parentOf(backend: Backend, execution: ExecutionSummary): Promise<ParentRun | null> {
  if (!execution.mapRunArn) return null;
  const described = await backend.describeMapRun(execution.mapRunArn);
  const name = arnTail(described.executionArn);
  const [mapRun = described] = mapRunViews([described], await backend.history(name));
  return {
    name,
    stateName: mapRun.stateName,
    mapRunArn: mapRun.mapRunArn,
    index: childIndex(execution.name),
  };
}

export const showCommand = (ctx: CommandContext) =>
  new Command("show")
    .description("a run state by state: durations, metrics, the gate's numbers and decision; Map states' children")
    .argument("<run>", "the run's name (see `tollgate runs`), or a Map child's (see `--map`)", executionRefParser)
    .option("--map <state>", "list the child executions of this Distributed Map state (each opens with `show`)")
    .addOption(jsonOption())
    .action(async (name, opts) => {
      const backend = await ctx.backend();
      const [execution, events, run] = await Promise.all([
        backend.describeExecution(name),
        backend.history(name),
        backend.getRun(name),
      ]);
      const parent = await parentOf(backend, execution);
      const mapRuns = parent ? [] : mapRunViews(await backend.mapRuns(name), events);
      if (opts.map) {
        const ofState = mapRuns.filter((r) => r.stateName === opts.map);
        if (ofState.length === 0) {
          const states = [...new Set(mapRuns.map((r) => r.stateName))].join(", ") || "none";
          throw new InvalidInputError(`run ${name} has no Map Run of state ${opts.map} (its Map states: ${states})`);
        }
        for (const r of ofState) r.children = await backend.mapRunChildren(r.mapRunArn);
      }
      const etl = parent ? null : ((await etlDetails(backend, events)) ?? null);
      const modelName = parent ? undefined : (run?.modelName ?? modelOfRun(name, execution.input)?.modelName);
      const baseline = baselineOfRun(execution.output);
      // data quality is extra: a stage whose data bucket this identity cannot read still shows the run
      const quality = modelName
        ? await backend.dataQuality(name, modelName, baseline).then(
            (q) => q ?? null,
            (err: Error) => {
              ctx.io.err(`note: no data-quality figures (${err.name}: ${err.message})`);
              return null;
            },
          )
        : null;
      ctx.print(
        opts.json,
        { execution, parent, states: stateTimeline(events), mapRuns, run: run ?? null, etl, quality, events },
        () =>
          opts.map
            ? renderMapChildren(name, opts.map, mapRuns)
            : `${renderShow(execution, events, run, mapRuns, parent)}${renderEtl(etl ?? undefined)}${renderQuality(quality, name)}`,
      );
    });
