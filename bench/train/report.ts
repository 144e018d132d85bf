/** The table, the targets and the one JSON line of `pnpm bench:train`. */
import type { OursScored, OursTrained } from "./ours.ts";
import type { PeerResult } from "./peers.ts";

export interface Ours {
  accuracy: number;
  train_s: number;
  predict_s: number;
  predict_docs_per_s: number;
  p50_ms: number;
  peak_rss_mb: number;
  model_mb: number;
  rss_10x_ratio: number | null;
}

const r = (x: number, digits: number) => Number(x.toFixed(digits));

export function oursSummary(trained: OursTrained, scored: OursScored, x10?: OursTrained): Ours {
  return {
    accuracy: r(scored.accuracy, 4),
    train_s: r(trained.trainS, 2),
    predict_s: r(scored.predictS, 3),
    predict_docs_per_s: Math.round(scored.predictDocsPerS),
    p50_ms: r(scored.p50Ms, 4),
    peak_rss_mb: r(trained.peakRssMb, 1),
    model_mb: r(trained.modelMb, 2),
    rss_10x_ratio: x10 ? r(x10.peakRssMb / trained.peakRssMb, 3) : null,
  };
}

const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));
const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

/** A Markdown table: tool, accuracy, train s, predict s, peak RSS, and ours/peer ratios. */
export function table(ours: Ours, peers: PeerResult[]): string {
  const head = [
    "tool",
    "accuracy",
    "train s",
    "predict s",
    "peak RSS MB",
    "acc ours/peer",
    "train ours/peer",
    "predict ours/peer",
  ];
  const rows = [
    [
      "tollgate (ours)",
      fmt(ours.accuracy, 4),
      fmt(ours.train_s, 2),
      fmt(ours.predict_s, 3),
      fmt(ours.peak_rss_mb, 0),
      "",
      "",
      "",
    ],
    ...peers.map((p) => [
      p.name,
      fmt(p.accuracy, 4),
      fmt(p.train_s, 2),
      fmt(p.predict_s, 3),
      fmt(p.peak_rss_mb, 0),
      fmt(ours.accuracy / p.accuracy, 3),
      fmt(ours.train_s / p.train_s, 3),
      fmt(ours.predict_s / p.predict_s, 3),
    ]),
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i]!, i > 0)).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i > 0 ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

export interface Target {
  name: string;
  value: string;
  holds: boolean | null;
}

/** The issue's targets, each with the measured value and whether it holds (null: not measured). */
export function targets(ours: Ours, peers: PeerResult[]): Target[] {
  const vw5 = peers.find((p) => p.name === "vw 5 passes");
  const ratio = vw5 ? ours.train_s / vw5.train_s : Number.NaN;
  return [
    { name: "accuracy >= 0.75", value: fmt(ours.accuracy, 4), holds: ours.accuracy >= 0.75 },
    {
      name: "train <= 0.5x VW 5 passes",
      value: vw5 ? `${fmt(ours.train_s, 2)} s / ${fmt(vw5.train_s, 2)} s = ${fmt(ratio, 3)}` : "VW 5 passes not run",
      holds: vw5 ? ratio <= 0.5 : null,
    },
    {
      name: "batched >= 50,000 docs/s",
      value: `${ours.predict_docs_per_s} docs/s`,
      holds: ours.predict_docs_per_s >= 50_000,
    },
    { name: "single-doc p50 <= 0.1 ms", value: `${fmt(ours.p50_ms, 4)} ms`, holds: ours.p50_ms <= 0.1 },
    {
      name: "10x data <= 1.5x peak RSS",
      value: ours.rss_10x_ratio === null ? "not run" : fmt(ours.rss_10x_ratio, 3),
      holds: ours.rss_10x_ratio === null ? null : ours.rss_10x_ratio <= 1.5,
    },
    { name: "model <= 25 MB", value: `${fmt(ours.model_mb, 2)} MB`, holds: ours.model_mb <= 25 },
  ];
}

export function targetLines(list: Target[]): string {
  return list
    .map((t) => `${t.holds === null ? "  -  " : t.holds ? "  ok " : "  NO "} ${t.name}: ${t.value}`)
    .join("\n");
}

/** The last line: exactly one JSON object. */
export function jsonLine(dataset: string, ours: Ours, peers: PeerResult[], extra: Record<string, unknown>): string {
  return JSON.stringify({
    dataset,
    ours,
    peers: peers.map((p) => ({
      name: p.name,
      accuracy: r(p.accuracy, 4),
      train_s: r(p.train_s, 2),
      predict_s: r(p.predict_s, 3),
      peak_rss_mb: r(p.peak_rss_mb, 1),
    })),
    ...extra,
  });
}
