/**
 * Whether a process is running, and waiting for one to end, synchronously (an app opening a home
 * does both before it marks a dead run's executions interrupted). On Linux from /proc, where a
 * zombie (dead, not yet reaped by its parent, or by an init that never reaps) counts as gone, and
 * a process's parent pid is read as the kernel has it now; elsewhere by `kill(pid, 0)`.
 */
import { existsSync, readFileSync } from "node:fs";

const HAS_PROC = existsSync("/proc/self/stat");

/** The fields of /proc/<pid>/stat after the command name: [state, ppid, …]; undefined if there is no such process. */
function procStat(pid: number | "self"): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** Whether process `pid` is running (a zombie is not). */
export function processAlive(pid: number): boolean {
  if (HAS_PROC) {
    const state = procStat(pid)?.[0];
    return state !== undefined && state !== "Z" && state !== "X";
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether this process's parent `parent` is gone: on Linux its parent pid changed (the kernel moved
 * it to init or a subreaper the moment `parent` died, so a reused pid cannot fool it); elsewhere
 * `parent` is not running.
 */
export function parentGone(parent: number): boolean {
  if (!HAS_PROC) return !processAlive(parent);
  return Number(procStat("self")?.[1]) !== parent;
}

/** Waits (blocking) until process `pid` is gone, at most `timeoutMs`; whether it is gone. */
export function waitForExit(pid: number, timeoutMs: number): boolean {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const until = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() >= until) return false;
    Atomics.wait(nap, 0, 0, 10);
  }
  return true;
}
