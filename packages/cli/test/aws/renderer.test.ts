/**
 * One history, two backends: a real run on the embedded runtime, then the same execution, history
 * (as GetExecutionHistory pages), Map Runs (ListMapRuns, DescribeMapRun), run record and Glue job run served to the AWS backend through
 * mocked SDK clients. `show` must print the same text and the same JSON from both.
 */
import { GetJobRunCommand, type JobRun } from "@aws-sdk/client-glue";
import { GetObjectCommand, type GetObjectCommandOutput } from "@aws-sdk/client-s3";
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListMapRunsCommand,
} from "@aws-sdk/client-sfn";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { jobRunInHistory } from "@tollgate/aws/glue";
import type { MapRunRecord } from "@tollgate/core/workflow/executions";
import { readConfig } from "@tollgate/local/config";
import { openLocalStores } from "@tollgate/local/stores";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../../../../test/helpers/topics.ts";
import type { ExecutionSummary, HistoryEvent as LocalEvent } from "../../src/backend.ts";
import { LocalBackend } from "../../src/local-backend.ts";
import { pages } from "./fixtures/stage-run.ts";
import { stageBackendFor, tollgate } from "./harness.ts";
import { glue, registryDoc, s3, sfn } from "./mocks.ts";

const config = readConfig({ TOLLGATE_HOME: tempHome(), TOLLGATE_MIN_ACCURACY: "0.8", ...FIXTURE_ENV });
/** A fresh local backend per command (the program closes it after each). */
const localBackend = () => new LocalBackend(config);
let local: LocalBackend;
let name: string;

beforeAll(async () => {
  const file = writeJsonl(topicRows(500, 21));
  name = JSON.parse(await tollgate(localBackend, "ingest", file, "--dataset", "topics", "--json")).name;
  local = localBackend();
});
afterAll(() => local?.close());

/** What DescribeExecution would answer for the local record (dates as Date, absent fields left out). */
function describeAnswer(e: ExecutionSummary & { executionArn?: string; stateMachineArn?: string }) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status as "SUCCEEDED",
    startDate: new Date(e.startDate),
    ...(e.stopDate ? { stopDate: new Date(e.stopDate) } : {}),
    input: e.input,
    ...(e.output !== null ? { output: e.output } : {}),
    ...(e.error !== null ? { error: e.error } : {}),
    ...(e.cause !== null ? { cause: e.cause } : {}),
    redriveCount: e.redriveCount,
  };
}

/** What DescribeMapRun would answer for a local Map Run (dates as Date; no state name: its ARN carries the label). */
function describeMapRunAnswer({ stateName: _, startDate, stopDate, redriveDate, ...rest }: MapRunRecord) {
  return {
    ...rest,
    status: rest.status as "SUCCEEDED",
    startDate: new Date(startDate),
    ...(stopDate ? { stopDate: new Date(stopDate) } : {}),
    ...(redriveDate ? { redriveDate: new Date(redriveDate) } : {}),
  };
}

/** The local events as GetExecutionHistory events (timestamps as Date). */
const historyAnswer = (events: LocalEvent[]) =>
  events.map(({ timestamp, ...rest }) => ({ ...rest, timestamp: new Date(timestamp) }) as HistoryEvent);

describe("show renders the same from the local store and from Step Functions", () => {
  it("prints identical text and JSON", async () => {
    const execution = await local.describeExecution(name);
    const events = await local.history(name);
    const run = await local.getRun(name);
    expect(execution.status).toBe("SUCCEEDED");
    sfn.on(DescribeExecutionCommand).resolves(describeAnswer(execution));
    const history = pages(historyAnswer(events), 10);
    expect(history.length).toBeGreaterThan(2);
    history.forEach((page, i) => {
      const input = i === 0 ? {} : { nextToken: history[i - 1]?.nextToken };
      sfn
        .on(GetExecutionHistoryCommand, input)
        .resolves({ events: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
    });
    const mapRuns = await local.mapRuns(name);
    expect(mapRuns.map((r) => r.stateName)).toEqual(["Train", "Evaluate"]);
    sfn.on(ListMapRunsCommand).resolves({
      mapRuns: mapRuns.map((r) => ({
        executionArn: r.executionArn,
        mapRunArn: r.mapRunArn,
        stateMachineArn: `${r.executionArn}/${r.stateName}`,
        startDate: new Date(r.startDate),
      })),
    });
    for (const r of mapRuns)
      sfn.on(DescribeMapRunCommand, { mapRunArn: r.mapRunArn }).resolves(describeMapRunAnswer(r));
    registryDoc
      .on(GetCommand, { Key: { pk: `RUN#${name}`, sk: "RUN" } })
      .resolves({ Item: { pk: `RUN#${name}`, sk: "RUN", ...run } });
    // GetJobRun answers what the local Glue runner answered (it returns GetJobRun's JobRun)
    const jobRun = jobRunInHistory(events)?.run;
    expect(jobRun?.JobRunState).toBe("SUCCEEDED");
    glue.on(GetJobRunCommand).resolves({
      JobRun: {
        ...jobRun,
        StartedOn: new Date(String(jobRun?.StartedOn)),
        CompletedOn: new Date(String(jobRun?.CompletedOn)),
      } as JobRun,
    });
    // the run's manifest and quarantine shards (data quality), as S3 would serve them from the data bucket
    const { objects } = openLocalStores(config.home);
    s3.on(GetObjectCommand).callsFake(async ({ Key }: { Key: string }) => {
      const bytes = await objects.data.get(Key);
      return { Body: { transformToByteArray: async () => bytes } as unknown as GetObjectCommandOutput["Body"] };
    });
    const aws = () => stageBackendFor();

    const [localText, awsText] = [await tollgate(localBackend, "show", name), await tollgate(aws, "show", name)];
    const [localJson, awsJson] = [
      await tollgate(localBackend, "show", name, "--json"),
      await tollgate(aws, "show", name, "--json"),
    ];

    expect(awsText).toBe(localText);
    expect(JSON.parse(awsJson)).toEqual(JSON.parse(localJson));
    for (const state of ["Etl", "Preprocess", "Train", "Evaluate", "Gate", "Promote"])
      expect(localText).toContain(`\n${state} `);
    expect(localText).toMatch(/^etl\s+tollgate-etl jr_[0-9a-f]+\s+SUCCEEDED/m);
    expect(localText).toMatch(/^data\s+read 500\s+valid/m);
    expect(localText).toMatch(/^Train\s+Map\s+succeeded\s+[\d.]+s\s+1 child: 1 ✓$/m);
  });
});
