/**
 * The cases of `pnpm bench:reliability` (issue 14): each a hole a probe once found, replayed as a user
 * would meet it, with what must hold and what was observed. No test-runner imports: the bench runs them.
 */
import { describeError } from "@tollgate/core/errors";

/** One line of the bench's `cases` list. */
export interface Case {
  name: string;
  expected: string;
  observed: string;
  ok: boolean;
}

/**
 * Runs `observe` and compares what it returns with `expected`; a throw is observed as its name and message.
 * @example await probe("console survives a bad request target", "400, then 200", async () => `${a}, then ${b}`)
 */
export async function probe(name: string, expected: string, observe: () => Promise<string>): Promise<Case> {
  let observed: string;
  try {
    observed = await observe();
  } catch (err) {
    const { name: error, message } = describeError(err);
    observed = `threw ${error}: ${message}`;
  }
  return { name, expected, observed, ok: observed === expected };
}
