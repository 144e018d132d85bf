/**
 * Runs: the executions newest first, 100 a page, filtered by status, name and start date (all in
 * the URL, so a filtered page is a link), refreshed every two seconds; Start, Stop and Redrive go
 * through the same workflow calls as `tollgate run`, `stop` and `redrive`.
 */
import { useState } from "preact/hooks";
import { EXECUTION_STATUSES, type RunsPage as Page, type RunStarted, type RunSummary } from "../../src/api-types.ts";
import { ApiRequestError, postJson, usePoll } from "../api.ts";
import { DecisionBadge, ErrorLine, StatusBadge } from "../components/badges.tsx";
import { duration, elapsed, time } from "../format.ts";
import { href, setQuery } from "../router.ts";

export const PAGE_SIZE = 100;
const REDRIVABLE = new Set(["FAILED", "ABORTED", "TIMED_OUT"]);

/** The outcome of a Start, Stop or Redrive: what happened, or the API's named error. */
export type ActionOutcome = { ok: true; text: string } | { ok: false; error: Error };

/** Posts a run action and describes its outcome. */
export async function runAction(path: string, body: unknown, done: (r: RunStarted | RunSummary) => string) {
  try {
    return { ok: true, text: done(await postJson<RunStarted | RunSummary>(path, body)) } as const;
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err : new ApiRequestError("Error", String(err), 0) } as const;
  }
}

/** A notice with an action's outcome. */
export function OutcomeLine({ outcome }: { outcome: ActionOutcome | null }) {
  if (!outcome) return null;
  return (
    <p class={outcome.ok ? "notice ok" : "notice error"} role="status" data-outcome={outcome.ok ? "ok" : "error"}>
      {outcome.ok ? (
        outcome.text
      ) : (
        <>
          <strong>{outcome.error instanceof ApiRequestError ? outcome.error.errorName : outcome.error.name}</strong>:{" "}
          {outcome.error.message}
        </>
      )}
    </p>
  );
}

/** Stop (a RUNNING run) or Redrive (a FAILED, ABORTED or TIMED_OUT one). */
export function RunActions({ run, onDone }: { run: RunSummary; onDone: (o: ActionOutcome) => void }) {
  const [busy, setBusy] = useState(false);
  const act = async (action: "stop" | "redrive") => {
    setBusy(true);
    onDone(
      await runAction(`/api/runs/${encodeURIComponent(run.name)}/${action}`, {}, (r) =>
        action === "stop" ? `${run.name} is ${(r as RunSummary).status}` : `${run.name} redriven`,
      ),
    );
    setBusy(false);
  };
  if (run.status === "RUNNING")
    return (
      <button type="button" class="danger" disabled={busy} onClick={() => act("stop")}>
        Stop
      </button>
    );
  if (REDRIVABLE.has(run.status))
    return (
      <button type="button" disabled={busy} onClick={() => act("redrive")}>
        Redrive
      </button>
    );
  return null;
}

function StartForm({ onDone }: { onDone: (o: ActionOutcome) => void }) {
  const [dataset, setDataset] = useState("");
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const start = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    onDone(
      await runAction("/api/runs", { dataset, force }, (r) =>
        (r as RunStarted).started ? `started ${r.name}` : `${r.name} already exists`,
      ),
    );
    setBusy(false);
  };
  return (
    <form class="start-run" onSubmit={start}>
      <input
        aria-label="dataset"
        placeholder="dataset (raw/<dataset>/)"
        value={dataset}
        onInput={(e) => setDataset(e.currentTarget.value)}
      />
      <label>
        <input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} /> force
      </label>
      <button type="submit" class="primary" disabled={busy || !dataset.trim()}>
        Start run
      </button>
    </form>
  );
}

/** The name and date filters: applied on change (Enter or leaving the field), kept in the URL. */
function Filters({ query }: { query: URLSearchParams }) {
  const bind = (key: "name" | "from" | "to") => ({
    "aria-label": `filter ${key}`,
    value: query.get(key) ?? "",
    onChange: (e: Event) => setQuery({ [key]: (e.currentTarget as HTMLInputElement).value || null, page: null }),
  });
  return (
    <div class="run-filters">
      <label class="field">
        Name contains <input type="search" {...bind("name")} />
      </label>
      <label class="field">
        Started from <input type="date" {...bind("from")} />
      </label>
      <label class="field">
        to <input type="date" {...bind("to")} />
      </label>
    </div>
  );
}

export function RunsPage({ query }: { query: URLSearchParams }) {
  const status = query.get("status");
  const page = Math.max(1, Number(query.get("page")) || 1);
  const api = new URLSearchParams();
  for (const key of ["status", "name", "from", "to"]) {
    const v = query.get(key);
    if (v) api.set(key, v);
  }
  api.set("limit", String(PAGE_SIZE));
  api.set("offset", String((page - 1) * PAGE_SIZE));
  const { data, error, refresh } = usePoll<Page>(`/api/runs?${api}`, 2000);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const done = (o: ActionOutcome) => {
    setOutcome(o);
    refresh();
  };
  const filtered = ["status", "name", "from", "to"].some((k) => query.get(k));
  const runs = data?.runs;
  const linkWith = (changes: Record<string, string | null>) => {
    const next: Record<string, string | null> = { ...Object.fromEntries(query), ...changes };
    return href(["runs"], next);
  };
  return (
    <section class="runs-page" data-total={data?.total ?? ""}>
      <div class="toolbar">
        <h1>Runs</h1>
        <nav class="filters" aria-label="filter by status">
          {[null, ...EXECUTION_STATUSES].map((s) => (
            <a
              key={s ?? "all"}
              href={linkWith({ status: s, page: null })}
              class={`filter ${s === status ? "active" : ""}`}
              aria-current={s === status ? "page" : undefined}
              data-status={s ?? "ALL"}
            >
              {s ?? "All"}
            </a>
          ))}
        </nav>
        <StartForm onDone={done} />
      </div>
      <Filters query={query} />
      <OutcomeLine outcome={outcome} />
      <ErrorLine error={error} />
      {runs && runs.length === 0 && (
        <p class="empty">
          {status
            ? `No ${status} runs.`
            : filtered
              ? "No runs match these filters."
              : "No runs yet: `pnpm tollgate ingest <file> --dataset <name>` starts one."}
        </p>
      )}
      {runs && runs.length > 0 && data && (
        <>
          <table class="grid runs">
            <thead>
              <tr>
                <th>Run</th>
                <th>Status</th>
                <th>Model</th>
                <th>Started</th>
                <th class="num">Duration</th>
                <th>Decision</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.name} data-run={run.name}>
                  <td>
                    <a href={href(["runs", run.name])}>{run.name}</a>
                  </td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>{run.modelName ?? "–"}</td>
                  <td>{time(run.startDate)}</td>
                  <td class="num">{duration(run.durationMs ?? elapsed(run.startDate, null))}</td>
                  <td>
                    <DecisionBadge decision={run.decision} />
                  </td>
                  <td>
                    <div class="actions">
                      <RunActions run={run} onDone={done} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label="pages">
            <span class="muted">
              {data.offset + 1}–{data.offset + runs.length} of {data.total}
            </span>
            {page > 1 && <a href={linkWith({ page: page > 2 ? String(page - 1) : null })}>← Newer</a>}
            {data.offset + runs.length < data.total && <a href={linkWith({ page: String(page + 1) })}>Older →</a>}
          </nav>
        </>
      )}
    </section>
  );
}
