/** The run's table views: one row per state entered, and the run's audit records. */
import { childCounts } from "@tollgate/core/workflow/map-runs";
import type { AuditRecord, MapRunView, StateView } from "../../src/api-types.ts";
import { duration, elapsed } from "../format.ts";
import { StatusBadge } from "./badges.tsx";

export function StatesTable(props: {
  states: StateView[];
  mapRuns: MapRunView[];
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  if (props.states.length === 0) return <p class="empty">No state entered yet.</p>;
  const counts = new Map(props.mapRuns.map((r) => [r.mapRunArn, childCounts(r.executionCounts)]));
  return (
    <table class="grid states-table">
      <thead>
        <tr>
          <th>State</th>
          <th>Type</th>
          <th>Status</th>
          <th>Started</th>
          <th class="num">Duration</th>
          <th class="num">Attempts</th>
          <th>Children</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {props.states.map((s, i) => (
          <tr
            key={`${s.name}-${i}`}
            data-state-row={s.name}
            class={props.selected === s.name ? "selected" : ""}
            onClick={() => props.onSelect(s.name)}
          >
            <td>{s.name}</td>
            <td>{s.type}</td>
            <td>
              <StatusBadge status={s.status} />
            </td>
            <td class="mono">{s.start}</td>
            <td class="num">{duration(s.durationMs ?? elapsed(s.start, null))}</td>
            <td class="num">{s.attempts || "–"}</td>
            <td class="child-counts">{(s.mapRunArn && counts.get(s.mapRunArn)) ?? ""}</td>
            <td class="mono">{s.error ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AuditTable({ records }: { records: AuditRecord[] }) {
  if (records.length === 0) return <p class="empty">No audit records for this run.</p>;
  return (
    <table class="grid audit-table">
      <thead>
        <tr>
          <th>Time</th>
          <th>Source</th>
          <th>Event</th>
          <th>Who</th>
          <th>Resource</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr key={r.eventID} data-audit-event={r.eventName}>
            <td class="mono">{r.eventTime}</td>
            <td>{r.eventSource}</td>
            <td class="mono">{r.eventName}</td>
            <td>{r.userIdentity.principalId}</td>
            <td class="mono wrap">{r.resources.map((x) => x.ARN).join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
