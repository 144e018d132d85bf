/**
 * Runs a child command under GNU time (`/usr/bin/time -v`) and reads its wall time and peak RSS
 * ("Maximum resident set size": the largest single process of the child's tree).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";

export const TIME = "/usr/bin/time";

export interface Measured {
  /** Wall seconds of the whole command, measured by the parent. */
  wallS: number;
  peakRssMb: number;
  /** User + system CPU seconds of the command (GNU time). */
  cpuS: number;
  stdout: string;
  stderr: string;
}

/** Thrown when a measured command exits non-zero. */
export class CommandFailedError extends Error {
  /** Everything the command printed (stdout, then stderr), e.g. to say where a killed command was. */
  readonly output: string;
  constructor(cmd: string, code: number | null, stderr: string, output = stderr) {
    super(`${cmd} exited ${code}: ${stderr.trim().split("\n").slice(-8).join("\n")}`);
    this.name = "CommandFailedError";
    this.output = output;
  }
}

/**
 * Runs `cmd args` under `/usr/bin/time -v`; stdout goes to `stdoutFile`'s content when given
 * (e.g. predictions), otherwise is returned. With `heartbeat`, a line on stderr every `everyS`
 * seconds while it runs: how long so far, and the last line the command printed.
 * @throws CommandFailedError on a non-zero exit.
 */
export function measure(
  cmd: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    timeoutS?: number;
    heartbeat?: { name: string; everyS: number };
  } = {},
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(TIME, ["-v", cmd, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd ?? process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so a timeout ends the command and not only GNU time
    });
    let timedOut = false;
    const timer = options.timeoutS
      ? setTimeout(() => {
          timedOut = true;
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        }, options.timeoutS * 1000)
      : undefined;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // The newest chunk either stream gave: its last line is read only when a heartbeat is printed.
    let latest: Buffer | undefined;
    child.stdout.on("data", (b: Buffer) => {
      out.push(b);
      latest = b;
    });
    child.stderr.on("data", (b: Buffer) => {
      err.push(b);
      latest = b;
    });
    const { heartbeat } = options;
    let last = "";
    const beat = heartbeat
      ? setInterval(() => {
          const lines = (latest?.toString("utf8") ?? "").split(/[\r\n]+/).filter((line) => line.trim());
          if (lines.length > 0) last = lines[lines.length - 1]!.trim();
          const min = ((performance.now() - started) / 60_000).toFixed(0);
          const limit = options.timeoutS ? ` (stopped at ${(options.timeoutS / 60).toFixed(0)} min)` : "";
          process.stderr.write(
            `${heartbeat.name}: still running after ${min} min${limit}; last printed: ${last.slice(0, 160)}\n`,
          );
        }, heartbeat.everyS * 1000)
      : undefined;
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      clearInterval(beat);
      const wallS = (performance.now() - started) / 1000;
      const stderr = Buffer.concat(err).toString("utf8");
      if (timedOut) {
        const output = `${Buffer.concat(out).toString("utf8")}\n${stderr}`;
        return reject(new CommandFailedError(`${cmd} (killed after ${options.timeoutS} s)`, code, "", output));
      }
      if (code !== 0) return reject(new CommandFailedError(`${cmd} ${args.join(" ")}`, code, stderr));
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const seconds = (what: string) => Number(new RegExp(`${what} time \\(seconds\\): ([\\d.]+)`).exec(stderr)?.[1]);
      resolve({
        wallS,
        peakRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN,
        cpuS: seconds("User") + seconds("System"),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr,
      });
    });
  });
}

/** The last line of `text` that parses as a JSON object. */
export function lastJson(text: string): Record<string, unknown> {
  const lines = text.trim().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {}
  }
  throw new Error(`no JSON line in output: ${text.slice(-500)}`);
}

/** nproc, CPU model, memory and the load average now. */
export function machine() {
  const model = existsSync("/proc/cpuinfo")
    ? (/model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown")
    : (cpus()[0]?.model ?? "unknown");
  return { nproc: cpus().length, cpu: model.trim(), load: loadavg().map((l) => Number(l.toFixed(2))) };
}
