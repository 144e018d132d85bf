/**
 * Renders runs, histories and models as text. Works on GetExecutionHistory-shaped events, so the
 * local store and a deployed stage's Step Functions history render the same way.
 */
import type { AuditRecord, DecisionRecord, LivePointer, ModelVersionRecord, RunRecord } from "@tollgate/core/contracts";
import { childCounts, type MapRunView, type ParentRun } from "@tollgate/core/workflow/map-runs";
import { causeMessage, ms, runState, stateTimeline } from "@tollgate/core/workflow/timeline";
import type { ExecutionSummary, HistoryEvent } from "./backend.ts";

export {
  causeMessage,
  runState,
  type StateRow,
  type StateStatus,
  stateTimeline,
} from "@tollgate/core/workflow/timeline";

export const seconds = (durationMs: number | null) =>
  durationMs === null ? "-" : `${(durationMs / 1000).toFixed(2)}s`;
const f4 = (n: number | null | undefined) => (typeof n === "number" ? n.toFixed(4) : "-");

export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (c ?? "").padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function duration(execution: ExecutionSummary): number | null {
  return execution.stopDate ? ms(execution.startDate, execution.stopDate) : null;
}

export function renderRuns(rows: { execution: ExecutionSummary; run: RunRecord | undefined }[]): string {
  if (rows.length === 0) return "no runs yet: `tollgate ingest <file> --dataset <name>` starts one";
  return table(
    ["RUN", "STATUS", "STARTED", "DURATION", "DECISION"],
    rows.map(({ execution, run }) => [
      execution.name,
      execution.status,
      execution.startDate,
      seconds(duration(execution)),
      run?.decision ?? "-",
    ]),
  );
}

/**
 * A finished run's outcome in one line: the gate's decision and its reason, or "no new data".
 * @example outcomeOf(execution) // "promoted: accuracy 0.9312 ≥ minAccuracy 0.5000; no live model"
 */
export function outcomeOf(execution: ExecutionSummary): string | undefined {
  const out = (execution.output ? JSON.parse(execution.output) : {}) as RunOutput;
  if (out.decision?.decision) return `${out.decision.decision}: ${out.decision.reason ?? ""}`;
  if (out.check?.unchanged) return out.check.reason;
  return undefined;
}

/**
 * A model's hyperparameters, each marked "(pinned)" when the user set it (tollgate.config.json
 * `training`): the others were chosen on validation, or are the plain fit's defaults.
 * @example hyperparameters({ learningRate: 0.5, l2: 1e-6, ngramMax: 2, minDf: 2 }, ["learningRate"]) // "learning rate 0.5 (pinned)   L2 0.000001   n-grams 1–2   min df 2"
 */
export function hyperparameters(
  v: {
    learningRate?: number | undefined;
    l2?: number | undefined;
    ngramMax?: number | undefined;
    minDf?: number | undefined;
  },
  pinned: readonly string[],
  gap = "  ",
): string {
  const mark = (name: string) => (pinned.includes(name) ? " (pinned)" : "");
  return [
    `learning rate ${v.learningRate ?? "-"}${mark("learningRate")}`,
    `L2 ${v.l2 ?? "-"}${mark("l2")}`,
    `n-grams 1–${v.ngramMax ?? "?"}${mark("ngramMax")}`,
    `min df ${v.minDf ?? "-"}${mark("minDf")}`,
  ].join(gap);
}

interface RunOutput {
  check?: { unchanged: boolean; reason: string };
  prepared?: { datasetVersion?: string; counts?: Record<string, number> };
  trained?: {
    modelVersion?: string;
    validationAccuracy?: number;
    sizeBytes?: number;
    selection?: {
      learningRate: number;
      l2: number;
      ngramMax: number;
      minDf: number;
      candidates: number;
      passes: number;
      budget?: number;
      pinned?: string[];
      solver?: string;
    };
  };
  evaluation?: {
    accuracy?: number;
    macroF1?: number;
    live?: { version: string; accuracy: number; threshold: number } | null;
  };
  gate?: { minAccuracy: number; minGain: number; minMacroF1?: number; minClassRecall?: number; approval?: string };
  decision?: { decision?: string; reason?: string };
  failure?: { Error?: string; Cause?: string };
}

/** The gate's optional floors and approval, when set. */
function gateExtras(gate: NonNullable<RunOutput["gate"]>): string {
  const parts = [
    gate.minMacroF1 === undefined ? "" : `minMacroF1 ${f4(gate.minMacroF1)}`,
    gate.minClassRecall === undefined ? "" : `minClassRecall ${f4(gate.minClassRecall)}`,
    gate.approval === "required" ? "approval required" : "",
  ].filter(Boolean);
  return parts.length > 0 ? `   ${parts.join("   ")}` : "";
}

export function renderShow(
  execution: ExecutionSummary,
  events: HistoryEvent[],
  run: RunRecord | undefined,
  mapRuns: MapRunView[] = [],
  parent: ParentRun | null = null,
): string {
  const timeline = stateTimeline(events);
  const out = runState(execution, events) as RunOutput;
  const counts = new Map(mapRuns.map((r) => [r.mapRunArn, childCounts(r.executionCounts)]));
  const lines = [
    `run       ${execution.name}`,
    ...(parent
      ? [
          `child of  ${parent.name}   Map state ${parent.stateName}${parent.index === null ? "" : `, item ${parent.index}`}   (\`tollgate show ${parent.name} --map ${parent.stateName}\` lists its siblings)`,
        ]
      : []),
    `status    ${execution.status}   started ${execution.startDate}   duration ${seconds(duration(execution))}${execution.redriveCount ? `   redriven ${execution.redriveCount}×` : ""}`,
    "",
    table(
      ["STATE", "TYPE", "STATUS", "DURATION", "NOTE"],
      timeline.map((r) => [
        r.name,
        r.type,
        r.status,
        seconds(r.durationMs),
        [
          r.mapRunArn ? (counts.get(r.mapRunArn) ?? "") : "",
          r.attempts > 1 ? `${r.attempts} attempts` : "",
          r.error ?? "",
        ]
          .filter(Boolean)
          .join("; "),
      ]),
    ),
    ...(counts.size > 0 ? [`(\`tollgate show ${execution.name} --map <state>\` lists a Map state's children)`] : []),
    "",
  ];
  if (out.prepared?.datasetVersion) {
    const c = out.prepared.counts ?? {};
    lines.push(
      `dataset   ${out.prepared.datasetVersion.slice(0, 16)}   train ${c.train ?? "-"} / validation ${c.validation ?? "-"} / test ${c.test ?? "-"}`,
    );
  }
  if (out.trained?.modelVersion) {
    lines.push(
      `model     ${out.trained.modelVersion}   validation accuracy ${f4(out.trained.validationAccuracy)}   ${((out.trained.sizeBytes ?? 0) / 1e6).toFixed(1)} MB`,
    );
    const s = out.trained.selection;
    if (s) {
      const how =
        s.candidates > 0
          ? `best of ${s.candidates} on validation, ${s.passes} passes`
          : s.budget !== undefined && s.budget <= 1
            ? "no search: selection budget 1"
            : "no search: every value pinned";
      const values = hyperparameters(s, s.pinned ?? [], "   ");
      if (s.solver) lines.push(`chosen    ${s.solver}   (${how})`, `sgd fit   ${values}   (the fit it beat)`);
      else lines.push(`chosen    ${values}   (${how})`);
    }
  }
  if (out.evaluation && out.gate) {
    const live = out.evaluation.live;
    lines.push(`test      accuracy ${f4(out.evaluation.accuracy)}   macro-F1 ${f4(out.evaluation.macroF1)}`);
    lines.push(
      `gate      minAccuracy ${f4(out.gate.minAccuracy)}   minGain ${f4(out.gate.minGain)}   ${live ? `live ${live.version} accuracy ${f4(live.accuracy)} → threshold ${f4(live.threshold)}` : "no live model"}${gateExtras(out.gate)}`,
    );
  }
  const decision = out.decision?.decision ?? run?.decision;
  if (decision) lines.push(`decision  ${decision.toUpperCase()}: ${out.decision?.reason ?? run?.reason ?? ""}`);
  if (execution.status === "FAILED") lines.push(`error     ${execution.error ?? ""}: ${causeMessage(execution.cause)}`);
  return lines.join("\n");
}

/**
 * The children of a Map state's runs (one per loop round or retry), each under a line with its counts,
 * item counts, tolerance and where its ResultWriter wrote; each child's name opens it with `tollgate show`.
 */
export function renderMapChildren(run: string, state: string, mapRuns: MapRunView[]): string {
  const ofState = mapRuns.filter((r) => r.stateName === state);
  return ofState
    .map((r, i) => {
      const items = r.itemCounts;
      const writer = r.resultWriter ? `   results s3://${r.resultWriter.bucket}/${r.resultWriter.key}` : "";
      return [
        `${state} map run ${i + 1} of ${ofState.length}   ${r.status}   ${childCounts(r.executionCounts)}   ${items.total} items   tolerated ${r.toleratedFailurePercentage}% / ${r.toleratedFailureCount}${r.redriveCount ? `   redriven ${r.redriveCount}×` : ""}${writer}`,
        table(
          ["CHILD", "STATUS", "STARTED", "DURATION"],
          (r.children ?? []).map((c) => [c.name, c.status, c.startDate, seconds(c.durationMs)]),
        ),
      ].join("\n");
    })
    .concat(`(\`tollgate show <child>\` opens a child of ${run}: its own states, input and output)`)
    .join("\n\n");
}

/** Decisions as a table, newest first: when, what, which version, who, why. */
export function renderDecisions(decisions: DecisionRecord[]): string {
  return table(
    ["WHEN", "DECISION", "VERSION", "BY", "LIVE", "REASON"],
    [...decisions]
      .reverse()
      .map((d) => [
        d.at,
        d.action,
        d.version,
        d.by,
        d.live.before === d.live.after
          ? (d.live.after ?? "-")
          : `${d.live.before ?? "none"} → ${d.live.after ?? "none"}`,
        d.reason ?? "-",
      ]),
  );
}

export function renderModels(
  modelName: string,
  versions: ModelVersionRecord[],
  live: LivePointer | undefined,
  decisions: DecisionRecord[] = [],
): string {
  if (versions.length === 0) return `model ${modelName} has no versions yet`;
  const rows = versions.map((v) => [
    live?.version === v.version ? "*" : "",
    v.version,
    v.collected ? `${v.status}, collected` : v.status,
    f4(v.metrics.validationAccuracy),
    f4(v.metrics.testAccuracy),
    f4(v.metrics.macroF1),
    v.runId,
  ]);
  const earlier = live?.history.length
    ? `\nrollback steps back through: ${live.history.slice(0, 5).join(", ")}${live.history.length > 5 ? `, … (${live.history.length})` : ""}`
    : "";
  const header = live
    ? `${modelName}: live ${live.version} since ${live.since} (by ${live.by})${earlier}`
    : `${modelName}: nothing live`;
  const pending = versions.filter((v) => v.status === "pending-approval");
  return [
    header,
    table(["LIVE", "VERSION", "STATUS", "VAL_ACC", "TEST_ACC", "MACRO_F1", "RUN"], rows),
    ...pending.map((v) => `pending approval: ${v.version} (tollgate approve|reject ${v.version} --reason …)`),
    ...(decisions.length > 0 ? ["", "recent decisions", renderDecisions(decisions.slice(-5))] : []),
  ].join("\n");
}

export function renderAudit(records: AuditRecord[]): string {
  if (records.length === 0) return "no audit records for this run";
  return table(
    ["TIME", "SOURCE", "EVENT", "WHO", "RESOURCE"],
    records.map((r) => [
      r.eventTime,
      r.eventSource,
      r.eventName,
      r.userIdentity.principalId,
      r.resources.map((x) => x.ARN).join(", "),
    ]),
  );
}
