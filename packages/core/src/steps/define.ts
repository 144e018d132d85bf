import { z } from "zod";
import { InvalidInputError } from "../errors.ts";
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

/** A workflow step: its name, its input contract and the core function it runs. */
export interface Step<O = unknown> {
  name: string;
  /** Builds the handler for a given set of ports (AWS or local). */
  make(ports: StepPorts): (event: unknown) => Promise<O>;
}

/**
 * Defines a step whose handler parses the event with `schema` and calls `run`.
 * @example export const train = defineStep("Train", TrainInput, Steps.train);
 */
export function defineStep<S extends z.ZodType, O>(
  name: string,
  schema: S,
  run: (ports: StepPorts, input: z.infer<S>) => Promise<O>,
): Step<O> {
  return { name, make: (ports) => (event) => run(ports, parseInput(schema, event, name)) };
}
