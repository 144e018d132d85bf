/** Backend selection for `--stage <name>` (or `TOLLGATE_STAGE`): a deployed stage, else the local runtime. */
import type { Backend } from "../backend.ts";
import type { Io } from "../command-context.ts";
import { AwsBackend } from "./backend.ts";

/**
 * The AWS backend of `stage`, or undefined when no stage is named (the CLI then runs locally).
 * Its notices (what CloudTrail has not delivered yet …) go to stderr, so `--json` output stays clean.
 * @example const backend = stageBackend(program.opts().stage, io) ?? new LocalBackend(readConfig());
 */
export function stageBackend(stage: string | undefined, io: Io): Backend | undefined {
  if (!stage) return undefined;
  return new AwsBackend({ stage, notice: (line) => io.err(`tollgate: note: ${line}`) });
}
