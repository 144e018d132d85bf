/**
 * Crash safety, shared by the test and the bench: a child process runs an execution and is
 * SIGKILLed at a random moment; the parent reopens the stores and checks them.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Tollgate } from "@tollgate/local/app";
import { readAudit } from "@tollgate/local/stores/audit-log";
import { openSqlite } from "@tollgate/local/stores/sqlite";
import { rng } from "../helpers/topics.ts";

export interface CrashOutcome {
  name: string;
  killedAfterMs: number;
  /** Status right after reopening: FAILED (interrupted, resumable) or a status the run reached before the kill. */
  statusAfterReopen: string;
  integrity: string;
  auditRecords: number;
}

/** Runs `name` in a child process and kills it `delayMs` after the execution was created. */
export function runAndKill(home: string, name: string, key: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/reliability/crash-child.ts", home, name, key], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let started = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (started || !chunk.toString().includes("started")) return;
      started = true;
      setTimeout(() => child.kill("SIGKILL"), delayMs);
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      started ? resolve() : reject(new Error(`the child exited (${code}) before starting its run`)),
    );
  });
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
    integrity,
    auditRecords,
  };
}

/** Kill delays spread over a run's length, reproducible for a seed. */
export function killDelays(n: number, maxMs: number, seed = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.floor(r() * maxMs));
}
