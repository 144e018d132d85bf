/**
 * The fault points a definition has (TOLLGATE_FAULTS), checked when the runtime opens: a name that
 * matches nothing would inject nothing, and a reliability test or a user would think it had.
 */
import { InvalidInputError } from "@tollgate/core/errors";
import { type AslState, type LambdaStep, walkStates } from "@tollgate/core/workflow/asl";
import { isDistributedMap } from "./engine/asl/types.ts";

/** Points inside steps where `ports.checkpoint` is called (packages/core/src/steps). */
export const CHECKPOINTS = ["Promote:between-writes"];

/**
 * @throws InvalidInputError naming each fault that is no point of `states` and what the points are:
 *   a Task state or Lambda step (`Train`), after its writes (`Train:after-write:2`, `Train:after-return`),
 *   a checkpoint (`Promote:between-writes`), or a Distributed Map child (`Shards[2]`).
 */
export function checkFaults(faults: readonly string[], states: Record<string, AslState>, steps: readonly LambdaStep[]) {
  const tasks = new Set(steps.map((s) => s.key));
  const maps = new Set<string>();
  for (const { name, state } of walkStates(states)) {
    if (state.Type === "Task") tasks.add(name);
    if (isDistributedMap(state)) maps.add(name);
  }
  const known = (fault: string) => {
    const m = /^(\w+)(?::after-(?:write:[1-9]\d*|return))?$/.exec(fault);
    if (m && tasks.has(m[1] ?? "")) return true;
    const child = /^(\w+)\[\d+\]$/.exec(fault);
    return CHECKPOINTS.includes(fault) || (child !== null && maps.has(child[1] ?? ""));
  };
  const unknown = faults.filter((f) => !known(f));
  if (unknown.length > 0)
    throw new InvalidInputError(
      `TOLLGATE_FAULTS names no fault point: ${unknown.join(", ")}; points are a Task state (${[...tasks].join(", ")}), ` +
        `<state>:after-write:<n>, <state>:after-return, ${CHECKPOINTS.join(", ")}${maps.size ? `, <map>[<index>] (${[...maps].join(", ")})` : ""}`,
    );
}
