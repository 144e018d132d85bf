import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Spawns one `node --import tsx <script> ...args` process per argument list, waits until every
 * one has printed "ready", releases them all at once (a line on stdin) and returns the JSON
 * each prints last. Real processes, so SQLite locking is exercised for real.
 */
export async function raceChildren<T>(script: string, argLists: string[][]): Promise<T[]> {
  const children = argLists.map((args) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: REPO,
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.startsWith("ready\n")) resolve();
      });
      child.on("error", reject);
      child.on("exit", (code) => reject(new Error(`child exited before ready (${code}): ${out}`)));
    });
    const done = new Promise<T>((resolve, reject) => {
      child.on("exit", (code) => {
        const line = out.split("\n").filter(Boolean).pop() ?? "";
        if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as T);
        else reject(new Error(`child failed (${code}): ${out}`));
      });
    });
    return { child, ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const { child } of children) child.stdin.end("go\n");
  return Promise.all(children.map((c) => c.done));
}
