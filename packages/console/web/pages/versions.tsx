/** The versions table of a model, newest first, with the live marker and a two-step promote. */
import { useState } from "preact/hooks";
import type { LivePointer, ModelVersionRecord } from "../../src/api-types.ts";
import { StatusBadge } from "../components/badges.tsx";
import { ratio, time } from "../format.ts";
import { href } from "../router.ts";

export interface VersionsTableProps {
  versions: ModelVersionRecord[];
  live: LivePointer | null;
  selected: string | null;
  busy: boolean;
  onPromote: (version: string) => void;
}

export function VersionsTable({ versions, live, selected, busy, onPromote }: VersionsTableProps) {
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <table class="grid versions">
      <thead>
        <tr>
          <th>Live</th>
          <th>Version</th>
          <th>Status</th>
          <th>Created</th>
          <th class="num">Val. acc.</th>
          <th class="num">Test acc.</th>
          <th class="num">Macro-F1</th>
          <th>Run</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {[...versions].reverse().map((v) => {
          const isLive = live?.version === v.version;
          return (
            <tr
              key={v.version}
              data-version={v.version}
              class={`${isLive ? "is-live" : ""} ${selected === v.version ? "selected" : ""}`}
            >
              <td>
                {isLive && (
                  <span class="live-marker" title={`live since ${live?.since}`}>
                    ● LIVE
                  </span>
                )}
              </td>
              <td class="mono">
                <a href={href(["models", v.modelName], { version: v.version })}>{v.version}</a>
              </td>
              <td>
                <StatusBadge status={v.status} />
              </td>
              <td>{time(v.createdAt)}</td>
              <td class="num">{ratio(v.metrics.validationAccuracy)}</td>
              <td class="num">{ratio(v.metrics.testAccuracy)}</td>
              <td class="num">{ratio(v.metrics.macroF1)}</td>
              <td>
                <a href={href(["runs", v.runId])}>{v.runId}</a>
              </td>
              <td class="actions">
                {confirming === v.version ? (
                  <>
                    <button
                      type="button"
                      class="primary"
                      disabled={busy}
                      onClick={() => {
                        setConfirming(null);
                        onPromote(v.version);
                      }}
                    >
                      Make live
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </>
                ) : (
                  <button
                    type="button"
                    disabled={busy || isLive || v.status === "failed"}
                    title={
                      v.status === "failed"
                        ? "failed versions cannot go live"
                        : isLive
                          ? "already live"
                          : "compare-and-swap the live pointer to this version"
                    }
                    onClick={() => setConfirming(v.version)}
                  >
                    Promote
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
