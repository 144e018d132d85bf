/**
 * The versions table of a model, newest first, with the live marker; each action takes two steps
 * (choose it, then confirm with a reason): promote (a reason is required for a version the gate
 * rejected), approve or reject a version pending approval.
 */
import { useState } from "preact/hooks";
import type { DecisionRecord, LivePointer, ModelVersionRecord } from "../../src/api-types.ts";
import { StatusBadge } from "../components/badges.tsx";
import { ratio, time } from "../format.ts";
import { href } from "../router.ts";

/** What an operator can do to a version. */
export type VersionAction = "promote" | "approve" | "reject";

export interface VersionsTableProps {
  versions: ModelVersionRecord[];
  live: LivePointer | null;
  selected: string | null;
  busy: boolean;
  onAction: (action: VersionAction, version: string, reason: string) => void;
}

const CONFIRM: Record<VersionAction, string> = { promote: "Make live", approve: "Approve", reject: "Reject" };

/** The actions a version offers, and why promote is disabled when it is. */
function actionsOf(v: ModelVersionRecord, isLive: boolean): { actions: VersionAction[]; title: string } {
  if (v.status === "pending-approval")
    return { actions: ["approve", "reject"], title: "the gate passed it; it waits for a decision" };
  if (v.status === "failed") return { actions: [], title: "failed versions cannot go live" };
  if (isLive) return { actions: [], title: "already live" };
  return { actions: ["promote"], title: "compare-and-swap the live pointer to this version" };
}

export function VersionsTable({ versions, live, selected, busy, onAction }: VersionsTableProps) {
  const [confirming, setConfirming] = useState<{ version: string; action: VersionAction } | null>(null);
  const [reason, setReason] = useState("");
  const choose = (version: string, action: VersionAction) => {
    setReason("");
    setConfirming({ version, action });
  };
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
          const { actions, title } = actionsOf(v, isLive);
          const open = confirming?.version === v.version ? confirming.action : null;
          const needsReason =
            open !== null && (open !== "promote" || v.status === "rejected" || v.status === "candidate");
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
                {open ? (
                  <>
                    <input
                      type="text"
                      class="reason-input"
                      aria-label="reason"
                      placeholder={needsReason ? "reason (required)" : "reason (optional)"}
                      value={reason}
                      onInput={(e) => setReason((e.target as HTMLInputElement).value)}
                    />
                    <button
                      type="button"
                      class={open === "reject" ? "danger" : "primary"}
                      disabled={busy || (needsReason && reason.trim() === "")}
                      title={needsReason ? "a reason is required" : undefined}
                      onClick={() => {
                        setConfirming(null);
                        onAction(open, v.version, reason);
                      }}
                    >
                      {CONFIRM[open]}
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </>
                ) : actions.length > 0 ? (
                  actions.map((action) => (
                    <button
                      key={action}
                      type="button"
                      disabled={busy}
                      title={title}
                      onClick={() => choose(v.version, action)}
                    >
                      {action === "promote" ? "Promote" : action === "approve" ? "Approve…" : "Reject…"}
                    </button>
                  ))
                ) : (
                  <button type="button" disabled title={title}>
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

/** Decisions newest first: who moved the live pointer or settled an approval, and why. */
export function DecisionsTable({ decisions }: { decisions: DecisionRecord[] }) {
  if (decisions.length === 0) return <p class="muted">No decisions yet.</p>;
  return (
    <table class="grid decisions">
      <thead>
        <tr>
          <th>When</th>
          <th>Decision</th>
          <th>Version</th>
          <th>By</th>
          <th>Live</th>
          <th>Reason</th>
        </tr>
      </thead>
      <tbody>
        {[...decisions].reverse().map((d) => (
          <tr key={`${d.at}-${d.action}-${d.version}`} data-decision={d.action}>
            <td>{time(d.at)}</td>
            <td>
              <StatusBadge status={d.action} />
            </td>
            <td class="mono">{d.version}</td>
            <td>{d.by}</td>
            <td class="mono">
              {d.live.before === d.live.after
                ? (d.live.after ?? "–")
                : `${d.live.before ?? "none"} → ${d.live.after ?? "none"}`}
            </td>
            <td class="reason">{d.reason ?? "–"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
