/**
 * Options several commands share, and the parsers that turn option values into checked numbers
 * (a bad value is an InvalidInputError naming the option, printed as one line by main.ts).
 */
import { Option } from "@commander-js/extra-typings";
import { InvalidInputError } from "@tollgate/core/errors";
import { checkName, type NameKind } from "@tollgate/core/names";
import { Settings } from "@tollgate/core/settings";
import { z } from "zod";

export const jsonOption = () => new Option("--json", "print JSON");
/** A parser that checks a name (dataset, model, run) before anything is read or written. */
export const nameParser = (kind: NameKind, label: string) => (value: string) => checkName(kind, value, label);
/**
 * `show`'s argument: a run's name, or a Distributed Map child's — locally `<run>-<event id>/<item>`, on a
 * stage its execution ARN (Step Functions names children by UUID under the Map's own state machine).
 */
export function executionRefParser(value: string): string {
  if (/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:\S+$/.test(value)) return value;
  const child = /^(.+)-\d{1,9}\/\d{1,9}$/.exec(value);
  checkName("run", child ? (child[1] ?? "") : value, "run");
  return value;
}
/** A model version argument: a blank one is an InvalidInputError, not a lookup of a version named "". */
export function versionParser(label: string): (value: string) => string {
  return (value) => {
    if (!value.trim()) throw new InvalidInputError(`${label} is empty: name a version (tollgate models lists them)`);
    return value;
  };
}
export const modelOption = () =>
  new Option("--model <name>", "model name (default: that of the newest successful run)").argParser(
    nameParser("model", "--model"),
  );
export const reasonOption = (description: string) => new Option("--reason <text>", description);
export const datasetOption = () =>
  new Option("--dataset <name>", "dataset name (raw/<dataset>/)")
    .argParser(nameParser("dataset", "--dataset"))
    .default("default" as string);

/** A parser that checks an option's value with `schema`; the error says what was expected. */
export function checked<T>(flag: string, schema: z.ZodType<T>, expected: string): (value: string) => T {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidInputError(`${flag} ${value} is not ${expected}`);
    return parsed.data;
  };
}

/** A count from 1 to 1000 for `flag` (e.g. `--to-previous 2`). */
export const countParser = (flag: string) =>
  checked(flag, z.coerce.number().int().min(1).max(1000), "a whole number from 1 to 1000");

/** `--port <n>`: 0 to 65535 (0: any free port). */
export const portOption = (fallback: number) =>
  new Option("--port <n>", "port to listen on (0: any free port)")
    .argParser(checked("--port", z.coerce.number().int().min(0).max(65535), "a port number"))
    .default(fallback);

/** `--limit <n>`: 1 to 1000 (Step Functions' ListExecutions page). */
export const limitOption = (fallback: number) =>
  new Option("--limit <n>", `at most n (default ${fallback})`)
    .argParser(checked("--limit", z.coerce.number().int().min(1).max(1000), "a whole number from 1 to 1000"))
    .default(fallback);

/** `--pointer-ttl <ms>`: the serving setting's own bounds. */
export const pointerTtlOption = () =>
  new Option(
    "--pointer-ttl <ms>",
    "how long a read of the live pointer is trusted (default 1000; env TOLLGATE_SERVE_POINTER_TTL_MS)",
  ).argParser(
    checked("--pointer-ttl", Settings.shape.pointerTtlMs.unwrap(), "a number of milliseconds from 0 to 3600000"),
  );
