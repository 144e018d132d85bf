#!/usr/bin/env -S npx tsx
/** Entry point of `pnpm tollgate <command>`. */
import { describeError } from "@tollgate/core/errors";
import { buildProgram } from "./program.ts";

const io = { out: (t: string) => process.stdout.write(`${t}\n`), err: (t: string) => process.stderr.write(`${t}\n`) };

try {
  await buildProgram(io).parseAsync(process.argv);
} catch (err) {
  const { name, message } = describeError(err);
  io.err(`tollgate: ${name}: ${message}`);
  process.exitCode = 1;
}
