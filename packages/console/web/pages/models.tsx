/**
 * Models: versions with status and metrics, the live pointer and since when, accuracy over
 * versions, a version's confusion matrix and how it was trained (hyperparameters chosen on
 * validation, the candidates tried, the loss curve); promote and rollback through the registry's
 * compare-and-swap, with its result (or its named error) shown.
 */
import { useState } from "preact/hooks";
import type {
  ModelSummary,
  ModelView,
  RejectResult,
  SwapResult,
  VersionMetrics,
  VersionTraining,
} from "../../src/api-types.ts";
import { ApiRequestError, postJson, usePoll } from "../api.ts";
import { ErrorLine, StatusBadge } from "../components/badges.tsx";
import { AccuracyChart, ConfusionHeatmap } from "../components/charts.tsx";
import { TrainingSummary } from "../components/training.tsx";
import { ratio, time } from "../format.ts";
import { href } from "../router.ts";
import { type ActionOutcome, OutcomeLine } from "./runs.tsx";
import { DecisionsTable, type VersionAction, VersionsTable } from "./versions.tsx";

export function ModelsPage({ name, version }: { name: string | null; version: string | null }) {
  const { data: models, error } = usePoll<ModelSummary[]>("/api/models", 5000);
  const only = models?.length === 1 ? models[0]!.modelName : null;
  if (name ?? only) return <ModelDetail name={(name ?? only)!} version={version} />;
  return (
    <section>
      <h1>Models</h1>
      <ErrorLine error={error} />
      {models?.length === 0 && <p class="empty">No models yet: a run trains one.</p>}
      <ul class="model-list">
        {models?.map((m) => (
          <li key={m.modelName}>
            <a href={href(["models", m.modelName])}>{m.modelName}</a> · {m.versions} versions ·{" "}
            {m.live ? `live ${m.live.version}` : "nothing live"}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ModelDetail({ name, version }: { name: string; version: string | null }) {
  const model = usePoll<ModelView>(`/api/models/${encodeURIComponent(name)}`, 3000);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const data = model.data;
  const selected = version ?? data?.live?.version ?? data?.versions.at(-1)?.version ?? null;
  const record = data?.versions.find((v) => v.version === selected);
  const metrics = usePoll<VersionMetrics>(
    record?.metricsKey
      ? `/api/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(record.version)}/metrics`
      : null,
    60_000,
    () => false,
  );
  const training = usePoll<VersionTraining>(
    record ? `/api/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(record.version)}/training` : null,
    60_000,
    () => false,
  );

  const act = async (action: VersionAction | "rollback", body: { version?: string; reason?: string }) => {
    setBusy(true);
    try {
      const path = `/api/models/${encodeURIComponent(name)}/${action}`;
      if (action === "reject") {
        const { version: v } = await postJson<RejectResult>(path, body);
        setOutcome({ ok: true, text: `${v.modelName}@${v.version} ${v.statusReason ?? "rejected"}` });
      } else {
        const { live } = await postJson<SwapResult>(path, body);
        setOutcome({ ok: true, text: `${live.modelName}@${live.version} is live (was ${live.previous ?? "nothing"})` });
      }
    } catch (err) {
      setOutcome({ ok: false, error: err instanceof Error ? err : new ApiRequestError("Error", String(err), 0) });
    } finally {
      setBusy(false);
      model.refresh();
    }
  };

  if (!data)
    return <section>{model.error ? <ErrorLine error={model.error} /> : <p class="muted">Loading {name}…</p>}</section>;
  const live = data.live;
  // compare the selected version with the live one, or (the live one itself) with the one before it
  const compareWith = selected === live?.version ? (live?.previous ?? null) : (live?.version ?? null);
  return (
    <section class="model" data-model={name}>
      <div class="toolbar">
        <h1>Model {name}</h1>
        <span class="spacer" />
        <a href={href(["models", name, "compare"])}>Compare versions</a>
      </div>
      <div class="panel live-card" data-live-version={live?.version ?? ""}>
        {live ? (
          <p>
            <span class="badge status-live">LIVE</span> <strong class="mono">{live.version}</strong> since{" "}
            {time(live.since)} by {live.by}
            {live.previous && (
              <>
                {" "}
                · previous <span class="mono">{live.previous}</span>
              </>
            )}
          </p>
        ) : (
          <p class="muted">Nothing is live yet.</p>
        )}
        <button type="button" class="danger" disabled={busy || !live?.previous} onClick={() => act("rollback", {})}>
          Roll back{live?.previous ? ` to ${live.previous}` : ""}
        </button>
      </div>
      <OutcomeLine outcome={outcome} />
      <div class="panel">
        <h2>Accuracy over versions</h2>
        <AccuracyChart
          versions={data.versions}
          live={live}
          selected={selected}
          linkFor={(v) => href(["models", name], { version: v })}
        />
      </div>
      <div class="panel">
        <h2>Versions</h2>
        <VersionsTable
          versions={data.versions}
          live={live}
          selected={selected}
          busy={busy}
          onAction={(action, v, reason) => act(action, { version: v, ...(reason.trim() ? { reason } : {}) })}
        />
      </div>
      <div class="panel">
        <h2>Decisions</h2>
        <DecisionsTable decisions={data.decisions} />
      </div>
      {record && (
        <div class="panel" data-metrics-version={record.version}>
          <h2>
            {record.version} <StatusBadge status={record.status} />
          </h2>
          {record.statusReason && <p class="reason">{record.statusReason}</p>}
          <p class="muted">
            run <a href={href(["runs", record.runId])}>{record.runId}</a> · created {time(record.createdAt)} ·{" "}
            <a class="lineage-link" href={href(["models", name, "lineage", record.version])}>
              lineage
            </a>
            {compareWith && (
              <>
                {" "}
                ·{" "}
                <a class="compare-link" href={href(["models", name, "compare"], { a: compareWith, b: record.version })}>
                  compare with {compareWith}
                </a>
              </>
            )}
          </p>
          <ErrorLine error={metrics.error} />
          {!record.metricsKey && <p class="muted">This version was never evaluated (no confusion matrix).</p>}
          {metrics.data && (
            <div class="metrics">
              <ConfusionHeatmap metrics={metrics.data.candidate} />
              <table class="grid per-class">
                <thead>
                  <tr>
                    <th>Label</th>
                    <th class="num">Precision</th>
                    <th class="num">Recall</th>
                    <th class="num">F1</th>
                    <th class="num">Support</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(metrics.data.candidate.perClass).map(([label, m]) => (
                    <tr key={label}>
                      <td>{label}</td>
                      <td class="num">{ratio(m.precision)}</td>
                      <td class="num">{ratio(m.recall)}</td>
                      <td class="num">{ratio(m.f1)}</td>
                      <td class="num">{m.support}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <ErrorLine error={training.error} />
          {training.data && <TrainingSummary training={training.data} />}
        </div>
      )}
    </section>
  );
}
