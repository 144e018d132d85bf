/** Runs: the executions newest first, filterable by status, refreshed every two seconds. */
import { EXECUTION_STATUSES, type RunSummary } from "../../src/api-types.ts";
import { usePoll } from "../api.ts";
import { DecisionBadge, ErrorLine, StatusBadge } from "../components/badges.tsx";
import { duration, elapsed, time } from "../format.ts";
import { href } from "../router.ts";

export function RunsPage({ status }: { status: string | null }) {
  const { data: runs, error } = usePoll<RunSummary[]>(`/api/runs${status ? `?status=${status}` : ""}`, 2000);
  return (
    <section>
      <div class="toolbar">
        <h1>Runs</h1>
        <nav class="filters" aria-label="filter by status">
          {[null, ...EXECUTION_STATUSES].map((s) => (
            <a
              key={s ?? "all"}
              href={href(["runs"], { status: s })}
              class={`filter ${s === status ? "active" : ""}`}
              aria-current={s === status ? "page" : undefined}
              data-status={s ?? "ALL"}
            >
              {s ?? "All"}
            </a>
          ))}
        </nav>
      </div>
      <ErrorLine error={error} />
      {runs && runs.length === 0 && (
        <p class="empty">
          {status ? `No ${status} runs.` : "No runs yet: `pnpm tollgate ingest <file> --dataset <name>` starts one."}
        </p>
      )}
      {runs && runs.length > 0 && (
        <table class="grid runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Model</th>
              <th>Started</th>
              <th class="num">Duration</th>
              <th>Decision</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.name} data-run={run.name}>
                <td>
                  <a href={href(["runs", run.name])}>{run.name}</a>
                </td>
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>{run.modelName ?? "–"}</td>
                <td>{time(run.startDate)}</td>
                <td class="num">{duration(run.durationMs ?? elapsed(run.startDate, null))}</td>
                <td>
                  <DecisionBadge decision={run.decision} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
