/** The `tollgate` command: every listing also with --json; errors print one line and exit non-zero. */

import { InvalidInputError } from "@tollgate/core/errors";
import { readConfig } from "@tollgate/local/config";
import { Command, Option } from "commander";
import { etlDetails, renderEtl } from "./aws/etl-details.ts";
import { stageBackend } from "./aws/select.ts";
import type { Backend } from "./backend.ts";
import { registerConsole } from "./commands/console.ts";
import { registerServe } from "./commands/serve.ts";
import { LocalBackend } from "./local-backend.ts";
import { progressPrinter } from "./progress.ts";
import { causeMessage, renderAudit, renderModels, renderRuns, renderShow, stateTimeline } from "./render.ts";

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

type Opts = { json?: boolean; model?: string; dataset?: string; status?: string; limit?: string };

export function buildProgram(io: Io, backendFactory: () => Backend = () => new LocalBackend(readConfig())): Command {
  let backend: Backend | undefined;
  // --stage <name> (or TOLLGATE_STAGE): a deployed AWS stage instead of the local runtime
  const get = () => (backend ??= stageBackend(program.opts<{ stage?: string }>().stage, io) ?? backendFactory());
  const print = (opts: Opts, json: unknown, text: () => string) =>
    io.out(opts.json ? JSON.stringify(json, null, 2) : text());
  const modelOf = async (opts: Opts) => {
    const name = opts.model ?? (await get().defaultModelName());
    if (!name) throw new InvalidInputError("no model yet: pass --model <name> or ingest data first");
    return name;
  };
  const json = new Option("--json", "print JSON");
  const model = new Option("--model <name>", "model name (default: that of the newest run)");
  const dataset = new Option("--dataset <name>", "dataset name (raw/<dataset>/)").default("default");
  const afterRun = (opts: Opts, result: Awaited<ReturnType<Backend["run"]>> & { key?: string }) => {
    const e = result.execution;
    print(opts, result, () => {
      const head = result.started
        ? `run ${result.name}`
        : `already ingested: run ${result.name} (same content, no new run)`;
      const status = e ? `${e.status}${e.error ? ` (${e.error}: ${causeMessage(e.cause)})` : ""}` : "";
      return `${head}  ${status}\nsee: pnpm tollgate show ${result.name}`;
    });
    if (e?.status === "FAILED") process.exitCode = 1;
  };

  const program = new Command("tollgate")
    .description("gated retraining of a text classifier: local runtime of the tollgate workflow")
    .showHelpAfterError()
    .addOption(
      new Option("--stage <name>", "operate a deployed AWS stage (sst deploy --stage <name>)").env("TOLLGATE_STAGE"),
    )
    .hook("postAction", () => backend?.close());

  program
    .command("ingest <file>")
    .description("put a JSON Lines or CSV file (fields text, label) under raw/<dataset>/ and run the workflow")
    .addOption(dataset)
    .addOption(json)
    .action(async (file: string, opts: Opts) =>
      afterRun(opts, await get().ingest(file, opts.dataset!, opts.json ? {} : progressPrinter())),
    );
  program
    .command("run")
    .description("run the workflow on everything under raw/<dataset>/")
    .addOption(dataset)
    .addOption(json)
    .action(async (opts: Opts) => afterRun(opts, await get().run(opts.dataset!, opts.json ? {} : progressPrinter())));
  program
    .command("redrive <run>")
    .description("rerun a failed run from the state that failed, as the same execution (Step Functions redrive)")
    .addOption(json)
    .action(async (name: string, opts: Opts) =>
      afterRun(opts, await get().redrive(name, opts.json ? {} : progressPrinter())),
    );
  program
    .command("runs")
    .description("list runs, newest first")
    .addOption(
      new Option("--status <status>", "filter by status").choices([
        "RUNNING",
        "SUCCEEDED",
        "FAILED",
        "ABORTED",
        "TIMED_OUT",
      ]),
    )
    .option("--limit <n>", "at most n runs", "50")
    .addOption(json)
    .action(async (opts: Opts) => {
      const executions = await get().listExecutions({
        ...(opts.status ? { status: opts.status } : {}),
        limit: Number(opts.limit),
      });
      const rows = await Promise.all(
        executions.map(async (execution) => ({ execution, run: await get().getRun(execution.name) })),
      );
      print(
        opts,
        rows.map(({ execution, run }) => ({ ...execution, decision: run?.decision ?? null })),
        () => renderRuns(rows),
      );
    });
  program
    .command("show <run>")
    .description("a run state by state: durations, metrics, the gate's numbers and decision")
    .addOption(json)
    .action(async (name: string, opts: Opts) => {
      const [execution, events, run] = await Promise.all([
        get().describeExecution(name),
        get().history(name),
        get().getRun(name),
      ]);
      const etl = (await etlDetails(get(), events)) ?? null;
      print(
        opts,
        { execution, states: stateTimeline(events), run: run ?? null, etl, events },
        () => `${renderShow(execution, events, run)}${renderEtl(etl ?? undefined)}`,
      );
    });
  program
    .command("models")
    .description("model versions, metrics, status, and which is live")
    .addOption(model)
    .addOption(json)
    .action(async (opts: Opts) => {
      const name = await modelOf(opts);
      const { versions, live } = await get().listModels(name);
      print(opts, { modelName: name, live: live ?? null, versions }, () => renderModels(name, versions, live));
    });
  program
    .command("promote <version>")
    .description("make a version live (compare-and-swap on the current live version)")
    .addOption(model)
    .addOption(json)
    .action(async (version: string, opts: Opts) => {
      const live = await get().promote(await modelOf(opts), version);
      print(opts, live, () => `${live.modelName}@${live.version} is live (was ${live.previous ?? "nothing"})`);
    });
  program
    .command("rollback")
    .description("make the previously live version live again")
    .addOption(model)
    .addOption(json)
    .action(async (opts: Opts) => {
      const live = await get().rollback(await modelOf(opts));
      print(opts, live, () => `${live.modelName}@${live.version} is live again (was ${live.previous ?? "nothing"})`);
    });
  program
    .command("predict <text...>")
    .description("classify texts with the live model")
    .addOption(model)
    .addOption(json)
    .action(async (texts: string[], opts: Opts) => {
      const predictions = await get().predict(await modelOf(opts), texts);
      print(opts, predictions, () =>
        predictions
          .map((p) => `${p.label}\t${p.probability.toFixed(3)}\t${p.modelVersion}\t${p.text.slice(0, 60)}`)
          .join("\n"),
      );
    });
  program
    .command("audit <run>")
    .description("the audit records (CloudTrail-shaped) of a run")
    .addOption(json)
    .action(async (runId: string, opts: Opts) => {
      await get().describeExecution(runId);
      const records = await get().audit(runId);
      print(opts, records, () => renderAudit(records));
    });
  registerServe(program, io);
  registerConsole(program, io);
  return program;
}
