/** The live pointer's history of earlier live versions: what rollback steps back through. */
import { MAX_LIVE_HISTORY } from "../contracts.ts";
import { InvalidInputError } from "../errors.ts";

/**
 * The history a swap leaves on the pointer (both registries use it inside their atomic update):
 * a promotion pushes the version it replaces; `back: n` checks that `next` is `history[n - 1]` and
 * drops the first n entries.
 * @example nextHistory(["v2", "v1"], "v3", "v4", {}) // ["v3", "v2", "v1"]
 * @example nextHistory(["v2", "v1"], "v3", "v2", { back: 1 }) // ["v1"]
 * @throws InvalidInputError when `back` does not lead to `next`.
 */
export function nextHistory(
  history: readonly string[],
  current: string | null,
  next: string,
  options: { back?: number } = {},
): string[] {
  const back = options.back;
  if (back === undefined) return current === null ? [...history] : [current, ...history].slice(0, MAX_LIVE_HISTORY);
  if (!Number.isInteger(back) || back < 1 || history[back - 1] !== next)
    throw new InvalidInputError(
      `${next} is not ${back} step(s) back in the live history (${history.join(", ") || "empty"})`,
    );
  return history.slice(back);
}

/**
 * The history of a pointer written before pointers had one (a local home before schema 4, a
 * DynamoDB item without the attribute): its `previous`, which rollback used to return to.
 * @example legacyHistory("v1") // ["v1"]
 */
export const legacyHistory = (previous: string | null | undefined): string[] => (previous ? [previous] : []);
