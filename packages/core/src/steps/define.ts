import { z } from "zod";
import { InvalidInputError } from "../errors.ts";
import { type Logger, logger as rootLogger } from "../logger.ts";
import type { StepPorts } from "./step-ports.ts";

/**
 * Parses a boundary's input with its schema.
 * @throws InvalidInputError naming the boundary and every problem, e.g. "Train input is invalid: ✖ Invalid input: expected string → at runId".
 */
export function parseInput<S extends z.ZodType>(schema: S, event: unknown, boundary: string): z.infer<S> {
  const parsed = schema.safeParse(event);
  if (!parsed.success) throw new InvalidInputError(`${boundary} input is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Where a step's input names its run and its model version (Evaluate; Promote and Reject; RecordFailure). */
const Correlated = z.object({
  runId: z.string().optional().catch(undefined),
  modelVersion: z.string().optional().catch(undefined),
  evaluation: z.object({ candidateVersion: z.string() }).optional().catch(undefined),
  state: z
    .object({ trained: z.object({ modelVersion: z.string() }) })
    .optional()
    .catch(undefined),
});

/** The correlation keys of a step's log lines. */
export interface Correlation {
  /** The state name. */
  step: string;
  runId?: string;
  modelVersion?: string;
}

/**
 * The keys every log line of a step carries: its state name, the run id and, when its input
 * names one, the model version (Train's own version exists only once it has trained).
 * @example correlationOf("Evaluate", { runId: "r1", modelVersion: "20250101000000-abc123" })
 */
export function correlationOf(step: string, event: unknown): Correlation {
  const parsed = Correlated.safeParse(event);
  const input = parsed.success ? parsed.data : {};
  const runId = input.runId;
  const modelVersion = input.modelVersion ?? input.evaluation?.candidateVersion ?? input.state?.trained.modelVersion;
  return { step, ...(runId ? { runId } : {}), ...(modelVersion ? { modelVersion } : {}) };
}

/** A workflow step: its name, its input contract and the core function it runs. */
export interface Step<O = unknown> {
  name: string;
  /**
   * Builds the handler for a given set of ports (AWS or local). The handler puts the step's
   * correlation keys on `log` (default: the root logger) and passes that logger into core.
   */
  make(ports: StepPorts): (event: unknown, log?: Logger) => Promise<O>;
}

/**
 * Defines a step whose handler parses the event with `schema` and calls `run` with a logger that
 * carries the run id, the state name and the model version.
 * @example export const step = defineStep("Train", TrainInput, Steps.train);
 */
export function defineStep<S extends z.ZodType, O>(
  name: string,
  schema: S,
  run: (ports: StepPorts, input: z.infer<S>, log: Logger) => Promise<O>,
): Step<O> {
  return {
    name,
    make: (ports) => async (event, log) => {
      const input = parseInput(schema, event, name);
      return run(ports, input, (log ?? rootLogger).child(correlationOf(name, input)));
    },
  };
}
