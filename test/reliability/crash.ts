/**
 * Crash safety, shared by the test and the bench: a child process runs an execution and is
 * SIGKILLed at a random moment; the parent reopens the stores and checks them.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Tollgate } from "@tollgate/local/app";
import { readAudit } from "@tollgate/local/stores/audit-log";
import { openSqlite } from "@tollgate/local/stores/sqlite";
import { rng } from "../helpers/topics.ts";

export interface CrashOutcome {
  name: string;
  killedAfterMs: number;
  /** The state the run's history shows entered and not exited after the kill (none: it had finished). */
  runningAtKill: string | null;
  /** Status right after reopening: FAILED (interrupted, resumable) or a status the run reached before the kill. */
  statusAfterReopen: string;
  integrity: string;
  auditRecords: number;
}

/** Where a kill landed: the state the child had entered last (or the checkpoint it was paused at). */
export interface Kill {
  /** `Etl`, …, `Promote`, or `Promote:between-writes` (inside Promote's commit window). */
  landedIn: string;
  /** The run had finished before the kill could land (the target was never reached). */
  finishedFirst: boolean;
}

/** Resolves once the Task of child `index` of a `mapState` Map Run has started in its worker (the home's history says so). */
async function childTaskStarted(home: string, mapState: string, index: number, waiting: () => boolean): Promise<void> {
  const db = openSqlite(join(home, "tollgate.db"));
  const started = db.prepare(
    `SELECT 1 FROM executions e JOIN execution_events v ON v.execution_name = e.name
     WHERE e.map_run_arn LIKE ? AND e.item_index = ? AND v.type = 'TaskStarted'`,
  );
  try {
    while (waiting() && !started.get(`%/${mapState}:%`, index)) await sleep(20);
  } finally {
    db.close();
  }
}

/**
 * Runs `name` in a child process and SIGKILLs it once it reaches `target` — a state (killed
 * `delayMs` after entering it), a checkpoint such as `Promote:between-writes` (killed at once,
 * while the child pauses there), or a Map state's child `Train[0]` (killed `delayMs` after that
 * child's Task started in its worker process) — and says where the kill landed, as the child
 * reported it.
 */
export function runAndKillIn(home: string, name: string, key: string, target: string, delayMs: number): Promise<Kill> {
  const mapChild = /^(\w+)\[(\d+)\]$/.exec(target);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/reliability/crash-child.ts", home, name, key], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let last = "(not started)";
    let killing = false;
    let finished = false;
    let buffered = "";
    const kill = (after: number) => {
      killing = true;
      setTimeout(() => child.kill("SIGKILL"), after);
    };
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const [kind, what = ""] = line.split(" ", 2);
        if (kind === "finished") finished = true;
        if (kind !== "entered" && kind !== "checkpoint") continue;
        last = what; // until the process is gone: a delayed kill may land in a later state
        if (killing) continue;
        if (mapChild && what === mapChild[1]) {
          killing = true;
          void childTaskStarted(home, what, Number(mapChild[2]), () => child.exitCode === null).then(() =>
            kill(delayMs),
          );
        } else if (what === target) kill(kind === "checkpoint" ? 0 : delayMs);
      }
    });
    child.on("error", reject);
    child.on("exit", () => resolve({ landedIn: last, finishedFirst: finished }));
  });
}

/** The state entered last and never exited in `name`'s history (before the reopen marked it interrupted). */
function openState(tg: Tollgate, name: string): string | null {
  let open: string | null = null;
  for (const e of tg.stores.executions.history(name)) {
    const entered = e.stateEnteredEventDetails as { name: string } | undefined;
    const exited = e.stateExitedEventDetails as { name: string } | undefined;
    if (entered) open = entered.name;
    else if (exited && exited.name === open) open = null;
  }
  return open;
}

/** Reopening after a kill: interrupted runs are marked, the database and the audit log are intact. */
export async function inspectAfterCrash(tg: Tollgate, name: string, killedAfterMs: number): Promise<CrashOutcome> {
  const db = openSqlite(join(tg.home, "tollgate.db"));
  const integrity = (db.pragma("integrity_check", { simple: true }) as string) ?? "unknown";
  db.close();
  const auditRecords = (await readAudit(tg.stores.auditFile)).length;
  return {
    name,
    killedAfterMs,
    statusAfterReopen: tg.stores.executions.get(name)?.status ?? "missing",
    runningAtKill: openState(tg, name),
    integrity,
    auditRecords,
  };
}

/**
 * What a run's record says, with each of its Map Runs and every child that did not succeed (status,
 * error, cause, history): printed when a redrive after a kill does not succeed.
 */
export function describeRun(tg: Tollgate, name: string): string {
  const { executions, mapRuns } = tg.stores;
  const line = (e: { status?: string; error?: string | null; cause?: string | null } | undefined) =>
    `${e?.status ?? "missing"} ${e?.error ?? ""} ${e?.cause ?? ""}`.trim();
  const lines = [`run ${name}: ${line(executions.get(name))}`];
  for (const mapRun of mapRuns.list(name)) {
    lines.push(`  Map Run ${mapRun.stateName} ${mapRun.status} (redriven ${mapRun.redriveCount})`);
    for (const child of executions.list({ mapRunArn: mapRun.mapRunArn })) {
      if (child.status === "SUCCEEDED") continue;
      lines.push(`    child ${child.name}: ${line(child)}`);
      for (const { id, type, timestamp, previousEventId: _, ...details } of executions.history(child.name))
        lines.push(`      ${id} ${timestamp} ${type} ${JSON.stringify(details).slice(0, 300)}`);
    }
  }
  return lines.join("\n");
}

/**
 * Where the kills aim: every Task state of a promoting run and Promote's commit window, in turn, each
 * with a seeded delay of 0–`maxDelayMs` after the state is entered.
 */
export function killTargets(n: number, states: string[], maxDelayMs: number, seed = 1) {
  const r = rng(seed);
  const targets = [...states, "Promote:between-writes"];
  return Array.from({ length: n }, (_, i) => ({
    target: targets[i % targets.length]!,
    delayMs: Math.floor(r() * maxDelayMs),
  }));
}
