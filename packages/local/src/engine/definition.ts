import { readFileSync } from "node:fs";
import { UnsupportedAslFeatureError } from "@tollgate/core/errors";
import { type AslDefinition, walkStates } from "@tollgate/core/workflow/asl";

/**
 * Fields and values the embedded engine (aws-local-stepfunctions 3.0.0) cannot run. Some it
 * ignores silently and some fail at run time, so the loader refuses them up front.
 */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  QueryLanguage: "JSONata (QueryLanguage)",
  Arguments: "JSONata Arguments",
  Output: "JSONata Output",
  Assign: "variables (Assign)",
  ItemReader: "Distributed Map ItemReader",
  ItemBatcher: "Distributed Map ItemBatcher",
  ResultWriter: "Distributed Map ResultWriter",
  ToleratedFailurePercentage: "Distributed Map ToleratedFailurePercentage",
  ToleratedFailurePercentagePath: "Distributed Map ToleratedFailurePercentagePath",
  ToleratedFailureCount: "Distributed Map ToleratedFailureCount",
  ToleratedFailureCountPath: "Distributed Map ToleratedFailureCountPath",
  Label: "Distributed Map Label",
  HeartbeatSeconds: "HeartbeatSeconds",
  HeartbeatSecondsPath: "HeartbeatSecondsPath",
  Credentials: "cross-account Credentials",
};
const UNSUPPORTED_RESOURCE_SUFFIXES: Record<string, string> = {
  ".waitForTaskToken": "the callback pattern (.waitForTaskToken)",
};

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
 *   `state "Train" uses the callback pattern (.waitForTaskToken), which the local engine cannot run`.
 */
export function assertSupported(definition: AslDefinition): void {
  if (definition.QueryLanguage !== undefined && definition.QueryLanguage !== "JSONPath") {
    throw new UnsupportedAslFeatureError(
      `the definition uses JSONata (QueryLanguage), which the local engine cannot run`,
    );
  }
  const problems: string[] = [];
  for (const { path, state } of walkStates(definition.States)) {
    for (const [field, feature] of Object.entries(UNSUPPORTED_FIELDS)) {
      if (field in state && !(field === "QueryLanguage" && state.QueryLanguage === "JSONPath")) {
        problems.push(`state "${path}" uses ${feature}`);
      }
    }
    const mode = (state.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined)?.ProcessorConfig?.Mode;
    if (mode === "DISTRIBUTED")
      problems.push(`state "${path}" uses a Distributed Map (ProcessorConfig.Mode DISTRIBUTED)`);
    for (const [suffix, feature] of Object.entries(UNSUPPORTED_RESOURCE_SUFFIXES)) {
      if (state.Resource?.endsWith(suffix)) problems.push(`state "${path}" uses ${feature}`);
    }
  }
  if (problems.length > 0) {
    throw new UnsupportedAslFeatureError(
      `${problems.join("; ")}: the local engine cannot run ${problems.length > 1 ? "these" : "this"}`,
    );
  }
}

/**
 * Reads an ASL file, applies the substitutions and checks it is runnable locally.
 * @example const def = loadDefinition("workflows/retrain.asl.json", localSubstitutions);
 */
export function loadDefinition(file: string, substitutions: Record<string, string>): AslDefinition {
  const definition = JSON.parse(substitute(readFileSync(file, "utf8"), substitutions)) as AslDefinition;
  assertSupported(definition);
  return definition;
}
