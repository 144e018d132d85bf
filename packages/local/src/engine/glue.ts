import { createHash } from "node:crypto";
import { EtlArguments } from "@tollgate/core/contracts";
import type { ObjectStore } from "@tollgate/core/ports";
import { parseInput } from "@tollgate/core/steps/define";
import { runEtl } from "../etl/index.ts";

/**
 * The Glue job, locally: runs the same transform as jobs/etl_job.py over the data store and
 * answers like `glue:startJobRun.sync` (the JobRun as GetJobRun returns it).
 * @example const run = await localGlueJob(store, "tollgate-etl")({ dataset: "wordnet", raw_prefix: "raw/wordnet/", … });
 */
export function localGlueJob(store: ObjectStore, jobName: string) {
  return async (args: Record<string, string>): Promise<Record<string, unknown>> => {
    const startedOn = new Date();
    const parsed = parseInput(EtlArguments, args, "Etl");
    await runEtl(store, parsed);
    const completedOn = new Date();
    const id = `jr_${createHash("sha256").update(`${args.manifest_key}${startedOn.toISOString()}`).digest("hex")}`;
    return {
      Id: id,
      Attempt: 0,
      JobName: jobName,
      JobRunState: "SUCCEEDED",
      Arguments: Object.fromEntries(Object.entries(args).map(([k, v]) => [`--${k}`, v])),
      StartedOn: startedOn.toISOString(),
      CompletedOn: completedOn.toISOString(),
      ExecutionTime: Math.round((completedOn.getTime() - startedOn.getTime()) / 1000),
      GlueVersion: "5.0",
    };
  };
}
