import type { DecisionAction, LivePointer, ModelVersionRecord, RunRecord } from "../contracts.ts";
import { InvalidInputError, LiveModelChangedError, ModelCollectedError, ModelNotFoundError } from "../errors.ts";
import type { Registry } from "../ports.ts";

/** Why an operator acts, when they say. */
export interface ManualDecision {
  /** Who acts: `cli:<user>` or `console:<user>`. */
  by: string;
  reason?: string | undefined;
}

/** Statuses of versions that never passed the gate: promoting one by hand needs a reason. */
const NOT_PASSED: ReadonlySet<ModelVersionRecord["status"]> = new Set(["rejected", "candidate"]);

async function versionOf(registry: Registry, modelName: string, version: string): Promise<ModelVersionRecord> {
  const record = await registry.getModelVersion(modelName, version);
  if (!record) throw new ModelNotFoundError(`model ${modelName} has no version ${version}`);
  return record;
}

/** @throws ModelCollectedError when `tollgate gc` removed the version's files. */
export function notCollected(record: ModelVersionRecord): ModelVersionRecord {
  if (record.collected)
    throw new ModelCollectedError(
      `${record.modelName}@${record.version} was removed by \`tollgate gc\` at ${record.collected.at} (by ${record.collected.by}): its model file is gone`,
    );
  return record;
}

/** A reason is required: an empty or missing one is refused, naming the command's option. */
function required(reason: string | undefined, what: string): string {
  const text = reason?.trim();
  if (!text) throw new InvalidInputError(`${what} needs a reason: pass --reason "…" (it is kept with the decision)`);
  return text;
}

/**
 * Appends a decision to the registry.
 * @example await recordDecision(registry, record, "approve", { by: "cli:alice", reason: "checked" }, "v1", "v2");
 */
export async function recordDecision(
  registry: Registry,
  record: Pick<ModelVersionRecord, "modelName" | "version" | "runId">,
  action: DecisionAction,
  decision: { by: string; reason: string | null },
  before: string | null,
  after: string | null,
): Promise<void> {
  await registry.recordDecision({
    modelName: record.modelName,
    version: record.version,
    action,
    by: decision.by,
    reason: decision.reason,
    at: new Date().toISOString(),
    runId: record.runId,
    live: { before, after },
  });
}

/** Updates the run record of the run that trained `record` with an operator's decision. */
async function settleRun(
  registry: Registry,
  record: ModelVersionRecord,
  decision: Exclude<RunRecord["decision"], null>,
  reason: string,
): Promise<void> {
  const run = await registry.getRun(record.runId);
  if (run) await registry.putRun({ ...run, decision, reason, updatedAt: new Date().toISOString() });
}

/**
 * Makes `version` live by compare-and-swap on the current live version (the same swap the
 * Promote step uses), for an operator's promote from the CLI or the console. A version the gate
 * did not pass (rejected, or a candidate whose run never reached a decision) needs a reason; one
 * pending approval is settled with {@link approveVersion} instead.
 * @example await promoteVersion(registry, "wordnet", "20261126-ab12cd", { by: "cli:alice" });
 * @throws ModelNotFoundError for an unknown version; InvalidInputError for a failed one, one already live,
 *   one pending approval, or a gate-rejected one without a reason; LiveModelChangedError if the pointer moved meanwhile.
 */
export async function promoteVersion(
  registry: Registry,
  modelName: string,
  version: string,
  decision: ManualDecision,
): Promise<LivePointer> {
  const record = notCollected(await versionOf(registry, modelName, version));
  if (record.status === "failed")
    throw new InvalidInputError(`${modelName}@${version} failed during its run and cannot go live`);
  if (record.status === "pending-approval")
    throw new InvalidInputError(
      `${modelName}@${version} is pending approval: settle it with \`tollgate approve ${version} --reason …\` (or reject)`,
    );
  const live = await registry.getLive(modelName);
  if (live?.version === version) throw new InvalidInputError(`${modelName}@${version} is already live`);
  const reason = NOT_PASSED.has(record.status)
    ? required(
        decision.reason,
        `${modelName}@${version} did not pass the gate (${record.status}${record.statusReason ? `: ${record.statusReason}` : ""}); promoting it anyway`,
      )
    : (decision.reason?.trim() ?? null) || null;
  const pointer = await registry.swapLive(modelName, live?.version ?? null, version, decision.by);
  await recordDecision(registry, record, "promote", { by: decision.by, reason }, live?.version ?? null, version);
  return pointer;
}

/**
 * Rolls back `steps` versions (default 1) in the live pointer's history: each rollback steps back
 * one version, so two rollbacks after promotions v1 → v2 → v3 make v1 live (the same compare-and-swap).
 * @example await rollbackLive(registry, "wordnet", { by: "cli:alice" });     // v3 → v2
 * @example await rollbackLive(registry, "wordnet", { by: "cli:alice", reason: "bad recall" }, 2);  // v3 → v1
 * @throws InvalidInputError when nothing is live or the history is shorter than `steps`.
 */
export async function rollbackLive(
  registry: Registry,
  modelName: string,
  decision: ManualDecision,
  steps = 1,
): Promise<LivePointer> {
  if (!Number.isInteger(steps) || steps < 1) throw new InvalidInputError(`steps back must be 1 or more, not ${steps}`);
  const live = await registry.getLive(modelName);
  if (!live) throw new InvalidInputError(`model ${modelName} has no live version to roll back`);
  const target = live.history[steps - 1];
  if (!target) {
    const earlier = live.history.length
      ? `only ${live.history.length} earlier live version(s): ${live.history.join(", ")}`
      : "no earlier live version";
    throw new InvalidInputError(
      `${modelName}@${live.version} has ${earlier}; promote a version by name to go elsewhere (tollgate models lists them)`,
    );
  }
  const record = notCollected(await versionOf(registry, modelName, target));
  const pointer = await registry.swapLive(modelName, live.version, target, decision.by, { back: steps });
  const reason = (decision.reason?.trim() ?? null) || null;
  await recordDecision(registry, record, "rollback", { by: decision.by, reason }, live.version, target);
  return pointer;
}

/** The live version the gate compared a pending version with (its `pending-approval` decision). */
async function comparedWith(registry: Registry, record: ModelVersionRecord): Promise<string | null> {
  const decisions = await registry.listDecisions(record.modelName);
  const pending = decisions.findLast((d) => d.version === record.version && d.action === "pending-approval");
  return pending?.live.before ?? null;
}

function pendingOrThrow(record: ModelVersionRecord, verb: string): void {
  if (record.status !== "pending-approval")
    throw new InvalidInputError(
      `${record.modelName}@${record.version} is ${record.status}, not pending approval: only a version the gate passed with approval required can be ${verb}`,
    );
}

/**
 * Approves a version the gate passed and left pending approval: the compare-and-swap the Promote
 * step would have made, from the live version the gate compared it with. If another version went
 * live since, the comparison is stale and the swap fails.
 * @example await approveVersion(registry, "wordnet", "20261126-ab12cd", { by: "cli:alice", reason: "spot-checked 50 rows" });
 * @throws InvalidInputError without a reason or when the version is not pending approval;
 *   LiveModelChangedError when the live model moved since the gate compared them.
 */
export async function approveVersion(
  registry: Registry,
  modelName: string,
  version: string,
  decision: ManualDecision,
): Promise<LivePointer> {
  const reason = required(decision.reason, `approving ${modelName}@${version}`);
  const record = await versionOf(registry, modelName, version);
  pendingOrThrow(record, "approved");
  const expected = await comparedWith(registry, record);
  let pointer: LivePointer;
  try {
    pointer = await registry.swapLive(modelName, expected, version, decision.by);
  } catch (err) {
    if (!(err instanceof LiveModelChangedError)) throw err;
    throw new LiveModelChangedError(
      `${err.message}: the gate compared ${version} with ${expected ?? "no live model"}, which is no longer live; compare again (\`tollgate models compare\`) and promote with --reason, or start a new run`,
      { cause: err },
    );
  }
  await recordDecision(registry, record, "approve", { by: decision.by, reason }, expected, version);
  await settleRun(registry, record, "promoted", `approved by ${decision.by}: ${reason}`);
  return pointer;
}

/**
 * Rejects a version pending approval; the live model is untouched.
 * @throws InvalidInputError without a reason or when the version is not pending approval.
 */
export async function rejectVersion(
  registry: Registry,
  modelName: string,
  version: string,
  decision: ManualDecision,
): Promise<ModelVersionRecord> {
  const reason = required(decision.reason, `rejecting ${modelName}@${version}`);
  const record = await versionOf(registry, modelName, version);
  pendingOrThrow(record, "rejected");
  const statusReason = `rejected by ${decision.by}: ${reason}`;
  await registry.setModelStatus(modelName, version, "rejected", statusReason);
  const live = (await registry.getLive(modelName))?.version ?? null;
  await recordDecision(registry, record, "reject", { by: decision.by, reason }, live, live);
  await settleRun(registry, record, "rejected", statusReason);
  return { ...record, status: "rejected", statusReason };
}
