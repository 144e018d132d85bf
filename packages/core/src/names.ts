/**
 * The one check of the names a user or an event gives: a dataset, a model, a run. Every entry
 * point (CLI options and arguments, the console's routes, the local StartExecution) checks a
 * name before it writes or looks anything up, so a bad name leaves no trace.
 */
import { datasetName, executionName } from "./contracts.ts";
import { InvalidInputError } from "./errors.ts";

export type NameKind = "dataset" | "model" | "run";

const SCHEMAS = { dataset: datasetName, model: datasetName, run: executionName };
const MAX_SHOWN = 40;

/**
 * Returns `value` when it is a valid name of its kind.
 * @throws InvalidInputError naming the kind, the value (cut to 40 characters) and the rule.
 * @example checkName("dataset", "a/b") // throws InvalidInputError: dataset name "a/b" is invalid: names are lowercase …
 */
export function checkName(kind: NameKind, value: string, label: string = `${kind} name`): string {
  const parsed = SCHEMAS[kind].safeParse(value);
  if (parsed.success) return parsed.data;
  const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}… (${value.length} characters)` : value;
  throw new InvalidInputError(`${label} ${JSON.stringify(shown)} is invalid: ${parsed.error.issues[0]?.message}`);
}
