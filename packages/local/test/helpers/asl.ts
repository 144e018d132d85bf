/** Runs a definition with the local interpreter in memory (no store) and returns its history. */

import { type HistoryEvent, HistoryRecorder } from "../../src/engine/asl/events.ts";
import { runExecution } from "../../src/engine/asl/execution.ts";
import type { Bindings } from "../../src/engine/asl/interpreter.ts";
import type { AslDefinition } from "../../src/engine/asl/types.ts";

export interface LocalRunOptions {
  name?: string;
  roleArn?: string;
  region?: string;
  account?: string;
  bindings?: Partial<Bindings>;
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
