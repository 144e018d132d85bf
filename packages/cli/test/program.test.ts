/** The CLI's definition: one file per command, and option values parsed and range-checked before any command runs. */
import { existsSync } from "node:fs";
import { InvalidInputError } from "@tollgate/core/errors";
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend.ts";
import { buildProgram } from "../src/program.ts";

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
      "runs",
      "show",
      "models",
      "promote",
      "approve",
      "reject",
      "rollback",
      "predict",
      "audit",
      "serve",
      "console",
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

  it("refuses a --status that no execution has", async () => {
    await expect(parse("runs", "--status", "DONE")).rejects.toThrow(
      "--status DONE is not one of RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT",
    );
  });
});
