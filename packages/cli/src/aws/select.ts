/** Backend selection for `--stage <name>` (or `TOLLGATE_STAGE`): a deployed stage, else the local runtime. */
import type { Backend } from "../backend.ts";
import type { Io } from "../command-context.ts";

/**
 * The AWS backend of `stage`, or undefined when no stage is named (the CLI then runs locally).
 * Its notices (what CloudTrail has not delivered yet …) go to stderr, so `--json` output stays clean.
 * The AWS SDK is imported here, on first use: local commands never load it.
 * @example const backend = (await stageBackend(program.opts().stage, io)) ?? new LocalBackend(readConfig());
 */
export async function stageBackend(stage: string | undefined, io: Io): Promise<Backend | undefined> {
  if (!stage) return undefined;
  const { AwsBackend } = await import("./backend.ts");
  return new AwsBackend({ stage, notice: (line) => io.err(`tollgate: note: ${line}`) });
}
