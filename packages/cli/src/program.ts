/**
 * The `tollgate` command: the root (with `--stage`, which picks the backend) and one file per
 * command under commands/. Every listing also has --json; errors print one line and exit non-zero
 * (main.ts).
 */
import { readFileSync } from "node:fs";
import { Command, Option } from "@commander-js/extra-typings";
import { SETTINGS_ENV } from "@tollgate/core/settings";
import { readConfig } from "@tollgate/local/config";
import { stageBackend } from "./aws/select.ts";
import type { Backend } from "./backend.ts";
import { commandContext, type Io } from "./command-context.ts";
import { approveCommand, rejectCommand } from "./commands/approve.ts";
import { auditCommand } from "./commands/audit.ts";
import { completionCommand } from "./commands/completion.ts";
import { configCommand } from "./commands/config.ts";
import { consoleCommand } from "./commands/console.ts";
import { gcCommand } from "./commands/gc.ts";
import { ingestCommand } from "./commands/ingest.ts";
import { lineageCommand } from "./commands/lineage.ts";
import { modelsCommand } from "./commands/models.ts";
import { predictCommand } from "./commands/predict.ts";
import { promoteCommand } from "./commands/promote.ts";
import { quarantineCommand } from "./commands/quarantine.ts";
import { redriveCommand } from "./commands/redrive.ts";
import { rollbackCommand } from "./commands/rollback.ts";
import { runCommand } from "./commands/run.ts";
import { runsCommand } from "./commands/runs.ts";
import { serveCommand } from "./commands/serve.ts";
import { showCommand } from "./commands/show.ts";
import { stopCommand } from "./commands/stop.ts";

export type { Io } from "./command-context.ts";

/** The CLI's version (packages/cli/package.json). */
export const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** Every command, in the order `tollgate --help` lists them. */
const COMMANDS = [
  ingestCommand,
  runCommand,
  redriveCommand,
  stopCommand,
  runsCommand,
  showCommand,
  quarantineCommand,
  modelsCommand,
  lineageCommand,
  promoteCommand,
  approveCommand,
  rejectCommand,
  rollbackCommand,
  predictCommand,
  auditCommand,
  gcCommand,
  serveCommand,
  consoleCommand,
  configCommand,
];

/**
 * The program around a backend: the local runtime under TOLLGATE_HOME by default, a deployed
 * stage with `--stage <name>` (or TOLLGATE_STAGE). The backend opens on first use and closes after the command.
 * @example await buildProgram({ out: console.log, err: console.error }).parseAsync(process.argv);
 */
export function buildProgram(
  io: Io,
  backendFactory: () => Backend | Promise<Backend> = async () =>
    new (await import("./local-backend.ts")).LocalBackend(readConfig(process.env, { gate: "when-used" })),
): Command<[], { stage?: string }> {
  let backend: Promise<Backend> | undefined;
  const program = new Command("tollgate")
    .description("gated retraining of a text classifier: local runtime of the tollgate workflow")
    .version(VERSION, "-V, --version", "print the version")
    // a usage error is one line too, named like every other failure (commander then exits 1)
    .configureOutput({
      outputError: (text, write) =>
        write(`tollgate: InvalidInputError: ${text.replace(/^error: /, "").trim()} (add --help for the usage)\n`),
    })
    .addOption(
      new Option("--stage <name>", "operate a deployed AWS stage (sst deploy --stage <name>)").env(SETTINGS_ENV.stage),
    )
    .hook("postAction", async () => (await backend)?.close());
  // each backend's modules (the AWS SDK, the local runtime) load only when a command uses it
  const open = async () => (await stageBackend(program.opts().stage, io)) ?? backendFactory();
  const ctx = commandContext(io, () => (backend ??= open()));
  // as `program.command()` would: each command inherits the root's settings (help after an error, …)
  for (const command of COMMANDS) program.addCommand(command(ctx).copyInheritedSettings(program));
  program.addCommand(completionCommand(ctx, () => program).copyInheritedSettings(program));
  return program;
}
