/**
 * A Distributed Map state's runs in the run view: each Map Run (one per round or retry) with its child
 * counts, tolerance and ResultWriter location, and its child executions, each a link to its own run view.
 * The same figures `tollgate show` prints (core's map-runs.ts).
 */
import { childCounts } from "@tollgate/core/workflow/map-runs";
import type { MapRunView } from "../../src/api-types.ts";
import { duration, elapsed } from "../format.ts";
import { href } from "../router.ts";
import { StatusBadge } from "./badges.tsx";

export function MapRunsPanel({ state, mapRuns }: { state: string; mapRuns: MapRunView[] }) {
  const ofState = mapRuns.filter((r) => r.stateName === state);
  if (ofState.length === 0) return null;
  return (
    <div class="map-runs">
      {ofState.map((r, i) => (
        <div class="map-run" key={r.mapRunArn} data-map-run={r.mapRunArn} data-status={r.status}>
          <h3>
            {ofState.length > 1 ? `Map Run ${i + 1} of ${ofState.length}` : "Map Run"} <StatusBadge status={r.status} />{" "}
            <span class="child-counts">{childCounts(r.executionCounts)}</span>
          </h3>
          <p class="muted small">
            {r.itemCounts.total} items · tolerated {r.toleratedFailurePercentage}% / {r.toleratedFailureCount}
            {r.redriveCount ? ` · redriven ${r.redriveCount}×` : ""}
            {r.resultWriter ? ` · results s3://${r.resultWriter.bucket}/${r.resultWriter.key}` : ""}
          </p>
          <table class="grid map-children">
            <thead>
              <tr>
                <th>Child</th>
                <th>Status</th>
                <th class="num">Duration</th>
              </tr>
            </thead>
            <tbody>
              {(r.children ?? []).map((c) => (
                <tr key={c.name} data-child={c.name} data-status={c.status}>
                  <td class="mono">
                    <a href={href(["runs", c.name])}>{c.index === null ? c.name : `#${c.index}`}</a>
                  </td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                  <td class="num">{duration(c.durationMs ?? elapsed(c.startDate, null))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}
