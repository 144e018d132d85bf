/** Formatting for the page: times, durations, ratios. */

/** `2026-11-26 22:12:19` in local time. */
export function time(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `850 ms`, `2.41 s`, `3 min 5 s`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A ratio to 4 places, or a dash. */
export function ratio(n: number | null | undefined): string {
  return typeof n === "number" ? n.toFixed(4) : "–";
}

/** Milliseconds from `start` to `end` (or to now while running). */
export function elapsed(start: string, end: string | null): number {
  return (end ? Date.parse(end) : Date.now()) - Date.parse(start);
}
