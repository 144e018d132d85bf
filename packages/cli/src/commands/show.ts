/** `tollgate show <run> [--json]`. */
import { Command } from "@commander-js/extra-typings";
import { etlDetails, renderEtl } from "../aws/etl-details.ts";
import type { CommandContext } from "../command-context.ts";
import { jsonOption, nameParser } from "../options.ts";
import { renderShow, stateTimeline } from "../render.ts";

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
      ctx.print(
        opts.json,
        { execution, states: stateTimeline(events), run: run ?? null, etl, events },
        () => `${renderShow(execution, events, run)}${renderEtl(etl ?? undefined)}`,
      );
    });
