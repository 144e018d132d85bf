/**
 * Two versions of a model scored on the same test split (the newer one's, or a chosen dataset
 * version), as `tollgate models compare` prints them: the accuracy difference with its 95%
 * interval and McNemar's test, macro-F1, and the per-class F1 changes, largest first.
 */
import type { Comparison, ModelView } from "../../src/api-types.ts";
import { usePoll } from "../api.ts";
import { ErrorLine, Stat } from "../components/badges.tsx";
import { ratio } from "../format.ts";
import { href, setQuery } from "../router.ts";

const signed = (n: number) => `${n >= 0 ? "+" : "−"}${Math.abs(n).toFixed(4)}`;
const p = (n: number) => (n < 1e-4 ? n.toExponential(2) : n.toPrecision(4));

/** The per-class F1 changes as diverging bars around zero. */
function F1Changes({ c }: { c: Comparison }) {
  const max = Math.max(...c.perClass.map((k) => Math.abs(k.difference)), 0.01);
  return (
    <table class="grid per-class-diff">
      <thead>
        <tr>
          <th>Class</th>
          <th class="num">F1 {c.a.version}</th>
          <th class="num">F1 {c.b.version}</th>
          <th class="num">B − A</th>
          <th class="diff-bar-head">change</th>
          <th class="num">Support</th>
        </tr>
      </thead>
      <tbody>
        {c.perClass.map((k) => (
          <tr key={k.label} data-label={k.label}>
            <td>{k.label}</td>
            <td class="num">{ratio(k.a)}</td>
            <td class="num">{ratio(k.b)}</td>
            <td class={`num ${k.difference > 0 ? "up" : k.difference < 0 ? "down" : ""}`}>{signed(k.difference)}</td>
            <td class="diff-bar-cell">
              <span
                class={`diff-bar ${k.difference >= 0 ? "up" : "down"}`}
                style={{ width: `${(50 * Math.abs(k.difference)) / max}%` }}
              />
            </td>
            <td class="num">{k.support}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Result({ c }: { c: Comparison }) {
  const m = c.accuracy.mcnemar;
  const significant = m.exactPValue < 0.05;
  const [lo, hi] = c.accuracy.ci95;
  return (
    <div class="comparison" data-rows={c.on.rows} data-difference={c.accuracy.difference}>
      <p>
        <span class="mono">{c.a.version}</span> (A) vs <span class="mono">{c.b.version}</span> (B) on the test split of
        dataset {c.on.dataset} version <span class="mono">{c.on.datasetVersion.slice(0, 12)}</span> ({c.on.rows} rows)
      </p>
      <table class="grid compare-metrics">
        <thead>
          <tr>
            <th>Metric</th>
            <th class="num">A</th>
            <th class="num">B</th>
            <th class="num">B − A</th>
            <th>95% CI</th>
          </tr>
        </thead>
        <tbody>
          <tr data-metric="accuracy">
            <td>accuracy</td>
            <td class="num">{ratio(c.a.metrics.accuracy)}</td>
            <td class="num">{ratio(c.b.metrics.accuracy)}</td>
            <td class="num">{signed(c.accuracy.difference)}</td>
            <td class="ci">
              [{signed(lo)}, {signed(hi)}]
            </td>
          </tr>
          <tr data-metric="macroF1">
            <td>macro-F1</td>
            <td class="num">{ratio(c.macroF1.a)}</td>
            <td class="num">{ratio(c.macroF1.b)}</td>
            <td class="num">{signed(c.macroF1.difference)}</td>
            <td />
          </tr>
        </tbody>
      </table>
      <div class="stats small mcnemar">
        <Stat label="Only A right">{m.onlyA}</Stat>
        <Stat label="Only B right">{m.onlyB}</Stat>
        <Stat label="McNemar χ² (corrected)">{m.statistic.toFixed(4)}</Stat>
        <Stat label="p">{p(m.pValue)}</Stat>
        <Stat label="exact p">{p(m.exactPValue)}</Stat>
      </div>
      <p class={`verdict ${significant ? "significant" : ""}`}>
        {significant
          ? `${c.accuracy.difference > 0 ? c.b.version : c.a.version} is more accurate (p < 0.05)`
          : "no significant difference in accuracy at the 5% level"}
      </p>
      <h3>Per-class F1, largest change first</h3>
      <F1Changes c={c} />
    </div>
  );
}

export function ComparePage(props: { name: string; a: string | null; b: string | null; on: string | null }) {
  const { name } = props;
  const model = usePoll<ModelView>(`/api/models/${encodeURIComponent(name)}`, 60_000, () => false);
  const versions = model.data?.versions ?? [];
  // default: the newest version (B) against the live one, or the one before it (A)
  const b = props.b ?? versions.at(-1)?.version ?? null;
  const a =
    props.a ?? (model.data?.live?.version !== b ? model.data?.live?.version : null) ?? versions.at(-2)?.version ?? null;
  const q = new URLSearchParams();
  if (a && b) {
    q.set("a", a);
    q.set("b", b);
    if (props.on) q.set("on", props.on);
  }
  const comparison = usePoll<Comparison>(
    a && b && a !== b ? `/api/models/${encodeURIComponent(name)}/compare?${q}` : null,
    60_000,
    () => false,
  );
  const datasets = [...new Set(versions.map((v) => v.datasetVersion))];
  const select = (key: "a" | "b" | "on", value: string | null, options: string[], empty?: string) => (
    <label class="field">
      {key === "on" ? "Test split of" : key.toUpperCase()}
      <select
        aria-label={`compare ${key}`}
        value={value ?? ""}
        onChange={(e) => setQuery({ [key]: e.currentTarget.value || null })}
      >
        {empty !== undefined && <option value="">{empty}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section class="compare" data-model={name}>
      <p class="crumbs">
        <a href={href(["models", name])}>Model {name}</a> / compare
      </p>
      <div class="toolbar">
        <h1>Compare versions of {name}</h1>
      </div>
      <ErrorLine error={model.error} />
      <div class="panel compare-form">
        {select(
          "a",
          a,
          versions.map((v) => v.version),
        )}
        {select(
          "b",
          b,
          versions.map((v) => v.version),
        )}
        {select("on", props.on, datasets, "the newer version's dataset")}
      </div>
      {a === b && a !== null && <p class="notice error">Pick two different versions.</p>}
      <div class="panel">
        <ErrorLine error={comparison.error} />
        {!comparison.data && !comparison.error && a && b && a !== b && <p class="muted">Scoring both versions…</p>}
        {comparison.data && <Result c={comparison.data} />}
      </div>
    </section>
  );
}
