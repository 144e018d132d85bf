import {
  type DecisionInput,
  type DecisionOutput,
  type EvaluateOutput,
  type ExecutionStatusChange,
  type FailureInput,
  type GateConfig,
  type RecordFailureInput,
  RunInput,
} from "../contracts.ts";
import { tryJsonParse } from "../json.ts";
import { recordDecision } from "../registry/promotion.ts";
import { causeMessage } from "../workflow/timeline.ts";
import { nowIso, type StepPorts } from "./step-ports.ts";

const f = (n: number) => n.toFixed(4);

/**
 * Explains the gate's decision in words. The decision itself is the state machine's Choice
 * state; this mirrors its rule to say why.
 * @example gateReason({ minAccuracy: 0.6, minGain: 0 }, evaluation) // "accuracy 0.7012 ≥ minAccuracy 0.6000; …"
 */
export function gateReason(gate: GateConfig, evaluation: EvaluateOutput): string {
  const acc = evaluation.accuracy;
  const parts = [`accuracy ${f(acc)} ${acc >= gate.minAccuracy ? "≥" : "<"} minAccuracy ${f(gate.minAccuracy)}`];
  if (gate.minMacroF1 !== undefined) {
    const f1 = evaluation.macroF1;
    parts.push(`macro-F1 ${f(f1)} ${f1 >= gate.minMacroF1 ? "≥" : "<"} minMacroF1 ${f(gate.minMacroF1)}`);
  }
  if (gate.minClassRecall !== undefined) {
    const { minRecall, minRecallLabel } = evaluation;
    parts.push(
      `lowest recall ${f(minRecall)} (${minRecallLabel}) ${minRecall >= gate.minClassRecall ? "≥" : "<"} minClassRecall ${f(gate.minClassRecall)}`,
    );
  }
  if (evaluation.live) {
    const { version, accuracy, threshold, covers } = evaluation.live;
    parts.push(
      `${acc >= threshold ? "≥" : "<"} live ${version} ${f(accuracy)} + minGain ${f(gate.minGain)} = ${f(threshold)}`,
    );
    if (covers) parts.push(`superseded: live ${version} was trained on all of this run's data and more`);
  } else {
    parts.push("no live model");
  }
  return parts.join("; ");
}

/**
 * Promote: compare-and-swap of the live pointer from the version Evaluate saw to the candidate.
 * Writes, in order: the run record ("promoting"), the swap (the commit point: a failure before it
 * leaves the live model untouched), the run record ("promoted"). A retry or redrive after the swap
 * finds the pointer already moved by this run and completes.
 * @throws LiveModelChangedError when another run or a rollback moved the pointer since Evaluate.
 */
export async function promote(ports: StepPorts, input: DecisionInput): Promise<DecisionOutput> {
  const expected = input.evaluation.live?.version ?? null;
  const version = input.evaluation.candidateVersion;
  const by = `run:${input.runId}`;
  const reason = gateReason(input.gate, input.evaluation);
  await recordRun(ports, input, version, null, `promoting: ${reason}`);
  await ports.checkpoint?.("Promote:between-writes");
  const live = await ports.registry.getLive(input.modelName);
  const alreadyDone = live?.version === version && live.by === by;
  if (!alreadyDone) await ports.registry.swapLive(input.modelName, expected, version, by);
  // after a retry past the swap, the decision may be written already
  const decisions = alreadyDone ? await ports.registry.listDecisions(input.modelName) : [];
  if (!decisions.some((d) => d.version === version && d.action === "promote" && d.by === by))
    await recordDecision(ports.registry, decisionSubject(input), "promote", { by, reason }, expected, version);
  await recordRun(ports, input, version, "promoted", reason);
  return { decision: "promoted", modelVersion: version, previousLive: expected, reason };
}

const decisionSubject = (input: DecisionInput) => ({
  modelName: input.modelName,
  version: input.evaluation.candidateVersion,
  runId: input.runId,
});

/**
 * RequestApproval: the gate passed the candidate and approval is required. The candidate waits
 * (`pending-approval`) with the live version it was compared with; `tollgate approve` later makes
 * the Promote step's compare-and-swap from that version, `tollgate reject` settles it the other
 * way. The run ends here: nothing waits on AWS (no task token, no Lambda held open).
 */
export async function requestApproval(ports: StepPorts, input: DecisionInput): Promise<DecisionOutput> {
  const version = input.evaluation.candidateVersion;
  const expected = input.evaluation.live?.version ?? null;
  const reason = `${gateReason(input.gate, input.evaluation)}; approval required`;
  await ports.registry.setModelStatus(input.modelName, version, "pending-approval", reason);
  const decisions = await ports.registry.listDecisions(input.modelName);
  if (!decisions.some((d) => d.version === version && d.action === "pending-approval"))
    await recordDecision(
      ports.registry,
      decisionSubject(input),
      "pending-approval",
      { by: `run:${input.runId}`, reason },
      expected,
      expected,
    );
  await recordRun(ports, input, version, "pending-approval", reason);
  return { decision: "pending-approval", modelVersion: version, previousLive: expected, reason };
}

/** Reject: the candidate is recorded as rejected with the gate's reason; the live model is untouched. */
export async function reject(ports: StepPorts, input: DecisionInput): Promise<DecisionOutput> {
  const version = input.evaluation.candidateVersion;
  const reason = gateReason(input.gate, input.evaluation);
  await ports.registry.setModelStatus(input.modelName, version, "rejected", reason);
  await recordRun(ports, input, version, "rejected", reason);
  return { decision: "rejected", modelVersion: version, previousLive: input.evaluation.live?.version ?? null, reason };
}

/**
 * RecordFailure: marks the run failed and its candidate (if one was registered and is not live)
 * failed, with the error. Never touches the live pointer.
 */
export async function recordFailure(ports: StepPorts, input: FailureInput): Promise<{ recorded: true }> {
  const { state } = input;
  // A Lambda error's Cause is its JSON envelope: the reason keeps its message, as a person reads it.
  const reason = `${state.failure.Error}: ${causeMessage(state.failure.Cause)}`.trim();
  const version = state.trained?.modelVersion ?? null;
  if (version) {
    const live = await ports.registry.getLive(state.modelName);
    const record = await ports.registry.getModelVersion(state.modelName, version);
    if (record && live?.version !== version) {
      await ports.registry.setModelStatus(state.modelName, version, "failed", reason);
    }
  }
  await ports.registry.putRun({
    runId: input.runId,
    dataset: state.dataset,
    modelName: state.modelName,
    datasetVersion: state.prepared?.datasetVersion ?? null,
    modelVersion: version,
    decision: "failed",
    reason,
    updatedAt: nowIso(ports),
  });
  return { recorded: true };
}

/**
 * RecordFailure for either source: the state machine's Catch (the failed state's input), or a run's
 * status change (FAILED, TIMED_OUT, ABORTED). For a status change, the run's candidate is the
 * version this run registered that is still a candidate; a run already decided (promoted or
 * rejected) keeps its record.
 * @example await recordRunFailure(ports, statusChangeEvent);
 */
export async function recordRunFailure(ports: StepPorts, input: RecordFailureInput): Promise<{ recorded: boolean }> {
  if (!("detail" in input)) return recordFailure(ports, input);
  const failure = await failureOf(ports, input);
  if (!failure) return { recorded: false };
  return recordFailure(ports, failure);
}

async function failureOf(ports: StepPorts, event: ExecutionStatusChange): Promise<FailureInput | undefined> {
  const { detail } = event;
  const run = RunInput.safeParse(tryJsonParse(detail.input ?? ""));
  if (!run.success) return undefined; // not a retrain run's input: nothing of ours to record
  const existing = await ports.registry.getRun(detail.name);
  if (existing?.decision === "promoted" || existing?.decision === "rejected") return undefined;
  const candidate = (await ports.registry.listModelVersions(run.data.modelName)).find(
    (v) => v.runId === detail.name && v.status !== "live",
  );
  const datasetVersion = candidate?.datasetVersion ?? existing?.datasetVersion;
  return {
    runId: detail.name,
    state: {
      dataset: run.data.dataset,
      modelName: run.data.modelName,
      ...(datasetVersion ? { prepared: { datasetVersion } } : {}),
      ...(candidate ? { trained: { modelVersion: candidate.version } } : {}),
      failure: {
        Error: detail.error ?? `States.${detail.status}`,
        Cause: detail.cause ?? `the run ended ${detail.status}`,
      },
    },
  };
}

async function recordRun(
  ports: StepPorts,
  input: DecisionInput,
  modelVersion: string,
  decision: DecisionOutput["decision"] | null,
  reason: string,
): Promise<void> {
  await ports.registry.putRun({
    runId: input.runId,
    dataset: input.dataset,
    modelName: input.modelName,
    datasetVersion: input.datasetVersion,
    modelVersion,
    decision,
    reason,
    updatedAt: nowIso(ports),
  });
}
