import type { NewHistoryEvent, RunProgress } from "./backend.ts";

/** Prints each state's start and end on stderr while a run goes (long steps show progress). */
export function progressPrinter(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): RunProgress {
  const started = new Map<string, number>();
  return {
    onEvent(event: NewHistoryEvent) {
      const entered = event.stateEnteredEventDetails as { name: string } | undefined;
      const exited = event.stateExitedEventDetails as { name: string } | undefined;
      const at = new Date(event.timestamp).getTime();
      if (entered) {
        started.set(entered.name, at);
        write(`  … ${entered.name}`);
      } else if (exited) {
        const took = ((at - (started.get(exited.name) ?? at)) / 1000).toFixed(2);
        write(`  ✓ ${exited.name} (${took}s)`);
      } else if (event.type === "TaskFailed") {
        const d = event.taskFailedEventDetails as { error: string };
        write(`  ✗ ${d.error}`);
      } else if (event.type === "ExecutionFailed") {
        const d = event.executionFailedEventDetails as { error: string };
        write(`  run FAILED (${d.error})`);
      }
    },
  };
}
