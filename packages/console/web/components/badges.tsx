/** Small shared pieces: status and decision badges, an error line, key/value cards. */
import type { ComponentChildren } from "preact";

/** An execution status (RUNNING, SUCCEEDED, …) or a state/model status, colored by class. */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status.toLowerCase()}`}>{status}</span>;
}

/** The gate's decision of a run: promoted, rejected or failed. */
export function DecisionBadge({ decision }: { decision: string | null }) {
  return decision ? <span class={`badge decision-${decision}`}>{decision}</span> : <span class="muted">–</span>;
}

/** An error answer of the API, with its name. */
export function ErrorLine({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const name = "errorName" in error ? String(error.errorName) : error.name;
  return (
    <p class="error" role="alert">
      <strong>{name}</strong>: {error.message}
    </p>
  );
}

/** A labeled number or text in a summary strip. */
export function Stat({ label, children, hint }: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <div class="stat" title={hint}>
      <div class="stat-label">{label}</div>
      <div class="stat-value">{children}</div>
    </div>
  );
}

/** JSON, pretty-printed. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  return (
    <div class="json">
      <div class="json-label">{label}</div>
      <pre>{value === null || value === undefined ? "–" : JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}
