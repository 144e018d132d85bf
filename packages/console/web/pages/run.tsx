/**
 * A run: summary and gate numbers, the graph with each state's status, the selected state's
 * input and output, and tabs for the states table, the event history, the data quality and the
 * audit records; Stop (running) or Redrive (failed) as on the runs list. Polls every second while
 * the execution is RUNNING (so a Map state's child counts move as children end). A Map state shows its
 * Map Runs and children; a child opens here too (its parent run in the crumbs, its ItemProcessor's graph).
 */

import { childCounts } from "@tollgate/core/workflow/map-runs";
import { causeMessage } from "@tollgate/core/workflow/timeline";
import { useState } from "preact/hooks";
import type { RunView, StateView } from "../../src/api-types.ts";
import { usePoll } from "../api.ts";
import { DecisionBadge, ErrorLine, JsonView, Stat, StatusBadge } from "../components/badges.tsx";
import { GateBar } from "../components/charts.tsx";
import { EventHistory } from "../components/events.tsx";
import { GraphLegend, GraphView } from "../components/graph.tsx";
import { MapRunsPanel } from "../components/map-runs.tsx";
import { QualityPanel } from "../components/quality.tsx";
import { AuditTable, StatesTable } from "../components/tables.tsx";
import { duration, elapsed, ratio, time } from "../format.ts";
import { href, setQuery } from "../router.ts";
import { type ActionOutcome, OutcomeLine, RunActions } from "./runs.tsx";

const TABS = [
  ["states", "States"],
  ["events", "Event history"],
  ["quality", "Data quality"],
  ["audit", "Audit"],
] as const;

/** The state to show when none is selected: the one that failed, else the last one entered. */
function defaultState(states: StateView[]): string | null {
  return (states.find((s) => s.status === "failed" || s.status === "caught") ?? states.at(-1))?.name ?? null;
}

export interface RunPageProps {
  name: string;
  state: string | null;
  tab: string;
  /** The quarantine reason the data-quality tab lists rows of. */
  reason: string | null;
}

export function RunPage({ name, state, tab, reason }: RunPageProps) {
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const {
    data: run,
    error,
    refresh,
  } = usePoll<RunView>(`/api/runs/${encodeURIComponent(name)}`, 1000, (r) => r.execution.status === "RUNNING");
  if (!run) return <section>{error ? <ErrorLine error={error} /> : <p class="muted">Loading {name}…</p>}</section>;
  const { execution: ex, gate } = run;
  const selectedName = state ?? defaultState(run.states);
  const selected = run.states.findLast((s) => s.name === selectedName);
  const errors = Object.fromEntries(run.states.filter((s) => s.error).map((s) => [s.name, s.error!]));
  const mapCounts = Object.fromEntries(
    run.mapRuns.map(({ stateName, executionCounts: c }) => [
      stateName,
      { ended: c.succeeded + c.failed + c.timedOut + c.aborted, total: c.total, text: childCounts(c) },
    ]),
  );
  return (
    <section class="run" data-run={ex.name} data-status={ex.status}>
      <p class="crumbs">
        <a href={href(["runs"])}>Runs</a> /{" "}
        {run.parent && (
          <>
            <a class="parent-link" href={href(["runs", run.parent.name], { state: run.parent.stateName })}>
              {run.parent.name}
            </a>{" "}
            / {run.parent.stateName}
            {run.parent.index === null ? "" : ` #${run.parent.index}`} /{" "}
          </>
        )}
        {ex.name}
      </p>
      <div class="toolbar">
        <h1>{ex.name}</h1>
        <StatusBadge status={ex.status} />
        {gate.decision && gate.decision !== "failed" && <DecisionBadge decision={gate.decision} />}
        {ex.status === "RUNNING" && <span class="live-dot" title="updates every second" />}
        <span class="spacer" />
        {/* a child is stopped or redriven with its run */}
        {!run.parent && (
          <RunActions
            run={ex}
            onDone={(o) => {
              setOutcome(o);
              refresh();
            }}
          />
        )}
      </div>
      <OutcomeLine outcome={outcome} />
      <ErrorLine error={error} />
      {ex.error && (
        <p class="error run-error">
          <strong>{ex.error}</strong>: {causeMessage(ex.cause)}
        </p>
      )}
      {gate.reason && !ex.error && <p class="reason">{gate.reason}</p>}
      <div class="stats">
        <Stat label="Started">{time(ex.startDate)}</Stat>
        <Stat label="Duration">{duration(ex.durationMs ?? elapsed(ex.startDate, null))}</Stat>
        {run.parent ? (
          <Stat label="Map Run of">
            <a href={href(["runs", run.parent.name], { state: run.parent.stateName })}>
              {run.parent.name} · {run.parent.stateName}
            </a>
          </Stat>
        ) : (
          <>
            <Stat label="Model">
              {ex.modelName ? (
                <a href={href(["models", ex.modelName], { version: gate.candidateVersion })}>
                  {gate.candidateVersion ?? ex.modelName}
                </a>
              ) : (
                "–"
              )}
              {ex.modelName && gate.candidateVersion && (
                <>
                  {" "}
                  ·{" "}
                  <a class="lineage-link" href={href(["models", ex.modelName, "lineage", gate.candidateVersion])}>
                    lineage
                  </a>
                </>
              )}
            </Stat>
            <Stat label="Rows (train/val/test)">
              {gate.counts
                ? `${gate.counts.train ?? "–"} / ${gate.counts.validation ?? "–"} / ${gate.counts.test ?? "–"}`
                : "–"}
            </Stat>
            <Stat label="Validation accuracy">{ratio(gate.validationAccuracy)}</Stat>
            <Stat label="Test accuracy">{ratio(gate.accuracy)}</Stat>
            <Stat label="Macro-F1">{ratio(gate.macroF1)}</Stat>
            <Stat label="Gate: min accuracy">{ratio(gate.minAccuracy)}</Stat>
            <Stat
              label="Gate: live + min gain"
              hint={
                gate.live
                  ? `live ${gate.live.version}: ${ratio(gate.live.accuracy)} + ${ratio(gate.minGain)}`
                  : "no live model at Evaluate"
              }
            >
              {gate.live ? ratio(gate.live.threshold) : gate.accuracy === null ? "–" : "no live model"}
            </Stat>
          </>
        )}
      </div>
      {gate.accuracy !== null && <GateBar gate={gate} />}
      <div class="run-body">
        <div class="panel graph-panel">
          <h2>Graph</h2>
          <GraphView
            graph={run.graph}
            status={run.stateStatus}
            errors={errors}
            mapCounts={mapCounts}
            selected={selectedName}
            linkFor={(s) => href(["runs", ex.name], { state: s, tab })}
          />
          <GraphLegend />
        </div>
        <div class="panel state-panel" data-selected-state={selected?.name ?? ""}>
          <h2>{selected ? selected.name : (selectedName ?? "No state yet")}</h2>
          {!selected && selectedName && <p class="muted">Not reached in this run.</p>}
          {selected && (
            <>
              <div class="stats small">
                <Stat label="Type">{selected.type}</Stat>
                <Stat label="Status">
                  <StatusBadge status={selected.status} />
                </Stat>
                <Stat label="Duration">{duration(selected.durationMs ?? elapsed(selected.start, null))}</Stat>
                <Stat label="Attempts">{selected.attempts || "–"}</Stat>
              </div>
              {selected.error && (
                <p class="error">
                  <strong>{selected.error}</strong>: {causeMessage(selected.cause)}
                </p>
              )}
              <MapRunsPanel state={selected.name} mapRuns={run.mapRuns} />
              <JsonView label="Input" value={selected.input} />
              <JsonView label="Output" value={selected.output} />
            </>
          )}
        </div>
      </div>
      <div class="tabs" role="tablist">
        {TABS.filter(([id]) => !run.parent || id !== "quality").map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            class={tab === id ? "active" : ""}
            onClick={() => setQuery({ tab: id })}
          >
            {label}
            {id === "events" && <span class="count">{run.events.length}</span>}
            {id === "audit" && <span class="count">{run.audit.length}</span>}
          </button>
        ))}
      </div>
      <div class="panel" role="tabpanel">
        {tab === "events" ? (
          <EventHistory events={run.events} />
        ) : tab === "quality" ? (
          <QualityPanel run={ex.name} reason={reason} />
        ) : tab === "audit" ? (
          <AuditTable records={run.audit} />
        ) : (
          <StatesTable
            states={run.states}
            mapRuns={run.mapRuns}
            selected={selectedName}
            onSelect={(s) => setQuery({ state: s })}
          />
        )}
      </div>
    </section>
  );
}
