/** `tollgate show <run> [--json]`. */
import { Command } from "@commander-js/extra-typings";
import { baselineOfRun } from "@tollgate/core/workflow/data-quality";
import { etlDetails, renderEtl } from "../aws/etl-details.ts";
import { modelOfRun } from "../backend.ts";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, nameParser } from "../options.ts";
import { renderShow, stateTimeline } from "../render.ts";
import { renderQuality } from "../render-quality.ts";

export const showCommand = (ctx: CommandContext) =>
  new Command("show")
    .description("a run state by state: durations, metrics, the gate's numbers and decision")
    .argument("<run>", "the run's name (see `tollgate runs`)", nameParser("run", "run"))
    .addOption(jsonOption())
    .action(async (name, opts) => {
      const backend = ctx.backend();
      const [execution, events, run] = await Promise.all([
        backend.describeExecution(name),
        backend.history(name),
        backend.getRun(name),
      ]);
      const etl = (await etlDetails(backend, events)) ?? null;
      const modelName = run?.modelName ?? modelOfRun(name, execution.input)?.modelName;
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
        { execution, states: stateTimeline(events), run: run ?? null, etl, quality, events },
        () => `${renderShow(execution, events, run)}${renderEtl(etl ?? undefined)}${renderQuality(quality, name)}`,
      );
    });
