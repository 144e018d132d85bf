/**
 * A run's Map Runs through Step Functions with the real SDK client: ListMapRuns + DescribeMapRun on the
 * emulator (moto executes a Distributed Map of Pass children and answers both), and ListExecutions by
 * Map Run against a recorded-shape answer (moto's ListExecutions requires a stateMachineArn and cannot
 * list a Map Run's children, and answers an HTML 500 for an unknown Map Run), plus DescribeExecution of a
 * child by its ARN.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  DescribeMapRunCommand,
  ListExecutionsCommand,
  ResourceNotFound,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { ExecutionNotFoundError } from "@tollgate/core/errors";
import type { MapRunRecord } from "@tollgate/core/workflow/executions";
import { childCounts, mapRunViews } from "@tollgate/core/workflow/map-runs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOTO_ACCOUNT, type MotoServer, startMoto } from "../../../test/moto/server.ts";
import { followRun } from "../src/stage/follow.ts";
import { StepFunctionsRuns } from "../src/step-functions.ts";

const DEFINITION = {
  StartAt: "Fan",
  States: {
    Fan: {
      Type: "Map",
      ItemsPath: "$.items",
      ToleratedFailureCount: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
        StartAt: "Echo",
        States: { Echo: { Type: "Pass", End: true } },
      },
      End: true,
    },
  },
};

describe("Map Runs on the emulator", () => {
  let moto: MotoServer;
  let sfn: SFNClient;
  let runs: StepFunctionsRuns;
  beforeAll(async () => {
    moto = await startMoto({ config: { stepfunctions: { execute_state_machine: true } } });
    sfn = new SFNClient(moto.clientConfig());
    const { stateMachineArn = "" } = await sfn.send(
      new CreateStateMachineCommand({
        name: "fan",
        roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/fan`,
        definition: JSON.stringify(DEFINITION),
      }),
    );
    runs = new StepFunctionsRuns(sfn, stateMachineArn);
  });
  afterAll(async () => {
    sfn?.destroy();
    await moto?.stop();
  });

  it("lists a run's Map Runs with DescribeMapRun's counts, named by the Map state of the history", async () => {
    await runs.start("fan-1", { items: [1, 2, 3] });
    let status = "RUNNING";
    for (let i = 0; i < 200 && status === "RUNNING"; i++) {
      status = (await runs.describe("fan-1")).status;
      if (status === "RUNNING") await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe("SUCCEEDED");

    const listed = await runs.mapRuns("fan-1");
    expect(listed).toHaveLength(1);
    const [run] = listed;
    expect(run).toMatchObject({
      executionArn: (await runs.describe("fan-1")).executionArn,
      status: "SUCCEEDED",
      toleratedFailureCount: 1,
      redriveCount: 0,
    });
    expect(run?.mapRunArn).toMatch(/^arn:aws:states:us-east-1:123456789012:mapRun:fan\//);
    expect(run?.executionCounts).toMatchObject({ total: 3, succeeded: 3, failed: 0, running: 0, pending: 0 });
    expect(run?.itemCounts).toMatchObject({ total: 3, succeeded: 3 });
    expect(childCounts(run?.executionCounts ?? ({} as never))).toBe("3 children: 3 ✓");

    // moto labels an unlabelled Map Run with a UUID: the state's name comes from the history
    const [view] = mapRunViews(listed, await runs.history("fan-1"));
    expect(view?.stateName).toBe("Fan");
    expect(view?.resultWriter).toBeNull(); // no ResultWriter in this Map

    expect(await runs.describeMapRun(run?.mapRunArn ?? "")).toEqual(run);
    // (an unknown Map Run: moto answers an HTML 500, so that case is below with Step Functions' ResourceNotFound)
  });

  it("follows a run with its Map Runs' counts (the progress line of `ingest`/`run` on a stage), once per change", async () => {
    // Prepare
    const reported: MapRunRecord[] = [];
    const events: string[] = [];
    await runs.start("fan-2", { items: [1, 2, 3, 4] });

    // Act: poll every 50 ms until it ends
    const done = await followRun(
      runs,
      "fan-2",
      { onEvent: (e) => events.push(e.type), onMapRun: (r) => reported.push(r) },
      { intervalMs: 50, startTimeoutMs: 0 },
    );

    // Assess
    expect(done.status).toBe("SUCCEEDED");
    expect(events).toContain("MapRunStarted");
    const last = reported.at(-1);
    expect(last).toMatchObject({ status: "SUCCEEDED", executionArn: done.executionArn });
    expect(last?.executionCounts).toMatchObject({ total: 4, succeeded: 4 });
    // each report is a change: no two in a row with the same status and counts
    const states = reported.map((r) => JSON.stringify([r.status, r.executionCounts]));
    expect(new Set(states).size).toBe(states.length);
  });
});

describe("a Map Run's children (recorded shapes)", () => {
  const machine = "arn:aws:states:eu-west-1:111122223333:stateMachine:prod-retrain";
  const mapRunArn =
    "arn:aws:states:eu-west-1:111122223333:mapRun:prod-retrain/Train:0f3c9e1a-5b7d-4c2e-9a61-2b8d7e4f1c30";
  const childArn = (id: string) => `arn:aws:states:eu-west-1:111122223333:execution:prod-retrain/Train:${id}`;
  const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, s));
  const sfn = new SFNClient({ region: "eu-west-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
  const mock = mockClient(sfn);
  afterAll(() => sfn.destroy());

  it("lists every page of ListExecutions(mapRunArn), oldest first, each child named by its ARN", async () => {
    // ListExecutions answers newest first, in pages
    mock.on(ListExecutionsCommand, { mapRunArn }).resolves({
      executions: [
        { executionArn: childArn("c3"), name: "c3", stateMachineArn: machine, status: "RUNNING", startDate: at(3) },
        {
          executionArn: childArn("c2"),
          name: "c2",
          stateMachineArn: machine,
          status: "FAILED",
          startDate: at(2),
          stopDate: at(9),
        },
      ],
      nextToken: "page-2",
    });
    mock.on(ListExecutionsCommand, { mapRunArn, nextToken: "page-2" }).resolves({
      executions: [
        {
          executionArn: childArn("c1"),
          name: "c1",
          stateMachineArn: machine,
          status: "SUCCEEDED",
          startDate: at(1),
          stopDate: at(5),
        },
      ],
    });
    const runs = new StepFunctionsRuns(sfn, machine);
    expect(await runs.mapRunChildren(mapRunArn)).toEqual([
      {
        name: childArn("c1"),
        index: null,
        status: "SUCCEEDED",
        startDate: at(1).toISOString(),
        stopDate: at(5).toISOString(),
        durationMs: 4000,
      },
      {
        name: childArn("c2"),
        index: null,
        status: "FAILED",
        startDate: at(2).toISOString(),
        stopDate: at(9).toISOString(),
        durationMs: 7000,
      },
      {
        name: childArn("c3"),
        index: null,
        status: "RUNNING",
        startDate: at(3).toISOString(),
        stopDate: null,
        durationMs: null,
      },
    ]);
    // two requests (the paginator reuses its input object, so both hold the last token)
    const calls = mock.commandCalls(ListExecutionsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    for (const input of calls) expect(input).toMatchObject({ mapRunArn, maxResults: 1000 });

    // a child opens by its ARN (not under the state machine's own execution prefix), with its Map Run
    const described: DescribeExecutionOutput = {
      executionArn: childArn("c1"),
      name: "c1",
      stateMachineArn: `${machine}/Train`,
      mapRunArn,
      status: "SUCCEEDED",
      input: "{}",
      startDate: at(1),
      stopDate: at(5),
    };
    mock.on(DescribeExecutionCommand, { executionArn: childArn("c1") }).resolves(described);
    expect(await runs.describe(childArn("c1"))).toMatchObject({ name: "c1", mapRunArn, status: "SUCCEEDED" });

    mock
      .on(DescribeMapRunCommand)
      .rejects(new ResourceNotFound({ message: "Resource not found", $metadata: {}, resourceName: mapRunArn }));
    await expect(runs.describeMapRun(mapRunArn)).rejects.toBeInstanceOf(ExecutionNotFoundError);
  });
});
