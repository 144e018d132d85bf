/**
 * The workflow's definition (workflows/retrain.asl.json) as tollgate reads it, and the one
 * derivation of its Lambda steps: every Task state that invokes `${<Key>FunctionArn}`, at any
 * depth (inside Map item processors and Parallel branches too). The stacks, the local runtime and
 * the tests all take the step list from here, so a step exists once: in the ASL file.
 *
 * stacks/ import this file by relative path (SST loads the stacks with plain Node): keep its
 * imports to files without imports.
 */
import { UnsupportedAslFeatureError } from "../errors.ts";

/** A parsed Amazon States Language definition (only what tollgate inspects is typed). */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  QueryLanguage?: string;
  [field: string]: unknown;
}
export interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A state somewhere in a definition: its name and a readable path from the top level. */
export interface PlacedState {
  /** The state's name (what the engine and the history events use). */
  name: string;
  /** e.g. `Train`, `TrainShards > TrainShard`, `Score [branch 1] > ScoreLive`. */
  path: string;
  state: AslState;
}

/**
 * Every state of a definition, nested ones (Map item processors or iterators, Parallel branches)
 * included, parents before their children.
 * @example for (const { path, state } of walkStates(definition.States)) console.log(path, state.Type);
 */
export function* walkStates(states: Record<string, AslState>, parent = ""): Generator<PlacedState> {
  for (const [name, state] of Object.entries(states)) {
    const path = parent ? `${parent} > ${name}` : name;
    yield { name, path, state };
    const processor = (state.ItemProcessor ?? state.Iterator) as { States?: Record<string, AslState> } | undefined;
    if (processor?.States) yield* walkStates(processor.States, path);
    const branches = (state.Branches ?? []) as { States: Record<string, AslState> }[];
    for (const [i, branch] of branches.entries()) yield* walkStates(branch.States, `${path} [branch ${i}]`);
  }
}

/** The Step Functions resource of a Lambda invoke Task. */
export const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";

/** A Lambda step of the workflow. */
export interface LambdaStep {
  /** The key of its `${<Key>FunctionArn}` substitution, e.g. `RecordFailure`. */
  key: string;
  /** The Task states that invoke it (usually one). */
  states: PlacedState[];
  /** Its handler module under functions/, without extension, e.g. `record-failure`. */
  handlerFile: string;
}

const FUNCTION_ARN = /^\$\{([A-Za-z0-9]+)FunctionArn\}$/;

/** `RecordFailure` → `record-failure`: the handler file of a step key. */
export const handlerFileOf = (key: string): string => key.replace(/(?<=[a-z0-9])([A-Z])/g, "-$1").toLowerCase();

/**
 * The Lambda steps of a definition as written (before DefinitionSubstitutions), in the order
 * their first state appears, nested states included.
 * @throws UnsupportedAslFeatureError when a Lambda Task names its function other than by a `${<Key>FunctionArn}` substitution.
 * @example lambdaSteps(JSON.parse(readFileSync("workflows/retrain.asl.json", "utf8"))).map((s) => s.key)
 * // ["Preprocess", "Train", "Evaluate", "Promote", "Reject", "RecordFailure"]
 */
export function lambdaSteps(definition: AslDefinition): LambdaStep[] {
  const steps = new Map<string, LambdaStep>();
  for (const placed of walkStates(definition.States)) {
    const { state, path } = placed;
    if (state.Type !== "Task" || state.Resource !== LAMBDA_INVOKE) continue;
    const name = state.Parameters?.FunctionName;
    const key = typeof name === "string" ? FUNCTION_ARN.exec(name)?.[1] : undefined;
    if (!key)
      throw new UnsupportedAslFeatureError(
        `state "${path}" must name its function as \${<Key>FunctionArn}, not ${String(name)}`,
      );
    const step = steps.get(key) ?? { key, states: [], handlerFile: handlerFileOf(key) };
    step.states.push(placed);
    steps.set(key, step);
  }
  return [...steps.values()];
}
