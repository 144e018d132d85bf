import type { NewHistoryEvent, RunProgress } from "./backend.ts";

/**
 * Prints each state's start and end on stderr while a run goes (long steps show progress). A state
 * whose task failed (and was caught) ends with `✗ <state> (<s>s): <error>`, not with a tick; a failure
 * retried and then passed ends with a tick.
 */
export function progressPrinter(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): RunProgress {
  const started = new Map<string, number>();
  let current: string | undefined;
  let failure: string | undefined;
  return {
    onEvent(event: NewHistoryEvent) {
      const entered = event.stateEnteredEventDetails as { name: string } | undefined;
      const exited = event.stateExitedEventDetails as { name: string } | undefined;
      const at = new Date(event.timestamp).getTime();
      if (entered) {
        started.set(entered.name, at);
        current = entered.name;
        failure = undefined;
        write(`  … ${entered.name}`);
      } else if (exited) {
        const took = ((at - (started.get(exited.name) ?? at)) / 1000).toFixed(2);
        const failed = exited.name === current ? failure : undefined;
        write(failed ? `  ✗ ${exited.name} (${took}s): ${failed}` : `  ✓ ${exited.name} (${took}s)`);
        failure = undefined;
      } else if (event.type === "TaskFailed") {
        failure = (event.taskFailedEventDetails as { error: string }).error;
      } else if (event.type === "TaskScheduled") {
        failure = undefined; // a retry: the state has not failed (yet)
      } else if (event.type === "ExecutionFailed") {
        const d = event.executionFailedEventDetails as { error: string };
        write(`  run FAILED (${d.error})`);
      }
    },
  };
}
