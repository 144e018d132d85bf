/** Shared set-up for the reliability suite: a home with a live model, and consistency checks. */
import { type OpenOptions, openTollgate, type Tollgate } from "@tollgate/local/app";
import { expect } from "vitest";
import { checkConsistency } from "./consistency.ts";

export { addRaw, input, PERMISSIVE_GATE } from "./inputs.ts";

export function open(options: OpenOptions): Tollgate {
  return openTollgate(options);
}

/** Asserts {@link checkConsistency} finds no problem; returns the live version. */
export async function expectConsistent(tg: Tollgate, modelName = "topics"): Promise<string | undefined> {
  const { problems, live } = await checkConsistency(tg, modelName);
  expect(problems).toEqual([]);
  return live;
}
