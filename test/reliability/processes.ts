/**
 * Concurrency from separate processes, shared by the tests and the bench (no test-runner imports):
 * duplicate deliveries through the trigger's path, and runs racing to promote, each process its own
 * stores on one home (SQLite file locks, not one process's event loop, decide who wins).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const child = (script: string, args: string[]) =>
  run(process.execPath, ["--import", "tsx", `test/reliability/${script}`, ...args]).then((r) => r.stdout);

/**
 * `processes` trigger processes each deliver one event version `times` times at once (the same
 * instant in every process). Returns every delivery's outcome status.
 */
export async function deliverFromProcesses(
  home: string,
  key: string,
  version: string,
  processes: number,
  times: number,
): Promise<string[]> {
  const goAt = Date.now() + 4000; // time for every process to start and open the stores
  const outputs = await Promise.all(
    Array.from({ length: processes }, () =>
      child("deliver-child.ts", [home, key, version, String(times), String(goAt)]),
    ),
  );
  return outputs.flatMap((out) => JSON.parse(out.trim().split("\n").pop() ?? "[]") as string[]);
}

/**
 * Runs `names` (one raw key each) in one process each; every run waits at Promote's checkpoint until
 * all have arrived (a barrier of files), so their compare-and-swaps meet across processes.
 */
export async function raceFromProcesses(home: string, runs: { name: string; key: string }[]): Promise<void> {
  const barrier = `${home}/barrier-${Date.now()}`;
  await Promise.all(
    runs.map(({ name, key }) => child("race-child.ts", [home, name, key, String(runs.length), barrier])),
  );
}
