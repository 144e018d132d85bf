/** `pnpm tollgate serve` as a process: prints where it listens, logs each request as JSON, stops on SIGTERM. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterEach, expect, it } from "vitest";
import { tempHome } from "../helpers/topics.ts";
import { MODEL, twoModels } from "./models.ts";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function serve(home: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, TOLLGATE_HOME: home };
  delete env.TOLLGATE_LOG_LEVEL; // serve logs at info by default
  const child = spawn(process.execPath, ["--import", "tsx", "packages/cli/src/main.ts", "serve", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", () => {
      const match = /on (http:\/\/\S+):/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  url.catch(() => undefined); // a test that expects the process to fail does not await the URL
  return { child, url, out: () => stdout, logs: () => stderr };
}

it("serves the newest run's model by default, logs JSON per request, and exits cleanly on SIGTERM", async () => {
  const { home, first } = await twoModels();
  const server = serve(home, ["--port", "0"]);
  const url = await server.url;
  expect(server.out()).toContain(`serving ${MODEL} (live version ${first.version}) on http://127.0.0.1:`);
  const res = await fetch(`${url}/predict`, { method: "POST", body: JSON.stringify({ texts: ["a dog and a cat"] }) });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { modelVersion: string }).modelVersion).toBe(first.version);
  server.child.kill("SIGTERM");
  const [code] = await once(server.child, "exit");
  expect(code).toBe(0);
  const lines = server
    .logs()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toContainEqual(
    expect.objectContaining({
      msg: "request",
      method: "POST",
      path: "/predict",
      status: 200,
      modelVersion: first.version,
      texts: 1,
    }),
  );
  // Request logs are buffered and the process logger is not: compare content, not the order of the two streams.
  expect(lines).toContainEqual(expect.objectContaining({ msg: "server stopping", signal: "SIGTERM" }));
  expect(lines).toContainEqual(expect.objectContaining({ msg: "model released", modelVersion: first.version }));
});

it("fails with one line when the port is not a number", async () => {
  const server = serve(tempHome(), ["--port", "eighty", "--model", MODEL]);
  const [code] = await once(server.child, "exit");
  expect(code).toBe(1);
  expect(server.logs()).toContain("tollgate: InvalidInputError: --port eighty is not a port number");
});
