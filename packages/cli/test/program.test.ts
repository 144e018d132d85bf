/** The CLI's definition: one file per command, and option values parsed and range-checked before any command runs. */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidInputError } from "@tollgate/core/errors";
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend.ts";
import { buildProgram, VERSION } from "../src/program.ts";

/** Parses a command line with a backend that must not be reached (bad options fail first). */
async function parse(...args: string[]): Promise<void> {
  const program = buildProgram({ out: () => {}, err: () => {} }, (): Backend => {
    throw new Error("the backend was opened");
  });
  for (const command of [program, ...program.commands]) command.exitOverride().configureOutput({ writeErr: () => {} });
  await program.parseAsync(args, { from: "user" });
}

describe("tollgate", () => {
  it("defines each command in a file of its own under commands/", () => {
    const names = buildProgram({ out: () => {}, err: () => {} }).commands.map((c) => c.name());
    expect(names).toEqual([
      "ingest",
      "run",
      "redrive",
      "stop",
      "runs",
      "show",
      "quarantine",
      "models",
      "lineage",
      "promote",
      "approve",
      "reject",
      "rollback",
      "predict",
      "audit",
      "gc",
      "serve",
      "console",
      "config",
      "completion",
    ]);
    const file = (name: string) => (name === "reject" ? "approve" : name); // approve and reject share one
    for (const name of names) expect(existsSync(`packages/cli/src/commands/${file(name)}.ts`), name).toBe(true);
  });

  it("refuses a --limit outside 1 to 1000, naming the option", async () => {
    await expect(parse("runs", "--limit", "0")).rejects.toThrow(InvalidInputError);
    await expect(parse("runs", "--limit", "ten")).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: --limit ten is not a whole number from 1 to 1000]`,
    );
  });

  it("refuses a port that is not one", async () => {
    await expect(parse("serve", "--port", "65536")).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: --port 65536 is not a port number]`,
    );
    await expect(parse("console", "--port", "-1")).rejects.toThrow(InvalidInputError);
  });

  it("checks --pointer-ttl against the serving setting's bounds", async () => {
    await expect(parse("serve", "--pointer-ttl", "3600001")).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: --pointer-ttl 3600001 is not a number of milliseconds from 0 to 3600000]`,
    );
  });

  it("refuses a blank version before any lookup, naming the argument", async () => {
    const blank = "version is empty: name a version (tollgate models lists them)";
    for (const args of [
      ["lineage", ""],
      ["models", "show", " "],
      ["approve", "", "--reason", "x"],
      ["promote", ""],
    ])
      await expect(parse(...args), args.join(" ")).rejects.toThrow(new InvalidInputError(blank));
    await expect(parse("models", "compare", "v1", "")).rejects.toThrow("B is empty");
  });

  it("refuses a --status that no execution has", async () => {
    await expect(parse("runs", "--status", "DONE")).rejects.toThrow(
      "--status DONE is not one of RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT",
    );
  });

  it("prints its version, and a typo as one line with the suggestion, not the whole help", async () => {
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile("node", ["--import", "tsx", "packages/cli/src/main.ts", ...args], (err, stdout, stderr) =>
          resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const [version, typo] = await Promise.all([run("--version"), run("modles")]);
    expect(version.stdout.trim()).toBe(VERSION);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(typo.status).not.toBe(0);
    expect(typo.stderr.trim().split("\n")).toEqual([
      "tollgate: InvalidInputError: unknown command 'modles'",
      "(Did you mean models?) (add --help for the usage)",
    ]);
  });

  it("loads a backend's modules only when a command uses it: a local command never imports the AWS SDK, the console or onnxruntime-node", async () => {
    // a loader hook (before tsx's) prints every module URL the process loads
    const hook = new URL("./log-loads.mjs", import.meta.url).href;
    const home = mkdtempSync(join(tmpdir(), "tollgate-lazy-"));
    const loaded = await new Promise<string[]>((resolve, reject) =>
      execFile(
        "node",
        ["--import", hook, "--import", "tsx", "packages/cli/src/main.ts", "runs", "--json"],
        { env: { ...process.env, TOLLGATE_HOME: home } },
        (err, _stdout, stderr) => {
          rmSync(home, { recursive: true, force: true });
          if (err) reject(err);
          else resolve(stderr.split("\n").flatMap((l) => (l.startsWith("LOADED ") ? [l.slice(7)] : [])));
        },
      ),
    );
    expect(loaded.some((url) => url.endsWith("/packages/local/src/app.ts"))).toBe(true); // the local backend opened
    for (const heavy of ["@aws-sdk", "onnxruntime-node", "/packages/console/", "/packages/local/src/server/"])
      expect(loaded.filter((url) => url.includes(heavy))).toEqual([]);
  });

  it("completes commands, subcommands and options in bash from the program's own definition", () => {
    const out: string[] = [];
    const program = buildProgram({ out: (t) => out.push(t), err: () => {} });
    return program.parseAsync(["completion", "bash"], { from: "user" }).then(() => {
      const complete = (...words: string[]) =>
        execFileSync(
          "bash",
          [
            "-c",
            `${out.join("\n")}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _tollgate_complete; echo "\${COMPREPLY[@]}"`,
          ],
          {
            encoding: "utf8",
            cwd: mkdtempSync(join(tmpdir(), "tollgate-completion-")), // no file names to complete
          },
        ).trim();
      expect(complete("tollgate", "mo")).toBe("models");
      expect(complete("tollgate", "predict", "--to")).toBe("--top-k");
      expect(complete("tollgate", "models", "co")).toBe("compare");
      expect(complete("tollgate", "--ver")).toBe("--version");
    });
  });

  it("prints a zsh completion script naming every command", async () => {
    const out: string[] = [];
    await buildProgram({ out: (t) => out.push(t), err: () => {} }).parseAsync(["completion", "zsh"], { from: "user" });
    const script = out.join("\n");
    expect(script.split("\n")[0]).toBe("#compdef tollgate");
    for (const name of ["ingest", "models", "predict", "approve", "completion"])
      expect(script).toMatch(new RegExp(`^    '${name}:`, "m"));
    expect(script).toMatch(/^ {4}predict\) compadd -- .*--file .*--top-k/m);
  });
});
