/** aws-sdk-client-mock mocks of every client the AWS backend uses, reset before each test. */
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { GlueClient } from "@aws-sdk/client-glue";
import { S3Client } from "@aws-sdk/client-s3";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListMapRunsCommand,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach } from "vitest";
import { describeOf, historyOf, pages } from "./fixtures/stage-run.ts";

export const sfn = mockClient(SFNClient);
export const glue = mockClient(GlueClient);
export const cloudTrail = mockClient(CloudTrailClient);
export const s3 = mockClient(S3Client);
/** The registry's document client (DynamoRegistry wraps the backend's DynamoDB client in one). */
export const registryDoc = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  for (const m of [sfn, glue, cloudTrail, s3, registryDoc]) m.reset();
  registryDoc.on(GetCommand).resolves({});
  sfn.on(ListMapRunsCommand).resolves({ mapRuns: [] }); // the fixture run's history has no Map Run
});

/** Answers DescribeExecution and GetExecutionHistory (in pages of 7) for `name` with the fixture run. */
export function answerRun(name: string, status: "SUCCEEDED" | "RUNNING" = "SUCCEEDED") {
  const arn = describeOf(name).executionArn;
  sfn.on(DescribeExecutionCommand, { executionArn: arn }).resolves(describeOf(name, { status }));
  const history = pages(historyOf(), 7);
  history.forEach((page, i) => {
    const input = { executionArn: arn, ...(i > 0 ? { nextToken: history[i - 1]?.nextToken } : {}) };
    sfn
      .on(GetExecutionHistoryCommand, input)
      .resolves({ events: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
  });
}
