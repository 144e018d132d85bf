/** The event history as Step Functions names it (TaskStateEntered, TaskFailed, …), searchable. */
import { Fragment } from "preact";
import { useMemo, useState } from "preact/hooks";
import type { HistoryEvent } from "../../src/api-types.ts";
import { duration } from "../format.ts";

const detailsOf = (e: HistoryEvent) => {
  const { id: _id, previousEventId: _p, timestamp: _t, type: _type, ...rest } = e;
  return Object.values(rest)[0] as Record<string, unknown> | undefined;
};
/** Details with their JSON-in-a-string fields (input, output, parameters, cause) parsed for reading. */
const readable = (details: Record<string, unknown> | undefined) =>
  Object.fromEntries(
    Object.entries(details ?? {}).map(([k, v]) => {
      if (typeof v !== "string" || !/^[[{]/.test(v)) return [k, v];
      try {
        return [k, JSON.parse(v)];
      } catch {
        return [k, v];
      }
    }),
  );
/** The state each event belongs to: the one entered last before it (none before the first). */
const stepsOf = (events: HistoryEvent[]) => {
  let current = "";
  return new Map(
    events.map((e) => {
      const name = detailsOf(e)?.name;
      if (e.type.endsWith("StateEntered") && typeof name === "string") current = name;
      const step = e.type.startsWith("Execution") ? "" : current;
      return [e.id, step] as const;
    }),
  );
};
const tone = (type: string) =>
  /Failed|Aborted|TimedOut/.test(type) ? "bad" : /Succeeded/.test(type) ? "good" : /Entered/.test(type) ? "enter" : "";

export function EventHistory({ events }: { events: HistoryEvent[] }) {
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState<number | null>(null);
  const start = events[0] ? Date.parse(events[0].timestamp) : 0;
  const steps = useMemo(() => stepsOf(events), [events]);
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    if (!needle) return events;
    return events.filter((e) => `${steps.get(e.id)} ${JSON.stringify(e)}`.toLowerCase().includes(needle));
  }, [events, search, steps]);
  return (
    <div class="events">
      <input
        type="search"
        class="search"
        placeholder="Search events (type, state, error, input…)"
        value={search}
        onInput={(ev) => setSearch((ev.target as HTMLInputElement).value)}
        aria-label="search events"
      />
      <span class="muted count">
        {shown.length} of {events.length} events
      </span>
      <table class="grid events-table">
        <thead>
          <tr>
            <th class="num">ID</th>
            <th>Type</th>
            <th>Step</th>
            <th>Timestamp</th>
            <th class="num">Elapsed</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <Fragment key={e.id}>
              <tr
                class={`event ${tone(e.type)} ${open === e.id ? "open" : ""}`}
                data-event-type={e.type}
                onClick={() => setOpen(open === e.id ? null : e.id)}
              >
                <td class="num">{e.id}</td>
                <td class="mono">{e.type}</td>
                <td>{steps.get(e.id)}</td>
                <td class="mono">{e.timestamp}</td>
                <td class="num">{duration(Date.parse(e.timestamp) - start)}</td>
              </tr>
              {open === e.id && (
                <tr class="event-details">
                  <td colSpan={5}>
                    <pre>{JSON.stringify(readable(detailsOf(e)), null, 2)}</pre>
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
