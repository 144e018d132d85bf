import { createHash } from "node:crypto";

/** A sortable model version: UTC time of training, then a short hash of the run id. */
export function modelVersionFor(runId: string, at: string): string {
  const stamp = at.replace(/[-:T]/g, "").slice(0, 14);
  return `${stamp}-${createHash("sha256").update(runId).digest("hex").slice(0, 6)}`;
}

/** Where a model version's files live in the model store. */
export const modelPrefix = (modelName: string, version: string) => `models/${modelName}/${version}/`;
