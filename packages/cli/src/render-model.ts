/** Text output of `models show` and `models compare`. */
import type { Metrics } from "@tollgate/core/contracts";
import type { Comparison, ModelDetail } from "@tollgate/core/registry/model-detail";
import { isExactChosen, SelectionCard } from "@tollgate/core/registry/selection-card";
import { hyperparameters, table } from "./render.ts";

const f4 = (n: unknown) => (typeof n === "number" ? n.toFixed(4) : "-");
const signed = (n: number) => `${n >= 0 ? "+" : ""}${n.toFixed(4)}`;

/** Per-class precision, recall, F1 and support. */
export function perClassTable(metrics: Metrics): string {
  return table(
    ["CLASS", "PRECISION", "RECALL", "F1", "SUPPORT"],
    metrics.labels.map((label) => {
      const m = metrics.perClass[label];
      return [label, f4(m?.precision), f4(m?.recall), f4(m?.f1), m?.support ?? 0];
    }),
  );
}

/**
 * The confusion matrix as a table (rows: true class, columns: predicted), classes ordered by how
 * many of their rows are misclassified, the worst first; at most `limit` classes (the rest are
 * summed in an "other" row and column).
 */
export function confusionTable(metrics: Metrics, limit = 12): string {
  const n = metrics.labels.length;
  const errors = metrics.labels.map((_, t) => ({
    t,
    wrong: (metrics.confusion[t] ?? []).reduce((s, c, p) => s + (p === t ? 0 : c), 0),
  }));
  const order = errors.sort((a, b) => b.wrong - a.wrong || a.t - b.t).map((e) => e.t);
  const shown = order.slice(0, limit);
  const rest = order.slice(limit);
  const cell = (t: number, p: number) => metrics.confusion[t]?.[p] ?? 0;
  const sum = (ts: number[], ps: number[]) => ts.reduce((s, t) => s + ps.reduce((x, p) => x + cell(t, p), 0), 0);
  const header = [
    "TRUE \\ PREDICTED",
    ...shown.map((p) => metrics.labels[p] as string),
    ...(rest.length ? ["(other)"] : []),
  ];
  const rows = shown.map((t) => [
    metrics.labels[t] as string,
    ...shown.map((p) => cell(t, p)),
    ...(rest.length ? [sum([t], rest)] : []),
  ]);
  if (rest.length) rows.push([`(other ${rest.length})`, ...shown.map((p) => sum(rest, [p])), sum(rest, rest)]);
  return `${table(header, rows)}${n > limit ? `\n(${n} classes: the ${limit} with the most errors shown)` : ""}`;
}

/** `models show <version>`. */
export function renderModelDetail(d: ModelDetail): string {
  const card = d.card as {
    datasetVersion?: string;
    counts?: { train: number; validation: number; test: number };
    training?: {
      algorithm?: string;
      learningRate?: number;
      l2?: number;
      epochsRun?: number;
      features?: number;
      selection?: { candidates?: unknown[]; chosen?: { ngramMax?: number; minDf?: number } };
    };
    settings?: { features?: { ngramMax?: number; minDf?: number }; pinned?: Record<string, number> };
    validation?: { accuracy?: number; loss?: number };
  };
  const t = card.training ?? {};
  const features = { ...card.settings?.features, ...t.selection?.chosen };
  const pinned = Object.keys(card.settings?.pinned ?? {});
  const lines = [
    `${d.record.modelName}@${d.record.version}  ${d.record.status}${d.record.statusReason ? ` (${d.record.statusReason})` : ""}`,
    `run          ${d.record.runId}  created ${d.record.createdAt}`,
    `data         dataset version ${card.datasetVersion ?? d.record.datasetVersion}`,
    `splits       train ${card.counts?.train ?? "-"}  validation ${card.counts?.validation ?? "-"}  test ${card.counts?.test ?? "-"}`,
    `training     ${hyperparameters({ ...t, ...features }, pinned)}  features ${t.features ?? "-"}  epochs ${t.epochsRun ?? "-"}` +
      (t.selection?.candidates?.length
        ? `  (best of ${t.selection.candidates.length} candidates on validation)`
        : t.selection
          ? "  (no search: every value pinned, or selection budget 1)"
          : ""),
    ...(t.algorithm ? [`algorithm    ${t.algorithm}`] : []),
    `validation   accuracy ${f4(card.validation?.accuracy)}  loss ${f4(card.validation?.loss)}`,
  ];
  const selection = SelectionCard.safeParse(t.selection);
  const candidates = selection.success && selection.data.candidates.length ? ["", selectionTable(selection.data)] : [];
  if (!d.test)
    return [...lines, "test         not evaluated (the run stopped before Evaluate)", ...candidates].join("\n");
  lines.push(`test         accuracy ${f4(d.test.accuracy)}  macro-F1 ${f4(d.test.macroF1)}  rows ${d.test.count}`, "");
  lines.push(perClassTable(d.test), "");
  lines.push(
    d.confusions.length
      ? `top confusions: ${d.confusions
          .slice(0, 5)
          .map((c) => `${c.truth} → ${c.predicted} ${c.count}`)
          .join(", ")}`
      : "no confusions on the test split",
  );
  lines.push(confusionTable(d.test));
  lines.push(...candidates);
  return lines.join("\n");
}

/**
 * The candidates tried on validation, in the order they ran: the successive-halving rungs (the
 * chosen values marked `*` in the last rung they reached), then the exact solver's race, if it ran.
 */
export function selectionTable(s: SelectionCard): string {
  const { candidates, chosen: c } = s;
  const last = Math.max(...candidates.map((k) => k.rung));
  const isChosen = (k: SelectionCard["candidates"][number]) =>
    !s.exact?.chosen &&
    k.rung === last &&
    k.learningRate === c.learningRate &&
    k.l2 === c.l2 &&
    k.ngramMax === c.ngramMax &&
    k.minDf === c.minDf;
  const lines = [
    `selection    ${s.method}`,
    `             budget ${s.budget} plain fits; the search spent ${s.passes.toFixed(2)} passes over the training split`,
    table(
      ["", "RUNG", "ROWS", "EPOCHS", "LEARNING_RATE", "L2", "N-GRAMS", "MIN_DF", "VAL_ACC", "VAL_LOSS"],
      candidates.map((k) => [
        isChosen(k) ? "*" : "",
        k.rung,
        k.rows,
        k.epochs,
        k.learningRate,
        k.l2,
        `1–${k.ngramMax}`,
        k.minDf,
        f4(k.validationAccuracy),
        f4(k.validationLoss),
      ]),
    ),
  ];
  const x = s.exact;
  if (!x) return lines.join("\n");
  if (!x.candidates.length)
    return [...lines, `exact solver race: not run (${x.skipped ?? "no budget left"})`].join("\n");
  lines.push(
    "",
    `exact solver race (dual coordinate descent, LIBLINEAR -s 7) against the SGD fit's validation accuracy ${f4(x.sgd.validationAccuracy)}`,
    table(
      ["", "C", "FEATURES", "WEIGHTS", "PASSES", "VAL_ACC", "VAL_LOSS"],
      x.candidates.map((k) => [
        isExactChosen(x, k) ? "*" : "",
        k.c,
        k.features ?? "the spec's",
        k.weights ?? "plain",
        k.passes,
        f4(k.validationAccuracy),
        f4(k.validationLoss),
      ]),
    ),
  );
  return lines.join("\n");
}

/** `models compare <a> <b>`. */
export function renderComparison(c: Comparison): string {
  const { accuracy: acc } = c;
  const m = acc.mcnemar;
  const verdict =
    m.exactPValue < 0.05
      ? `${acc.difference > 0 ? c.b.version : c.a.version} is more accurate (p < 0.05)`
      : "no significant difference in accuracy at the 5% level";
  return [
    `${c.modelName}: ${c.a.version} (A) vs ${c.b.version} (B) on the test split of dataset ${c.on.dataset} version ${c.on.datasetVersion.slice(0, 12)} (${c.on.rows} rows)`,
    "",
    table(
      ["METRIC", "A", "B", "B − A", "95% CI"],
      [
        [
          "accuracy",
          f4(c.a.metrics.accuracy),
          f4(c.b.metrics.accuracy),
          signed(acc.difference),
          `[${signed(acc.ci95[0])}, ${signed(acc.ci95[1])}]`,
        ],
        ["macro-F1", f4(c.macroF1.a), f4(c.macroF1.b), signed(c.macroF1.difference), ""],
      ],
    ),
    "",
    `McNemar: only A right ${m.onlyA}, only B right ${m.onlyB}; χ² ${m.statistic.toFixed(4)} (continuity-corrected) p ${m.pValue.toPrecision(4)}; exact p ${m.exactPValue.toPrecision(4)}`,
    verdict,
    "",
    "per-class F1, largest change first",
    table(
      ["CLASS", "A", "B", "B − A", "SUPPORT"],
      c.perClass.map((p) => [p.label, f4(p.a), f4(p.b), signed(p.difference), p.support]),
    ),
  ].join("\n");
}
