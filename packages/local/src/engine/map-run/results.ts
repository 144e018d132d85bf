/**
 * ResultWriter: a Map Run's child results written to the folder store as Step Functions writes
 * them to S3 (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html):
 * `<Prefix>/<map run id>/manifest.json` and `SUCCEEDED_0.json`, `FAILED_0.json`, `PENDING_0.json`,
 * each an array of the children as DescribeExecution shows them. The Map state's result is then
 * `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`.
 */
import type { ExecutionRecord } from "@tollgate/core/workflow";
import { States, StatesError } from "../asl/errors.ts";
import { applyTemplate, type ContextObject } from "../asl/paths.ts";
import type { AslState } from "../asl/types.ts";
import { type Buckets, bucketOf } from "./items.ts";

const writerFailed = (message: string) => new StatesError(States.ResultWriterFailed, message);

/** A child as the result files list it. */
function entry(child: ExecutionRecord) {
  const failed = child.status !== "SUCCEEDED";
  return {
    ExecutionArn: child.executionArn,
    Input: child.input,
    InputDetails: { Included: true },
    Name: child.name,
    ...(failed
      ? { Error: child.error, Cause: child.cause }
      : { Output: child.output, OutputDetails: { Included: true } }),
    RedriveCount: child.redriveCount,
    RedriveStatus: failed ? "REDRIVABLE" : "NOT_REDRIVABLE",
    ...(failed ? {} : { RedriveStatusReason: "Execution is SUCCEEDED and cannot be redriven" }),
    StartDate: child.startDate,
    StateMachineArn: child.stateMachineArn,
    Status: child.status,
    StopDate: child.stopDate,
  };
}

export interface WrittenResults {
  output: { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
  /** How many child results were written. */
  written: number;
}

/**
 * Writes the results of a Map Run's children.
 * @param pending inputs of the items that never started (PENDING_0.json)
 */
export async function writeResults(
  state: AslState,
  input: unknown,
  context: ContextObject,
  buckets: Buckets,
  mapRunArn: string,
  children: ExecutionRecord[],
  pending: unknown[],
): Promise<WrittenResults> {
  const writer = state.ResultWriter as { Parameters?: Record<string, unknown> };
  const params = applyTemplate(writer.Parameters ?? {}, input, context) as { Bucket?: string; Prefix?: string };
  const store = bucketOf(buckets, params.Bucket, writerFailed);
  const id = mapRunArn.slice(mapRunArn.lastIndexOf(":") + 1);
  const prefix = params.Prefix ? `${params.Prefix.replace(/\/+$/, "")}/${id}/` : `${id}/`;
  const groups: Record<"SUCCEEDED" | "FAILED" | "PENDING", unknown[]> = {
    SUCCEEDED: children.filter((c) => c.status === "SUCCEEDED").map(entry),
    FAILED: children.filter((c) => c.status !== "SUCCEEDED" && c.status !== "RUNNING").map(entry),
    PENDING: pending.map((item) => ({ Input: JSON.stringify(item), InputDetails: { Included: true } })),
  };
  const files: Record<string, { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  try {
    for (const [status, list] of Object.entries(groups)) {
      if (list.length === 0) continue;
      const key = `${prefix}${status}_0.json`;
      const body = JSON.stringify(list);
      await store.put(key, body);
      files[status]?.push({ Key: key, Size: Buffer.byteLength(body) });
    }
    const manifestKey = `${prefix}manifest.json`;
    await store.put(
      manifestKey,
      JSON.stringify({ DestinationBucket: params.Bucket, MapRunArn: mapRunArn, ResultFiles: files }),
    );
    return {
      output: { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: String(params.Bucket), Key: manifestKey } },
      written: groups.SUCCEEDED.length + groups.FAILED.length,
    };
  } catch (err) {
    throw writerFailed(`cannot write the results under ${prefix}: ${(err as Error).message}`);
  }
}
