/** Small SVG charts: the gate's numbers on one axis, accuracy over versions, a confusion heat map. */
import type { GateView, LivePointer, Metrics, ModelVersionRecord } from "../../src/api-types.ts";
import { ratio } from "../format.ts";

const floorTenth = (n: number) => Math.max(0, Math.floor(n * 10) / 10);

/** Candidate accuracy against the gate's two thresholds (min accuracy; live accuracy + min gain). */
export function GateBar({ gate }: { gate: GateView }) {
  const marks = [
    { at: gate.minAccuracy, label: "min accuracy" },
    { at: gate.live?.threshold ?? null, label: `live ${gate.live ? ratio(gate.live.accuracy) : ""} + gain` },
  ].filter((m): m is { at: number; label: string } => m.at !== null);
  const accuracy = gate.accuracy ?? 0;
  const lo = floorTenth(Math.min(accuracy, ...marks.map((m) => m.at)) - 0.05);
  const [w, left, right] = [640, 12, 12];
  const x = (v: number) => left + ((v - lo) / (1 - lo)) * (w - left - right);
  const passed = marks.every((m) => accuracy >= m.at);
  const clamp = (v: number) => Math.min(w - 90, Math.max(90, v));
  return (
    <svg
      class="gate-bar"
      viewBox={`0 0 ${w} 72`}
      width={w}
      height={72}
      role="img"
      aria-label="candidate accuracy against the gate"
    >
      <rect x={left} y={18} width={w - left - right} height={12} class="track" />
      <rect
        x={left}
        y={18}
        width={Math.max(0, x(accuracy) - left)}
        height={12}
        class={passed ? "fill-pass" : "fill-fail"}
      />
      <text x={x(accuracy)} y={12} class="value" text-anchor="middle">
        candidate {ratio(accuracy)}
      </text>
      {marks.map((m, i) => (
        <g key={m.label}>
          <line x1={x(m.at)} x2={x(m.at)} y1={14} y2={36 + i * 14} class="mark" />
          <text x={clamp(x(m.at))} y={46 + i * 14} text-anchor="middle" class="mark-label">
            {m.label} {ratio(m.at)}
          </text>
        </g>
      ))}
      <text x={left} y={44} class="axis">
        {lo.toFixed(1)}
      </text>
      <text x={w - right} y={44} class="axis" text-anchor="end">
        1.0
      </text>
    </svg>
  );
}

/** An SVG path through the points (i, values[i]), skipping the missing ones. */
export function polyline(values: Array<number | null>, x: (i: number) => number, y: (v: number) => number): string {
  return values
    .map((v, i) => [i, v] as const)
    .filter((p): p is readonly [number, number] => p[1] !== null)
    .map(([i, v], k) => `${k === 0 ? "M" : "L"} ${x(i)} ${y(v)}`)
    .join(" ");
}

/** Horizontal grid lines at `ticks`, labelled on the left. */
export function Gridlines({
  ticks,
  from,
  to,
  y,
}: {
  ticks: number[];
  from: number;
  to: number;
  y: (v: number) => number;
}) {
  return (
    <>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={from} x2={to} y1={y(t)} y2={y(t)} class="gridline" />
          <text x={from - 6} y={y(t) + 4} text-anchor="end" class="axis">
            {t.toFixed(2)}
          </text>
        </g>
      ))}
    </>
  );
}

export interface AccuracyChartProps {
  versions: ModelVersionRecord[];
  live: LivePointer | null;
  selected: string | null;
  /** The link that selects a version. */
  linkFor: (version: string) => string;
}

/** Test accuracy (and validation accuracy, dashed) of each version, oldest first; the live one ringed. */
export function AccuracyChart({ versions, live, selected, linkFor }: AccuracyChartProps) {
  const [w, h, pad] = [640, 200, 36];
  const values = versions
    .flatMap((v) => [v.metrics.testAccuracy, v.metrics.validationAccuracy])
    .filter((n): n is number => n !== null);
  const lo = floorTenth(Math.min(...values, 1) - 0.05);
  const x = (i: number) =>
    pad + (versions.length === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (versions.length - 1));
  const y = (v: number) => h - pad + ((lo - v) / (1 - lo)) * (h - 2 * pad) + 12;
  const line = (pick: (v: ModelVersionRecord) => number | null) => polyline(versions.map(pick), x, y);
  const ticks = [lo, (lo + 1) / 2, 1];
  return (
    <svg
      class="accuracy-chart"
      viewBox={`0 0 ${w} ${h}`}
      width={w}
      height={h}
      role="img"
      aria-label="accuracy over versions"
    >
      <Gridlines ticks={ticks} from={pad} to={w - pad} y={y} />
      <path d={line((v) => v.metrics.validationAccuracy)} class="series-validation" />
      <path d={line((v) => v.metrics.testAccuracy)} class="series-test" />
      {versions.map((v, i) => {
        const acc = v.metrics.testAccuracy ?? v.metrics.validationAccuracy;
        const isLive = live?.version === v.version;
        return (
          <a
            key={v.version}
            href={linkFor(v.version)}
            class={`point status-${v.status} ${selected === v.version ? "selected" : ""}`}
            data-version={v.version}
          >
            <title>{`${v.version} (${v.status}): test ${ratio(v.metrics.testAccuracy)}, validation ${ratio(v.metrics.validationAccuracy)}`}</title>
            {isLive && <circle cx={x(i)} cy={y(acc)} r={10} class="live-ring" />}
            <circle cx={x(i)} cy={y(acc)} r={5} />
            {isLive && (
              <text x={x(i)} y={y(acc) - 15} text-anchor="middle" class="live-label">
                LIVE
              </text>
            )}
            <text x={x(i)} y={h - 8} text-anchor="middle" class="axis">
              {`v${i + 1}`}
            </text>
          </a>
        );
      })}
      <text x={w - pad} y={14} text-anchor="end" class="legend-text">
        — test accuracy · - - validation accuracy
      </text>
    </svg>
  );
}

/** Rows: true label; columns: predicted; shade by the share of the row, count in the cell. */
export function ConfusionHeatmap({ metrics }: { metrics: Metrics }) {
  const { labels, confusion } = metrics;
  const cell = 56;
  const left = 96;
  const top = 40;
  const size = labels.length * cell;
  return (
    <svg
      class="heatmap"
      viewBox={`0 0 ${left + size + 8} ${top + size + 28}`}
      width={left + size + 8}
      height={top + size + 28}
      role="img"
      aria-label="confusion matrix"
    >
      <text x={left + size / 2} y={12} text-anchor="middle" class="axis-title">
        predicted
      </text>
      {labels.map((label, c) => (
        <text key={`c-${label}`} x={left + c * cell + cell / 2} y={top - 8} text-anchor="middle" class="axis">
          {label}
        </text>
      ))}
      {confusion.map((row, r) => {
        const total = row.reduce((a, b) => a + b, 0) || 1;
        return (
          <g key={labels[r]}>
            <text x={left - 8} y={top + r * cell + cell / 2 + 4} text-anchor="end" class="axis">
              {labels[r]}
            </text>
            {row.map((count, c) => {
              const share = count / total;
              return (
                <g key={labels[c]} data-cell={`${labels[r]}:${labels[c]}`}>
                  <title>{`true ${labels[r]}, predicted ${labels[c]}: ${count} (${(share * 100).toFixed(1)}% of the row)`}</title>
                  <rect
                    x={left + c * cell}
                    y={top + r * cell}
                    width={cell - 2}
                    height={cell - 2}
                    fill={`hsl(${r === c ? 150 : 8} 55% ${97 - share * 62}%)`}
                  />
                  <text
                    x={left + c * cell + cell / 2}
                    y={top + r * cell + cell / 2 + 4}
                    text-anchor="middle"
                    class={share > 0.6 ? "cell light" : "cell"}
                  >
                    {count}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
      <text
        x={12}
        y={top + size / 2}
        class="axis-title"
        transform={`rotate(-90 12 ${top + size / 2})`}
        text-anchor="middle"
      >
        true label
      </text>
    </svg>
  );
}
