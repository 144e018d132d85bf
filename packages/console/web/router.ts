/**
 * Hash routes, each a deep link: `#/runs?status=FAILED&name=topics&from=2026-11-30&page=2`,
 * `#/runs/<name>?state=Evaluate&tab=events` (tabs: states, events, quality, audit),
 * `#/models/<name>?version=…`, `#/models/<name>/compare?a=…&b=…&on=…`, `#/models/<name>/lineage/<version>`.
 */
import { useEffect, useState } from "preact/hooks";

/** The current route: path segments and query. */
export interface Route {
  segments: string[];
  query: URLSearchParams;
}

function current(): Route {
  const [path = "", search = ""] = window.location.hash.replace(/^#/, "").split("?");
  return { segments: path.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

/** The route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}

/** A hash link to `segments` with `query` (empty values left out). */
export function href(segments: string[], query: Record<string, string | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  const search = q.toString();
  return `#/${segments.map(encodeURIComponent).join("/")}${search ? `?${search}` : ""}`;
}

/** Changes the query of the current route (keeps the path), e.g. when a state is selected. */
export function setQuery(changes: Record<string, string | null>): void {
  const { segments, query } = current();
  const next: Record<string, string> = Object.fromEntries(query);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  window.location.hash = href(segments, next);
}
