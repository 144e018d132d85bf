/** The data-quality lines of `show`: ETL counts, quarantine reasons, smallest classes, label shift. */
import { type DataQuality, LABEL_SHIFT_WARNING } from "@tollgate/core/workflow/data-quality";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function renderQuality(q: DataQuality | null | undefined, run: string): string {
  if (!q) return "";
  const reasons = Object.entries(q.quarantinedByReason)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  const c = q.counts;
  const lines = [
    `data      read ${c.read}   valid ${c.valid}   duplicates ${c.duplicates}   quarantined ${c.quarantined}${reasons ? ` (${reasons})` : ""}`,
    `labels    ${Object.keys(q.labels).length} classes; smallest: ${q.smallest.map((s) => `${s.label} ${s.rows}`).join(", ")}`,
  ];
  if (c.quarantined > 0) lines.push(`          (tollgate quarantine ${run} lists them)`);
  const s = q.shift;
  if (s) {
    const moved = s.changes
      .filter((x) => Math.abs(x.share - x.baselineShare) >= 0.005)
      .slice(0, 3)
      .map((x) => `${x.label} ${pct(x.baselineShare)} → ${pct(x.share)}`)
      .join(", ");
    const extra = [
      s.added.length ? `new labels: ${s.added.join(", ")}` : "",
      s.removed.length ? `labels gone: ${s.removed.join(", ")}` : "",
    ].filter(Boolean);
    lines.push(
      `${s.warning ? "WARNING " : "shift     "}label shift ${s.tvd.toFixed(3)} (total variation distance${s.warning ? ` ≥ ${LABEL_SHIFT_WARNING}` : ""}) vs the training data of ${s.baseline.version}${moved ? `: ${moved}` : ""}${extra.length ? `; ${extra.join("; ")}` : ""}`,
    );
  }
  return `\n${lines.join("\n")}`;
}
