/** scripts/launch.mjs (`pnpm tollgate`, `pnpm demo`): a TypeScript entry runs from its per-install bundle, rebuilt when a source changes. */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bundleKey, currentBundle } from "../../core/src/bundle-lookup.mjs";
import { VERSION } from "../src/program.ts";

const LAUNCH = fileURLToPath(new URL("../../../scripts/launch.mjs", import.meta.url));
const CACHE = fileURLToPath(new URL("../../core/node_modules/.cache/tollgate/", import.meta.url));

/** Runs `node scripts/launch.mjs …args`: its stdout. */
function launch(...args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile("node", [LAUNCH, ...args], (err, stdout, stderr) =>
      err ? fail(new Error(`${err.message}\n${stderr}`)) : done(stdout),
    );
  });
}

/** Runs `node scripts/launch.mjs …args` that is to fail: its stderr. */
function launchFailing(...args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile("node", [LAUNCH, ...args], (err, _stdout, stderr) =>
      err ? done(stderr) : fail(new Error("it did not fail")),
    );
  });
}

describe("scripts/launch.mjs", () => {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-launch-"));
  const entry = join(dir, "entry.ts");
  const key = bundleKey({ main: entry });
  const thrower = join(dir, "thrower.ts");
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    const keys = [key, bundleKey({ main: thrower })];
    for (const name of readdirSync(CACHE))
      if (keys.some((k) => name.startsWith(k))) rmSync(join(CACHE, name), { recursive: true });
  });
  // import.meta.filename is the file that runs (the bundle's), import.meta.url the source's (as under tsx).
  const source = (said: string) =>
    `const said: string = ${JSON.stringify(said)};\n` +
    "console.log(JSON.stringify({ said, argv: process.argv.slice(1), url: import.meta.url, file: import.meta.filename }));\n";
  const run = async () => JSON.parse(await launch(entry, "a", "--b")) as Record<string, unknown>;
  const bundleDir = (file: unknown) => {
    expect(dirname(String(file))).toMatch(new RegExp(`^${join(CACHE, key)}-[0-9a-f]{16}$`));
    return dirname(String(file));
  };

  it("runs the entry from its bundle (built on first use), with the argv and import.meta.url it has under tsx, and rebuilds it after a change", async () => {
    writeFileSync(entry, source("first"));
    const same = { argv: [entry, "a", "--b"], url: pathToFileURL(entry).href };

    const first = await run(); // no bundle yet: built, then run
    expect(first).toMatchObject({ said: "first", ...same });
    const warm = await run();
    expect(warm).toEqual(first);

    writeFileSync(entry, source("second"));
    const changed = await run();
    expect(changed).toMatchObject({ said: "second", ...same });
    expect(bundleDir(changed.file)).not.toBe(bundleDir(first.file));
  });

  it("an error's stack names the .ts source and its lines, not the bundle's chunks", async () => {
    writeFileSync(
      thrower,
      [
        "interface Shape { sides: number }",
        "function check(shape: Shape): never {",
        "  throw new Error(`bad shape: ${shape.sides} sides`);",
        "}",
        "await Promise.resolve();",
        "check({ sides: 2 });",
        "",
      ].join("\n"),
    );
    await launchFailing(thrower); // builds the bundle (through tsx, which turns Node's source maps on)
    const stderr = await launchFailing(thrower); // from the bundle, no tsx
    const stack = stderr.slice(stderr.indexOf("Error: bad shape: 2 sides"));
    expect(stack).toContain(`at check (${thrower}:3:9)`);
    expect(stack).toContain(`${thrower}:6:1`);
    expect(stack.split("\n").filter((line) => line.includes(".mjs:"))).toEqual([]);
  });

  it("runs the CLI (`pnpm tollgate`) from its bundle", async () => {
    const cli = resolve("packages/cli/src/main.ts");
    expect((await launch(cli, "--version")).trim()).toBe(VERSION); // builds the bundle if there is none
    expect(currentBundle({ main: cli }, CACHE)?.main).toMatch(/\.cache\/tollgate\/bundle-[0-9a-f-]+\/main\.mjs$/);
  });
});
