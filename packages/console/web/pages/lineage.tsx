/**
 * Where a version came from and what happened to it, as `tollgate lineage` prints it: raw files →
 * dataset version → run → model version → every promotion, rollback and approval with who, when and why.
 */
import type { ComponentChildren } from "preact";
import type { Lineage } from "../../src/api-types.ts";
import { usePoll } from "../api.ts";
import { DecisionBadge, ErrorLine, StatusBadge } from "../components/badges.tsx";
import { time } from "../format.ts";
import { href } from "../router.ts";
import { DecisionsTable } from "./versions.tsx";

function Step({ kind, children }: { kind: string; children: ComponentChildren }) {
  return (
    <li class="lineage-step" data-step={kind}>
      <div class="lineage-kind">{kind}</div>
      <div class="lineage-body">{children}</div>
    </li>
  );
}

export function LineagePage({ name, version }: { name: string; version: string }) {
  const { data: l, error } = usePoll<Lineage>(
    `/api/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/lineage`,
    5000,
  );
  return (
    <section class="lineage" data-model={name} data-version={version}>
      <p class="crumbs">
        <a href={href(["models", name], { version })}>Model {name}</a> / lineage of {version}
      </p>
      <div class="toolbar">
        <h1>
          Lineage of {name}@{version}
        </h1>
        {l?.live && <span class="badge status-live">LIVE</span>}
      </div>
      <ErrorLine error={error} />
      {l && (
        <ol class="lineage-chain">
          <Step kind="raw files">
            {l.data ? (
              <table class="grid raw-files">
                <thead>
                  <tr>
                    <th>File</th>
                    <th class="num">Rows</th>
                    <th class="num">Quarantined</th>
                  </tr>
                </thead>
                <tbody>
                  {l.data.rawFiles.map((f) => (
                    <tr key={f.key} data-key={f.key}>
                      <td class="mono">{f.key}</td>
                      <td class="num">{f.rows}</td>
                      <td class="num">{f.quarantined}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p class="muted">The run's manifest is gone: no record of the files it read.</p>
            )}
            {l.triggeredBy.length > 0 && (
              <p class="muted triggered-by">uploads that started the run: {l.triggeredBy.join(", ")}</p>
            )}
          </Step>
          <Step kind="dataset">
            <span class="mono">{l.data?.datasetVersion ?? l.model.datasetVersion}</span>
          </Step>
          <Step kind="run">
            <a href={href(["runs", l.model.runId])}>{l.model.runId}</a>{" "}
            <DecisionBadge decision={l.run?.decision ?? null} />
            {l.run?.reason && <span class="muted"> {l.run.reason}</span>}
            {" · "}
            <a href={href(["runs", l.model.runId], { tab: "quality" })}>data quality</a>
          </Step>
          <Step kind="model">
            <a href={href(["models", name], { version })} class="mono">
              {name}@{version}
            </a>{" "}
            <StatusBadge status={l.model.status} /> created {time(l.model.createdAt)}
          </Step>
          <Step kind="decisions">
            {l.decisions.length ? (
              <DecisionsTable decisions={l.decisions} />
            ) : (
              <p class="muted">No promotion, rollback or approval of this version yet.</p>
            )}
          </Step>
        </ol>
      )}
    </section>
  );
}
