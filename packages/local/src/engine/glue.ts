import { EtlArguments } from "@tollgate/core/contracts";
import type { ObjectStore } from "@tollgate/core/ports";
import { parseInput } from "@tollgate/core/steps/define";
import { type EtlOptions, runEtl } from "../etl/index.ts";
import type { GlueJobRun } from "./tasks.ts";

/**
 * The Glue job, locally: runs the same transform as jobs/etl_job.py over the data store and
 * answers like `glue:startJobRun.sync` (the JobRun as GetJobRun returns it).
 * @example const run = await localGlueJob(store, "tollgate-etl")("jr_1", { dataset: "wordnet", raw_prefix: "raw/wordnet/", … });
 */
export function localGlueJob(store: ObjectStore, jobName: string, options: EtlOptions = {}) {
  return async (jobRunId: string, args: Record<string, string>): Promise<GlueJobRun> => {
    const startedOn = new Date();
    const parsed = parseInput(EtlArguments, args, "Etl");
    await runEtl(store, parsed, options);
    const completedOn = new Date();
    return {
      Id: jobRunId,
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
