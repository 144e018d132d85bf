/**
 * What every command gets: where to write, the backend (local runtime or a deployed stage, opened
 * on first use and closed after the command), and the output helpers they share.
 */
import { InvalidInputError } from "@tollgate/core/errors";
import type { Backend, StartResult } from "./backend.ts";
import { jsonDocument } from "./json-output.ts";
import { causeMessage, outcomeOf } from "./render.ts";

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface CommandContext {
  io: Io;
  /** The backend of this invocation (opened on first use; its modules are imported then). */
  backend(): Promise<Backend>;
  /** Prints `value` as the `--json` document (json-output.ts: schemaVersion first) with `--json`, else `text()`. */
  print(json: boolean | undefined, value: object, text: () => string): void;
  /**
   * `--model`, else the model of the newest successful run (said on stderr).
   * @throws InvalidInputError when no run has succeeded yet.
   */
  modelOf(model: string | undefined): Promise<string>;
  /** Prints what ingest, run and redrive return; a failed run sets a non-zero exit code. */
  printRun(json: boolean | undefined, result: StartResult & { key?: string }): void;
}

/** What to do when no model is named and no run has succeeded yet. */
export const NO_MODEL_YET =
  "no run has succeeded yet, so there is no model to default to: pass --model <name>, or ingest data first";

/** The context of one program: `backend` builds the backend once, on first use. */
export function commandContext(io: Io, backend: () => Promise<Backend>): CommandContext {
  const print = (json: boolean | undefined, value: object, text: () => string) =>
    io.out(json ? jsonDocument(value) : text());
  return {
    io,
    backend,
    print,
    async modelOf(model) {
      if (model) return model;
      const found = await (await backend()).defaultModel();
      if (!found) throw new InvalidInputError(NO_MODEL_YET);
      io.err(`model ${found.modelName} (that of the newest successful run, ${found.run}; --model chooses another)`);
      return found.modelName;
    },
    printRun(json, result) {
      const e = result.execution;
      print(json, result, () => {
        const head = result.started
          ? `run ${result.name}`
          : `already ingested: run ${result.name} (same content, no new run)`;
        const status = e ? `${e.status}${e.error ? ` (${e.error}: ${causeMessage(e.cause)})` : ""}` : "";
        const outcome = e ? outcomeOf(e) : undefined;
        return `${head}  ${status}${outcome ? `\n${outcome}` : ""}\nsee: pnpm tollgate show ${result.name}`;
      });
      if (e?.status === "FAILED") process.exitCode = 1;
    },
  };
}
