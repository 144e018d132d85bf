/**
 * The workflow's Lambda steps: each parses its input with its contract and calls core.
 * Keys are the ASL's `${<Key>FunctionArn}` substitutions without the suffix.
 */
import { DecisionInput, EvaluateInput, FailureInput, PreprocessInput, TrainInput } from "@tollgate/core/contracts";
import * as Steps from "@tollgate/core/steps";

export const steps = {
  Preprocess: Steps.defineStep("Preprocess", PreprocessInput, Steps.preprocess),
  Train: Steps.defineStep("Train", TrainInput, Steps.train),
  Evaluate: Steps.defineStep("Evaluate", EvaluateInput, Steps.evaluate),
  Promote: Steps.defineStep("Promote", DecisionInput, Steps.promote),
  Reject: Steps.defineStep("Reject", DecisionInput, Steps.reject),
  RecordFailure: Steps.defineStep("RecordFailure", FailureInput, Steps.recordFailure),
};
