/** The parts of an Amazon States Language (JSONPath) definition the interpreter reads. */

export interface Program {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  Comment?: string;
  QueryLanguage?: string;
  [field: string]: unknown;
}

/** A top-level definition. */
export type AslDefinition = Program;

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  InputPath?: string | null;
  OutputPath?: string | null;
  Parameters?: Record<string, unknown>;
  ResultSelector?: unknown;
  ResultPath?: string | null;
  Result?: unknown;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Branches?: Program[];
  ItemProcessor?: Program & { ProcessorConfig?: { Mode?: string; ExecutionType?: string } };
  Iterator?: Program;
  ItemsPath?: string;
  ItemSelector?: unknown;
  MaxConcurrency?: number;
  MaxConcurrencyPath?: string;
  [field: string]: unknown;
}

/** The Map state runs its ItemProcessor as child executions (a Map Run). */
export const isDistributedMap = (state: AslState) =>
  state.Type === "Map" && state.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED";

/** The sub-programs of a state (Parallel branches, a Map's processor), with how to name them. */
export function subPrograms(state: AslState): { label: string; program: Program }[] {
  const processor = state.ItemProcessor ?? state.Iterator;
  if (processor) return [{ label: "", program: processor }];
  return (state.Branches ?? []).map((program, i) => ({ label: ` [branch ${i}]`, program }));
}
