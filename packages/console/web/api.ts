/** Fetching the console's JSON API, and a hook that polls it while a view is open. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { ApiError } from "../src/api-types.ts";

/** An error answer of the API, with the server's error name (e.g. LiveModelChangedError). */
export class ApiRequestError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

async function request<T>(path: string, init: RequestInit = {}, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    ...init,
    ...(signal ? { signal } : {}),
    headers: { accept: "application/json", ...init.headers },
  });
  const body = (await res.json()) as T | ApiError;
  if (!res.ok) {
    const { error, message } = body as Partial<ApiError>;
    throw new ApiRequestError(error ?? "HttpError", message ?? res.statusText, res.status);
  }
  return body as T;
}

/** GET a path of the API. */
export const getJson = <T>(path: string, signal?: AbortSignal) => request<T>(path, {}, signal);

/** POST JSON to a path of the API. */
export const postJson = <T>(path: string, body: unknown) =>
  request<T>(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** What {@link usePoll} holds: the latest answer, the latest error, and a way to fetch now. */
export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  refresh: () => void;
}

/**
 * Fetches `path` now and then every `intervalMs` while `live(data)` is true (default: always);
 * a new path starts over. Keeps the last good answer on a failed poll.
 */
export function usePoll<T>(
  path: string | null,
  intervalMs: number,
  live: (data: T) => boolean = () => true,
): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [tick, setTick] = useState(0);
  const liveRef = useRef(live);
  liveRef.current = live;
  const refresh = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    setData(undefined);
    setError(undefined);
  }, [path]);

  // `tick` is a dependency so that refresh() fetches now.
  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const next = await getJson<T>(path, abort.signal);
        setData(next);
        setError(undefined);
        if (liveRef.current(next)) timer = setTimeout(load, intervalMs);
      } catch (err) {
        if (abort.signal.aborted) return;
        setError(err as Error);
        timer = setTimeout(load, intervalMs);
      }
    };
    void load();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [path, intervalMs, tick]);

  return { data, error, refresh };
}
