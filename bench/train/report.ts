/** The tables, the targets and the one JSON line of `pnpm bench:train`. */
import type { OursScored, OursTrained } from "./ours.ts";
import type { PeerResult } from "./peers.ts";

/** tollgate's figures on one dataset, shaped like a peer's (plus what only ours reports). */
export interface Ours {
  chosen: string;
  accuracy: number;
  macroF1: number;
  search_s: number;
  fit_s: number;
  train_s: number;
  cpu_s: number;
  predict_cold_s: number;
  predict_start_s: number;
  predict_hot_s: number;
  peak_rss_mb: number;
  /** In-process (hot, after warm-up): median over the test set, and single documents. */
  predict_docs_per_s: number;
  p50_ms: number;
  model_mb: number;
  vocabulary: number;
  epochs: unknown;
  rss_10x_ratio: number | null;
}

export interface DatasetResult {
  name: string;
  title: string;
  rows: { train: number; test: number; classes: number };
  ours: Ours;
  peers: PeerResult[];
}

const r = (x: number, digits: number) => Number(x.toFixed(digits));

/** A compact text of the selected hyperparameters from the model card's `training.selection`. */
function chosenOf(training: Record<string, unknown>): string {
  const selection = training.selection as
    | {
        chosen?: Record<string, unknown>;
        exact?: {
          chosen: { c: number; wide?: boolean } | null;
          candidates: Array<{ c: number; features?: string; weights?: string }>;
        };
      }
    | undefined;
  if (!selection?.chosen) return "defaults";
  const exact = selection.exact?.chosen;
  const won = selection.exact?.candidates.find((k) => k.c === exact?.c && Boolean(k.features) === Boolean(exact.wide));
  const weighted = won?.weights ? ", NB-weighted" : "";
  const on = `${exact?.wide ? " on min df 1 + sublinear tf" : ""}${weighted}`;
  if (exact) return `dual CD c=${exact.c}${on} (beat SGD ${chosenText(selection.chosen)} on validation)`;
  return chosenText(selection.chosen);
}

function chosenText(chosen: Record<string, unknown>): string {
  return Object.entries(chosen)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
}

export function oursSummary(trained: OursTrained, scored: OursScored, x10?: OursTrained): Ours {
  const selection = trained.training.selection as { seconds?: number } | undefined;
  const searchS = selection?.seconds ?? 0;
  return {
    chosen: chosenOf(trained.training),
    accuracy: r(scored.accuracy, 4),
    macroF1: r(scored.macroF1, 4),
    search_s: r(searchS, 2),
    fit_s: r(trained.trainS - searchS, 2),
    train_s: r(trained.trainS, 2),
    cpu_s: r(trained.trainCpuS, 2),
    predict_cold_s: r(scored.predict_cold_s, 3),
    predict_start_s: r(scored.predict_start_s, 3),
    predict_hot_s: r(scored.predict_hot_s, 3),
    peak_rss_mb: r(trained.peakRssMb, 1),
    predict_docs_per_s: Math.round(scored.predictDocsPerS),
    p50_ms: r(scored.p50Ms, 4),
    model_mb: r(trained.modelMb, 2),
    vocabulary: trained.vocabulary,
    epochs: trained.training.epochsRun,
    rss_10x_ratio: x10 ? r(x10.peakRssMb / trained.peakRssMb, 3) : null,
  };
}

const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n));
const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

function markdown(head: string[], rows: string[][], leftColumns = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i]!, i >= leftColumns)).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i >= leftColumns ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

/** One dataset: every tool's figures, and ours / peer ratios. */
export function table(d: DatasetResult): string {
  const { ours } = d;
  const head = [
    "tool",
    "chosen on validation",
    "accuracy",
    "macro-F1",
    "search s",
    "fit s",
    "train s",
    "cpu s",
    "predict cold s",
    "hot s",
    "peak RSS MB",
    "acc ours/peer",
    "train ours/peer",
    "hot ours/peer",
  ];
  const cells = (p: Omit<PeerResult, "name" | "scores" | "threads" | "includes">) => [
    p.chosen,
    fmt(p.accuracy, 4),
    fmt(p.macroF1, 4),
    fmt(p.search_s, 2),
    fmt(p.fit_s, 2),
    fmt(p.train_s, 2),
    fmt(p.cpu_s, 2),
    fmt(p.predict_cold_s, 3),
    fmt(p.predict_hot_s, 3),
    fmt(p.peak_rss_mb, 0),
  ];
  const rows = [
    ["tollgate (ours)", ...cells(ours), "", "", ""],
    ...d.peers.map((p) => [
      p.name,
      ...cells(p),
      fmt(ours.accuracy / p.accuracy, 3),
      fmt(ours.train_s / p.train_s, 3),
      fmt(ours.predict_hot_s / p.predict_hot_s, 3),
    ]),
  ];
  return markdown(head, rows, 2);
}

export interface Target {
  dataset: string;
  name: string;
  value: string;
  holds: boolean | null;
}

/** The peer that sets the time bar: the fastest (search + fit) within 1 point of the best accuracy of all tools. */
export function timeBar(d: DatasetResult): PeerResult | undefined {
  const best = Math.max(d.ours.accuracy, ...d.peers.map((p) => p.accuracy));
  const near = d.peers.filter((p) => p.accuracy >= best - 0.01);
  return near.sort((a, b) => a.train_s - b.train_s)[0];
}

/** The issue's targets on one dataset, each with the measured value and whether it holds (null: not measured). */
export function targets(d: DatasetResult): Target[] {
  const { ours, peers, name } = d;
  const top = (key: "accuracy" | "macroF1") => peers.reduce((a, b) => (b[key] > a[key] ? b : a), peers[0]!);
  const list: Target[] = [];
  if (peers.length > 0) {
    for (const key of ["accuracy", "macroF1"] as const) {
      const best = top(key);
      list.push({
        dataset: name,
        name: `${key} >= best tuned peer's`,
        value: `${fmt(ours[key], 4)} vs ${fmt(best[key], 4)} (${best.name}): ${ours[key] >= best[key] ? "+" : ""}${fmt(100 * (ours[key] - best[key]), 2)} points`,
        holds: ours[key] >= best[key],
      });
    }
    const bar = timeBar(d);
    list.push({
      dataset: name,
      name: "train <= 0.5x fastest peer within 1 point (selection included)",
      value: bar
        ? `${fmt(ours.train_s, 2)} s / ${fmt(bar.train_s, 2)} s (${bar.name}) = ${fmt(ours.train_s / bar.train_s, 3)}`
        : "no peer within 1 point",
      holds: bar ? ours.train_s <= 0.5 * bar.train_s : null,
    });
  }
  if (name === "wordnet") {
    list.push(
      { dataset: name, name: "accuracy >= 0.775", value: fmt(ours.accuracy, 4), holds: ours.accuracy >= 0.775 },
      {
        dataset: name,
        name: "batched >= 50,000 docs/s",
        value: `${ours.predict_docs_per_s} docs/s`,
        holds: ours.predict_docs_per_s >= 50_000,
      },
      {
        dataset: name,
        name: "single-doc p50 <= 0.1 ms",
        value: `${fmt(ours.p50_ms, 4)} ms`,
        holds: ours.p50_ms <= 0.1,
      },
      { dataset: name, name: "model <= 25 MB", value: `${fmt(ours.model_mb, 2)} MB`, holds: ours.model_mb <= 25 },
    );
  }
  if (ours.rss_10x_ratio !== null) {
    list.push({
      dataset: name,
      name: "10x distinct data <= 1.5x peak RSS",
      value: fmt(ours.rss_10x_ratio, 3),
      holds: ours.rss_10x_ratio <= 1.5,
    });
  }
  return list;
}

export function targetLines(list: Target[]): string {
  return list
    .map((t) => `${t.holds === null ? "  -  " : t.holds ? "  ok " : "  NO "} ${t.dataset}: ${t.name}: ${t.value}`)
    .join("\n");
}

/** Across datasets: ours against the best tuned peer and the time bar. */
export function summaryTable(results: DatasetResult[]): string {
  const head = [
    "dataset",
    "train/test rows",
    "classes",
    "ours acc",
    "best peer acc",
    "ours F1",
    "best peer F1",
    "ours train s",
    "time bar (fastest within 1 pt)",
    "train ratio",
  ];
  const rows = results.map((d) => {
    const bestAcc = d.peers.reduce((a, b) => (b.accuracy > a.accuracy ? b : a), d.peers[0]!);
    const bestF1 = d.peers.reduce((a, b) => (b.macroF1 > a.macroF1 ? b : a), d.peers[0]!);
    const bar = timeBar(d);
    return [
      d.name,
      `${d.rows.train}/${d.rows.test}`,
      String(d.rows.classes),
      fmt(d.ours.accuracy, 4),
      bestAcc ? `${fmt(bestAcc.accuracy, 4)} ${bestAcc.name}` : "n/a",
      fmt(d.ours.macroF1, 4),
      bestF1 ? `${fmt(bestF1.macroF1, 4)} ${bestF1.name}` : "n/a",
      fmt(d.ours.train_s, 2),
      bar ? `${fmt(bar.train_s, 2)} ${bar.name}` : "n/a",
      bar ? fmt(d.ours.train_s / bar.train_s, 3) : "n/a",
    ];
  });
  return markdown(head, rows, 1);
}

/** The last line: exactly one JSON object. */
export function jsonLine(results: DatasetResult[], extra: Record<string, unknown>): string {
  return JSON.stringify({
    datasets: results.map((d) => ({
      name: d.name,
      rows: d.rows,
      ours: d.ours,
      peers: d.peers.map((p) => ({
        name: p.name,
        chosen: p.chosen,
        accuracy: r(p.accuracy, 4),
        macroF1: r(p.macroF1, 4),
        search_s: r(p.search_s, 2),
        fit_s: r(p.fit_s, 2),
        train_s: r(p.train_s, 2),
        cpu_s: r(p.cpu_s, 2),
        predict_cold_s: r(p.predict_cold_s, 3),
        predict_hot_s: r(p.predict_hot_s, 3),
        peak_rss_mb: r(p.peak_rss_mb, 1),
        threads: p.threads,
      })),
    })),
    ...extra,
  });
}
