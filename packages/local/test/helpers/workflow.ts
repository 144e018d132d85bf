/** A LocalWorkflow over a temporary home, for definitions written in a test and handlers given by it. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MapRunBinding } from "../../src/engine/asl/interpreter.ts";
import { type AslDefinition, assertSupported, assertValid } from "../../src/engine/definition.ts";
import { LocalWorkflow } from "../../src/engine/runner.ts";
import type { LocalTargets } from "../../src/engine/tasks.ts";
import { JsonlAuditLog } from "../../src/stores/audit-log.ts";
import { SqliteExecutionStore } from "../../src/stores/execution-store.ts";

export const lambdaArn = (name: string) => `arn:aws:lambda:local:000000000000:function:${name}`;

/** A Task state invoking a local function by name. */
export const lambdaTask = (fn: string, extra: object = {}) => ({
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Parameters: { FunctionName: lambdaArn(fn), "Payload.$": "$" },
  ResultSelector: { "value.$": "$.Payload" },
  ...extra,
});

export interface TestWorkflow {
  workflow: LocalWorkflow;
  executions: SqliteExecutionStore;
  home: string;
  /** Starts an execution and waits for it; returns it with its history. */
  run(
    name: string,
    input: unknown,
  ): Promise<{
    status: string;
    error: string | null;
    cause: string | null;
    output: unknown;
    history: Record<string, unknown>[];
  }>;
  close(): void;
}

export function testWorkflow(
  definition: object,
  lambdas: Record<string, (payload: unknown) => Promise<unknown>> = {},
  more: {
    glueJobs?: LocalTargets["glueJobs"];
    maps?: (runId: string, executions: SqliteExecutionStore, home: string) => Record<string, MapRunBinding>;
  } = {},
): TestWorkflow {
  const home = mkdtempSync(join(tmpdir(), "tollgate-engine-"));
  const executions = new SqliteExecutionStore(join(home, "tollgate.db"));
  const def = definition as AslDefinition;
  assertValid(def);
  assertSupported(def);
  const targets: LocalTargets = {
    lambdas: Object.fromEntries(Object.entries(lambdas).map(([name, fn]) => [lambdaArn(name), fn])),
    glueJobs: more.glueJobs ?? {},
  };
  const workflow = new LocalWorkflow({
    definition: def,
    executions,
    audit: new JsonlAuditLog(join(home, "audit.jsonl")),
    targetsFor: () => targets,
    ...(more.maps ? { mapRunnersFor: (runId: string) => more.maps?.(runId, executions, home) ?? {} } : {}),
  });
  return {
    workflow,
    executions,
    home,
    async run(name, input) {
      const done = await (await workflow.start(name, input)).done;
      return {
        status: done.status,
        error: done.error,
        cause: done.cause,
        output: done.output === null ? null : (JSON.parse(done.output) as unknown),
        history: executions.history(name),
      };
    },
    close() {
      executions.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
