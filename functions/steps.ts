/**
 * The workflow's Lambda steps: each parses its input with its contract and calls core.
 * Keys are the ASL's `${<Key>FunctionArn}` substitutions without the suffix.
 */
import { DecisionInput, EvaluateInput, FailureInput, PreprocessInput, TrainInput } from "@tollgate/core/contracts";
import { defineStep } from "@tollgate/core/step";
import * as Steps from "@tollgate/core/steps/index";

export const steps = {
  Preprocess: defineStep("Preprocess", PreprocessInput, Steps.preprocess),
  Train: defineStep("Train", TrainInput, Steps.train),
  Evaluate: defineStep("Evaluate", EvaluateInput, Steps.evaluate),
  Promote: defineStep("Promote", DecisionInput, Steps.promote),
  Reject: defineStep("Reject", DecisionInput, Steps.reject),
  RecordFailure: defineStep("RecordFailure", FailureInput, Steps.recordFailure),
};

export type StepKey = keyof typeof steps;
