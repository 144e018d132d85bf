/**
 * Where a redrive restarts. Step Functions redrives "the unsuccessful states": a state with a
 * `…StateEntered` event and no matching `…StateExited` (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html),
 * with the input it had, and a Distributed Map there redrives its Map Run (only the unsuccessful
 * children rerun). One local difference (docs/local-runtime.md): when that state is a Fail state
 * reached after a caught failure (Catch → … → Fail), AWS restarts at the Fail state and fails
 * again; locally the redrive restarts at the state whose failure was caught. An execution that
 * ended before it entered any state (a Map Run child whose worker was stopped right after the
 * child was created) restarts at StartAt with the execution's input.
 */
import { ExecutionNotRedrivableError } from "@tollgate/core/errors";
import type { RestartPoint } from "./asl/execution.ts";
import type { AslDefinition } from "./asl/types.ts";

interface Event {
  type: string;
  [details: string]: unknown;
}

interface Span {
  state: string;
  input: string;
  exited: boolean;
  failed: boolean;
  mapRunArn?: string;
}

/**
 * The top-level state to restart from, its original input, and the Map Runs to redrive.
 * @param input the execution's input (JSON text), where it restarts when it entered no state
 * @throws ExecutionNotRedrivableError when every state the execution entered has exited.
 */
export function redriveStart(definition: AslDefinition, events: readonly Event[], input: string): RestartPoint {
  const spans: Span[] = [];
  let current: Span | undefined;
  for (const e of events) {
    const entered = e.stateEnteredEventDetails as { name: string; input: string } | undefined;
    const exited = e.stateExitedEventDetails as { name: string } | undefined;
    if (entered && definition.States[entered.name]) {
      current = { state: entered.name, input: entered.input, exited: false, failed: false };
      spans.push(current);
    } else if (exited && current && exited.name === current.state) {
      current.exited = true;
    } else if (current && !current.exited) {
      const type = definition.States[current.state]?.Type;
      if (e.type === "TaskFailed" || e.type === "TaskTimedOut" || e.type === `${type}StateFailed`)
        current.failed = true;
      if (e.type === "TaskSucceeded" || e.type === `${type}StateSucceeded`) current.failed = false;
      const started = (e.mapRunStartedEventDetails ?? e.mapRunRedrivenEventDetails) as
        | { mapRunArn: string }
        | undefined;
      if (started) current.mapRunArn = started.mapRunArn;
    }
  }
  if (spans.length === 0) return { state: definition.StartAt, input: JSON.parse(input) as unknown, redrivenMaps: {} };
  const unsuccessful = [...spans].reverse().find((s) => !s.exited);
  if (!unsuccessful) throw new ExecutionNotRedrivableError("every state of the execution exited: nothing to redrive");
  let restart = unsuccessful;
  if (definition.States[unsuccessful.state]?.Type === "Fail") {
    const caught = [...spans].reverse().find((s) => s.exited && s.failed);
    if (caught) restart = caught;
  }
  const redrivenMaps: Record<string, string> = {};
  if (restart.mapRunArn && definition.States[restart.state]?.Type === "Map")
    redrivenMaps[restart.state] = restart.mapRunArn;
  return { state: restart.state, input: JSON.parse(restart.input) as unknown, redrivenMaps };
}
