/**
 * `runs` and `show` on a stage, at the SDK boundary: the requests the backend sends (pagination
 * included) and what the CLI prints from the answers.
 */
import { GetJobRunCommand } from "@aws-sdk/client-glue";
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
} from "@aws-sdk/client-sfn";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { describeOf, JOB_RUN, JOB_RUN_ID, listed, RUN } from "./fixtures/stage-run.ts";
import { OUTPUTS, STATE_MACHINE_ARN, stageBackendFor, tollgate } from "./harness.ts";
import { answerRun, glue, registryDoc, sfn } from "./mocks.ts";

describe("runs", () => {
  it("lists every page newest first, describes each run, and prints the local format", async () => {
    sfn.on(ListExecutionsCommand, { stateMachineArn: STATE_MACHINE_ARN }).resolvesOnce({
      executions: [listed("topics-b", 30), listed("topics-a", 20)],
      nextToken: "page-2",
    });
    sfn.on(ListExecutionsCommand, { nextToken: "page-2" }).resolves({ executions: [listed("topics-0", 10)] });
    for (const name of ["topics-b", "topics-a", "topics-0"]) answerRun(name);
    registryDoc.on(GetCommand, { Key: { pk: "RUN#topics-b", sk: "RUN" } }).resolves({
      Item: {
        pk: "RUN#topics-b",
        sk: "RUN",
        runId: "topics-b",
        dataset: "topics",
        modelName: "topics",
        datasetVersion: "v1",
        modelVersion: "20250601120000-abcdef",
        decision: "promoted",
        reason: "accuracy 0.9100 ≥ minAccuracy 0.8000; no live model",
        updatedAt: "2025-06-01T12:01:15.000Z",
      },
    });

    const text = await tollgate(stageBackendFor(), "runs", "--status", "SUCCEEDED", "--limit", "3");

    expect(text.split("\n")).toEqual([
      "RUN       STATUS     STARTED                   DURATION  DECISION",
      "topics-b  SUCCEEDED  2025-06-01T12:00:00.000Z  75.00s    promoted",
      "topics-a  SUCCEEDED  2025-06-01T12:00:00.000Z  75.00s    -",
      "topics-0  SUCCEEDED  2025-06-01T12:00:00.000Z  75.00s    -",
    ]);
    const lists = sfn.commandCalls(ListExecutionsCommand).map((c) => c.args[0].input);
    expect(lists).toHaveLength(2);
    for (const input of lists) {
      expect(input).toMatchObject({ stateMachineArn: STATE_MACHINE_ARN, statusFilter: "SUCCEEDED", maxResults: 3 });
    }
    expect(lists[1]?.nextToken).toBe("page-2");
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual(
      ["topics-b", "topics-a", "topics-0"].map((n) => describeOf(n).executionArn),
    );
  });

  it("prints the same JSON fields as the local store", async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [listed(RUN, 0)] });
    answerRun(RUN);
    const [row] = JSON.parse(await tollgate(stageBackendFor(), "runs", "--json"));
    expect(Object.keys(row)).toEqual([
      "executionArn",
      "name",
      "stateMachineArn",
      "status",
      "input",
      "output",
      "error",
      "cause",
      "startDate",
      "stopDate",
      "redriveCount",
      "decision",
    ]);
  });
});

describe("show", () => {
  it("reads every history page and the Etl job run from Glue", async () => {
    answerRun(RUN);
    glue.on(GetJobRunCommand).resolves({ JobRun: JOB_RUN });

    const text = await tollgate(stageBackendFor(), "show", RUN);

    expect(text).toMatch(/^Etl\s+Task\s+succeeded\s+64\.00s/m);
    expect(text).toMatch(/^Gate\s+Choice\s+succeeded\s+0\.00s/m);
    expect(text).toMatch(/^decision\s+PROMOTED: accuracy 0\.9100/m);
    expect(text.split("\n").at(-1)).toBe(
      `etl       ${OUTPUTS.EtlJobName} ${JOB_RUN_ID}   SUCCEEDED   63s   126.0 DPU-seconds (estimated: capacity × time)`,
    );
    // 35 events in pages of 7: five requests, each after the first with the previous page's token
    const historyCalls = sfn.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input);
    expect(historyCalls).toHaveLength(5);
    for (const input of historyCalls) {
      expect(input).toMatchObject({
        executionArn: describeOf(RUN).executionArn,
        includeExecutionData: true,
        maxResults: 1000,
      });
    }
    expect(historyCalls.at(-1)?.nextToken).toBe("token-28");
    expect(glue.commandCalls(GetJobRunCommand)[0]?.args[0].input).toEqual({
      JobName: OUTPUTS.EtlJobName,
      RunId: JOB_RUN_ID,
    });
  });

  it("says a run does not exist as the local backend does", async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: "Execution Does Not Exist", $metadata: {} }));
    await expect(tollgate(stageBackendFor(), "show", "nope")).rejects.toThrow(
      "no run named nope (see `tollgate runs`)",
    );
  });
});
