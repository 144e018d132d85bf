/**
 * A run's data quality, as `tollgate show` and `tollgate quarantine` print it: the ETL counts, the
 * quarantine reasons, the label counts with the smallest classes, the label-shift warning, and the
 * quarantined rows (filterable by reason).
 */
import type { RunQuality } from "../../src/api-types.ts";
import { usePoll } from "../api.ts";
import { href } from "../router.ts";
import { ErrorLine, Stat } from "./badges.tsx";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function LabelShiftLine({ shift }: { shift: NonNullable<RunQuality["quality"]>["shift"] }) {
  if (!shift) return <p class="muted">No label shift measured (no earlier model to compare the labels with).</p>;
  const moved = shift.changes.filter((c) => Math.abs(c.share - c.baselineShare) >= 0.005).slice(0, 3);
  return (
    <p class={shift.warning ? "notice warn label-shift" : "label-shift"} data-warning={String(shift.warning)}>
      {shift.warning && <strong>Label shift warning: </strong>}
      total variation distance <strong>{shift.tvd.toFixed(3)}</strong> vs the training data of{" "}
      <span class="mono">{shift.baseline.version}</span>
      {shift.warning ? " (≥ 0.2)" : ""}
      {moved.length > 0 && `: ${moved.map((c) => `${c.label} ${pct(c.baselineShare)} → ${pct(c.share)}`).join(", ")}`}
      {shift.added.length > 0 && `; new labels: ${shift.added.join(", ")}`}
      {shift.removed.length > 0 && `; labels gone: ${shift.removed.join(", ")}`}
    </p>
  );
}

export function QualityPanel({ run, reason }: { run: string; reason: string | null }) {
  const path = `/api/runs/${encodeURIComponent(run)}/quality${reason ? `?reason=${encodeURIComponent(reason)}` : ""}`;
  const { data, error } = usePoll<RunQuality>(path, 60_000, () => false);
  if (!data) return error ? <ErrorLine error={error} /> : <p class="muted">Loading…</p>;
  const { quality: q, quarantine } = data;
  if (!q) return <p class="muted">No data-quality figures: the run has no manifest (it stopped before or in Etl).</p>;
  const reasons = Object.entries(q.quarantinedByReason).sort((a, b) => b[1] - a[1]);
  const labels = Object.entries(q.labels).sort((a, b) => b[1] - a[1]);
  const max = Math.max(...labels.map(([, n]) => n), 1);
  return (
    <div class="quality" data-quarantined={q.counts.quarantined}>
      <div class="stats small">
        <Stat label="Rows read">{q.counts.read}</Stat>
        <Stat label="Kept (valid)">{q.counts.valid}</Stat>
        <Stat label="Duplicates">{q.counts.duplicates}</Stat>
        <Stat label="Quarantined">{q.counts.quarantined}</Stat>
        <Stat label="Dataset version">
          <span class="mono">{q.datasetVersion.slice(0, 12)}</span>
        </Stat>
      </div>
      <LabelShiftLine shift={q.shift} />
      <div class="quality-columns">
        <div>
          <h3>Quarantined per reason</h3>
          {reasons.length === 0 ? (
            <p class="muted">Nothing quarantined.</p>
          ) : (
            <table class="grid reasons">
              <tbody>
                {reasons.map(([r, n]) => (
                  <tr key={r} data-reason={r} class={r === reason ? "selected" : ""}>
                    <td>
                      <a href={href(["runs", run], { tab: "quality", reason: r === reason ? null : r })}>{r}</a>
                    </td>
                    <td class="num">{n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h3>
            Labels ({labels.length} classes; smallest {q.smallest.map((s) => s.label).join(", ")})
          </h3>
          <table class="grid labels">
            <tbody>
              {labels.map(([label, n]) => (
                <tr key={label} data-label={label}>
                  <td>{label}</td>
                  <td class="num">{n}</td>
                  <td class="bar-cell">
                    <span class="bar" style={{ width: `${(100 * n) / max}%` }} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {quarantine.total > 0 && (
        <>
          <h3>
            Quarantined rows{reason ? ` (${reason})` : ""}: {quarantine.rows.length} of {quarantine.total} shown
          </h3>
          <table class="grid quarantine">
            <thead>
              <tr>
                <th>Source</th>
                <th class="num">Line</th>
                <th>Reason</th>
                <th>Raw</th>
              </tr>
            </thead>
            <tbody>
              {quarantine.rows.map((r) => (
                <tr key={`${r.source}:${r.line}`} data-line={r.line}>
                  <td class="mono">{r.source}</td>
                  <td class="num">{r.line}</td>
                  <td>{r.reason}</td>
                  <td class="mono raw">{r.raw}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
