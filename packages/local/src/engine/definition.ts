/**
 * Loading the deployed ASL file for the embedded runtime: DefinitionSubstitutions, asl-validator,
 * and a check that every feature the definition uses is one the local interpreter runs. What it
 * cannot run is refused here, by name, never ignored at run time.
 */
import { hash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { UnsupportedAslFeatureError } from "@tollgate/core/errors";
import { walkStates } from "@tollgate/core/workflow/asl";
import type { AslDefinition, AslState } from "./asl/types.ts";
import { isDistributedMap } from "./asl/types.ts";
import { distributedMapProblems } from "./map-run/support.ts";

export type { AslDefinition, AslState };

/** asl-validator ships no types: its one function, as used here. */
type AslValidator = (
  definition: unknown,
  options: { checkArn: boolean; checkPaths: boolean },
) => { isValid: boolean; errorsText(separator?: string): string };

/** asl-validator, loaded when a definition is checked (not when a cached verdict answers). */
const aslValidator = (): AslValidator => createRequire(import.meta.url)("asl-validator") as AslValidator;

/** Fields the local interpreter does not run, with the feature they belong to. */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  Arguments: "JSONata Arguments",
  Output: "JSONata Output",
  Items: "JSONata Items",
  Assign: "variables (Assign)",
  HeartbeatSeconds: "HeartbeatSeconds",
  HeartbeatSecondsPath: "HeartbeatSecondsPath",
  Credentials: "cross-account Credentials",
};
/** Fields that only a Distributed Map may have. */
const DISTRIBUTED_ONLY = [
  "ItemReader",
  "ItemBatcher",
  "ResultWriter",
  "ToleratedFailurePercentage",
  "ToleratedFailurePercentagePath",
  "ToleratedFailureCount",
  "ToleratedFailureCountPath",
  "Label",
];

/**
 * Replaces `${Name}` DefinitionSubstitutions (as CloudFormation does) in the raw ASL text.
 * @throws UnsupportedAslFeatureError naming any substitution without a value.
 */
export function substitute(text: string, substitutions: Record<string, string>): string {
  const missing = new Set<string>();
  const out = text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = substitutions[name];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  if (missing.size > 0) {
    throw new UnsupportedAslFeatureError(
      `definition substitution(s) without a local value: ${[...missing].join(", ")}`,
    );
  }
  return out;
}

/**
 * Checks that the local engine can run every feature a definition uses.
 * @throws UnsupportedAslFeatureError naming the state and the feature, e.g.
 *   `state "Train" uses the callback pattern (.waitForTaskToken): the local engine cannot run this`.
 */
export function assertSupported(definition: AslDefinition): void {
  const problems: string[] = [];
  if (definition.QueryLanguage !== undefined && definition.QueryLanguage !== "JSONPath") {
    problems.push("the definition uses JSONata (QueryLanguage)");
  }
  for (const { path, state: placed } of walkStates(definition.States)) {
    const state = placed as AslState;
    if (state.QueryLanguage !== undefined && state.QueryLanguage !== "JSONPath")
      problems.push(`state "${path}" uses JSONata (QueryLanguage)`);
    for (const [field, feature] of Object.entries(UNSUPPORTED_FIELDS)) {
      if (field in state) problems.push(`state "${path}" uses ${feature}`);
    }
    if (state.Resource?.endsWith(".waitForTaskToken"))
      problems.push(`state "${path}" uses the callback pattern (.waitForTaskToken)`);
    if (isDistributedMap(state)) {
      problems.push(...distributedMapProblems(path, state));
      for (const inner of walkStates(state.ItemProcessor?.States ?? {})) {
        if (isDistributedMap(inner.state as AslState))
          problems.push(`Distributed Map "${path} > ${inner.path}" runs inside another Distributed Map's children`);
      }
    } else {
      for (const field of DISTRIBUTED_ONLY) {
        if (field in state) problems.push(`state "${path}" uses ${field}, which only a Distributed Map may have`);
      }
    }
  }
  if (problems.length > 0) {
    throw new UnsupportedAslFeatureError(
      `${problems.join("; ")}: the local engine cannot run ${problems.length > 1 ? "these" : "this"}`,
    );
  }
}

/**
 * Definitions (as JSON) already found valid in this process: asl-validator compiles its schema on
 * every call (0.3–0.8 s), and each CLI command opens the app, so the same file is checked once.
 */
const validDefinitions = new Set<string>();
const VALIDATOR = `asl-validator@${(createRequire(import.meta.url)("asl-validator/package.json") as { version: string }).version}`;

/**
 * Checks the definition against the States Language schema (asl-validator), as Step Functions would.
 * With `cacheDir`, a definition found valid there before (by another process: a marker named by the
 * sha256 of the validator's version and the definition) is not checked again: each CLI command is a
 * process, and the check was most of its start-up.
 */
export function assertValid(definition: AslDefinition, cacheDir?: string): void {
  const json = JSON.stringify(definition);
  if (validDefinitions.has(json)) return;
  const marker = cacheDir && join(cacheDir, `asl-valid-${hash("sha256", `${VALIDATOR}\n${json}`, "hex")}`);
  if (marker && existsSync(marker)) return void validDefinitions.add(json);
  // The validator writes QueryLanguage into every state: give it a copy.
  const { isValid, errorsText } = aslValidator()(structuredClone(definition), { checkArn: false, checkPaths: true });
  if (!isValid) throw new UnsupportedAslFeatureError(`the definition is not valid ASL: ${errorsText("; ")}`);
  validDefinitions.add(json);
  if (!marker) return;
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(marker, `${VALIDATOR}\n`);
  } catch {
    // a home we cannot write to: the next process checks again
  }
}

/** Parses, substitutes, validates and checks a definition's text (`cacheDir`: see {@link assertValid}). */
export function parseDefinition(text: string, substitutions: Record<string, string>, cacheDir?: string): AslDefinition {
  const definition = JSON.parse(substitute(text, substitutions)) as AslDefinition;
  assertValid(definition, cacheDir);
  assertSupported(definition);
  return definition;
}

/**
 * Reads an ASL file, applies the substitutions and checks it is runnable locally.
 * @example const def = loadDefinition("workflows/retrain.asl.json", localSubstitutions, "node_modules/.cache/tollgate");
 */
export function loadDefinition(file: string, substitutions: Record<string, string>, cacheDir?: string): AslDefinition {
  return parseDefinition(readFileSync(file, "utf8"), substitutions, cacheDir);
}
