/** Runs a definition with the local interpreter in memory (no store) and returns its history. */

import { StatesError } from "../../src/engine/asl/errors.ts";
import { type HistoryEvent, HistoryRecorder } from "../../src/engine/asl/events.ts";
import { runExecution } from "../../src/engine/asl/execution.ts";
import { itemInput } from "../../src/engine/asl/fan-out.ts";
import type { Bindings, MapRunBinding } from "../../src/engine/asl/interpreter.ts";
import type { AslDefinition } from "../../src/engine/asl/types.ts";

export interface LocalRunOptions {
  name?: string;
  roleArn?: string;
  region?: string;
  account?: string;
  bindings?: Partial<Bindings>;
}

/**
 * A map runner that runs a Distributed Map's children in this process and in memory (for
 * comparing the parent's history with moto's; the real runner uses worker processes).
 */
export function inProcessMapRunner(): MapRunBinding {
  return {
    async run({ definition, input, items, context }) {
      const processor = definition.ItemProcessor as AslDefinition;
      const results: unknown[] = [];
      for (const [index, item] of (items ?? []).entries()) {
        const value = itemInput(definition, input, context, index, item);
        const outcome = await runExecution({
          definition: processor,
          inputText: JSON.stringify(value),
          context: { ...context, Execution: { ...context.Execution, Input: value } },
          recorder: new HistoryRecorder(() => {}),
          bindings: { tasks: {}, maps: {}, mapRunArn: () => "" },
          region: "local",
        });
        if (outcome.status !== "SUCCEEDED")
          throw new StatesError(
            "States.ExceedToleratedFailureThreshold",
            "The specified tolerated failure threshold was exceeded",
          );
        results.push(outcome.output);
      }
      return results;
    },
  };
}

export async function localHistory(definition: object, input: unknown, options: LocalRunOptions = {}) {
  const name = options.name ?? "local";
  const region = options.region ?? "local";
  const account = options.account ?? "000000000000";
  const machine = `arn:aws:states:${region}:${account}:stateMachine:${name}`;
  const events: HistoryEvent[] = [];
  const recorder = new HistoryRecorder((e) => events.push(e));
  const outcome = await runExecution({
    definition: definition as AslDefinition,
    inputText: JSON.stringify(input),
    context: {
      Execution: {
        Id: `arn:aws:states:${region}:${account}:execution:${name}:${name}`,
        Name: name,
        StartTime: new Date().toISOString(),
        Input: input,
        RoleArn: options.roleArn ?? `arn:aws:iam::${account}:role/local`,
        RedriveCount: 0,
      },
      StateMachine: { Id: machine, Name: name },
    },
    recorder,
    bindings: { tasks: {}, maps: {}, mapRunArn: (s) => `${machine}/${s}`, ...options.bindings },
    region,
  });
  return { ...outcome, events };
}
