/**
 * `audit <run>` on a stage: management events from LookupEvents (all pages), data events from the
 * trail's log files (all listing pages), filtered to the run; notices when CloudTrail has not
 * delivered yet. Mocked: the emulator has no CloudTrail LookupEvents (moto answers an HTML 404).
 */
import { LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { GetObjectCommand, type GetObjectCommandOutput, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { DescribeExecutionCommand, GetExecutionHistoryCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import {
  logFile,
  lookupEvents,
  NOT_THE_RUNS,
  OTHER_START,
  OTHER_UPLOADS,
  PUT_MODEL,
  RAW_UPLOAD,
  START_EXECUTION,
  START_JOB_RUN,
  SWAP_LIVE,
} from "./fixtures/cloudtrail.ts";
import { describeOf, historyOf, RUN } from "./fixtures/stage-run.ts";
import { OUTPUTS, stageBackendFor, tollgate } from "./harness.ts";
import { answerRun, cloudTrail, s3, sfn } from "./mocks.ts";

const ENDED = Date.UTC(2025, 5, 1, 12, 1, 15);
const body = (bytes: Uint8Array) =>
  ({ transformToByteArray: async () => bytes }) as unknown as NonNullable<GetObjectCommandOutput["Body"]>;

function answerTrail(files: { key: string; body: Uint8Array }[]) {
  // two listing pages: the first file, then the rest
  const [first, ...rest] = files;
  s3.on(ListObjectsV2Command).callsFake((input: { Bucket?: string; ContinuationToken?: string }) => {
    if (input.Bucket !== OUTPUTS.TrailBucket) throw new Error(`unexpected bucket ${input.Bucket}`);
    if (input.ContinuationToken === "more") return { Contents: rest.map((f) => ({ Key: f.key })), IsTruncated: false };
    return {
      Contents: first ? [{ Key: first.key }] : [],
      IsTruncated: rest.length > 0,
      ...(rest.length > 0 ? { NextContinuationToken: "more" } : {}),
    };
  });
  for (const f of files) s3.on(GetObjectCommand, { Key: f.key }).resolves({ Body: body(f.body) });
}

function answerLookups() {
  cloudTrail
    .on(LookupEventsCommand, { LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "StartExecution" }] })
    .resolvesOnce({ Events: lookupEvents(OTHER_START), NextToken: "p2" })
    .resolves({ Events: lookupEvents(START_EXECUTION) });
  cloudTrail
    .on(LookupEventsCommand, { LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "StartJobRun" }] })
    .resolves({ Events: lookupEvents(START_JOB_RUN) });
}

describe("audit on a stage", () => {
  it("lists who started the run and the run's writes to models and the registry, oldest first", async () => {
    answerRun(RUN);
    answerLookups();
    answerTrail([
      logFile("1203", [RAW_UPLOAD, ...OTHER_UPLOADS]),
      logFile("1205", [PUT_MODEL, SWAP_LIVE, ...NOT_THE_RUNS]),
      logFile("1625", []),
    ]);
    const notices: string[] = [];
    const backend = stageBackendFor({ notices, now: () => Date.UTC(2025, 5, 2) });

    const records = JSON.parse(await tollgate(backend, "audit", RUN, "--json")).records;

    expect(records.map((r: { eventName: string }) => r.eventName)).toEqual([
      "PutObject",
      "StartExecution",
      "StartJobRun",
      "PutObject",
      "UpdateItem",
    ]);
    expect(records[0]).toMatchObject({
      eventSource: "s3.amazonaws.com",
      eventID: RAW_UPLOAD.eventID,
      userIdentity: { type: "IAMUser", arn: expect.stringContaining(":user/alice") },
    });
    expect(records[1]).toMatchObject({
      eventSource: "states.amazonaws.com",
      userIdentity: { type: "AssumedRole", arn: expect.stringContaining("TriggerFn") },
      requestParameters: { name: RUN },
      resources: [{ type: "AWS::StepFunctions::StateMachine", ARN: OUTPUTS.StateMachineArn }],
      runId: RUN,
    });
    expect(notices).toEqual([]);
    const lookups = cloudTrail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
    expect(lookups).toHaveLength(3);
    expect(lookups[0]).toMatchObject({
      StartTime: new Date(Date.UTC(2025, 5, 1, 11, 55)),
      EndTime: new Date(Date.UTC(2025, 5, 1, 12, 5)),
      MaxResults: 50,
    });
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toMatchObject({
      Bucket: OUTPUTS.TrailBucket,
      Prefix: "AWSLogs/111122223333/CloudTrail/eu-west-1/2025/06/01/",
      // from a minute before the first upload's window, not the whole day folder
      StartAfter:
        "AWSLogs/111122223333/CloudTrail/eu-west-1/2025/06/01/111122223333_CloudTrail_eu-west-1_20250601T1158Z",
    });
    const text = await tollgate(backend, "audit", RUN);
    expect(text.split("\n")[0]).toMatch(/^TIME\s+SOURCE\s+EVENT\s+WHO\s+RESOURCE$/);
    expect(text).toMatch(
      /^2025-06-01T12:01:07Z\s+s3\.amazonaws\.com\s+PutObject\s+AROA\S+:prod-tollgate-Pipeline-TrainFn-AbC123\s+arn:aws:s3:::prod-tollgate-models\/models\//m,
    );
  });

  it("in a coalescing window, counts every upload of the window as the run's trigger", async () => {
    const windowRun = "topics-20250601T115800Z";
    sfn.on(DescribeExecutionCommand).resolves(describeOf(windowRun));
    sfn.on(GetExecutionHistoryCommand).resolves({ events: historyOf() });
    answerLookups();
    const late = { ...OTHER_UPLOADS[0], eventID: "next-window", eventTime: "2025-06-01T12:00:01Z" };
    answerTrail([logFile("1203", [RAW_UPLOAD, ...OTHER_UPLOADS, late])]);

    const backend = stageBackendFor({ coalesceSeconds: 120, now: () => Date.UTC(2025, 5, 2) });
    const records = JSON.parse(await tollgate(backend, "audit", windowRun, "--json")).records;

    const uploads = records.filter((r: { eventName: string }) => r.eventName === "PutObject");
    expect(uploads.map((r: { eventID: string }) => r.eventID).sort()).toEqual(
      [RAW_UPLOAD.eventID, "other-object", "other-version"].sort(),
    );
  });

  it("stops listing the trail bucket at the first log file delivered after the run's window", async () => {
    answerRun(RUN);
    answerLookups();
    const late = logFile("1900", []);
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: logFile("1205", []).key }, { Key: late.key }],
      IsTruncated: true,
      NextContinuationToken: "rest-of-the-day",
    });
    s3.on(GetObjectCommand).resolves({ Body: body(logFile("1205", [PUT_MODEL]).body) });

    await tollgate(stageBackendFor({ now: () => Date.UTC(2025, 5, 2) }), "audit", RUN, "--json");

    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(1);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  it("paces LookupEvents to two requests a second", async () => {
    answerRun(RUN);
    answerTrail([]);
    let clock = 0;
    const sent: number[] = [];
    cloudTrail.on(LookupEventsCommand).callsFake((input: { NextToken?: string }) => {
      sent.push(clock);
      return input.NextToken ? { Events: [] } : { Events: [], NextToken: "p2" };
    });
    const backend = stageBackendFor({
      now: () => Date.UTC(2025, 5, 2) + clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });

    await tollgate(backend, "audit", RUN, "--json");

    expect(sent).toHaveLength(4);
    for (let i = 1; i < sent.length; i++) expect((sent[i] ?? 0) - (sent[i - 1] ?? 0)).toBeGreaterThanOrEqual(500);
  });

  it("says plainly that CloudTrail has not delivered yet", async () => {
    answerRun(RUN);
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [] });
    answerTrail([]);
    const notices: string[] = [];

    const { records } = JSON.parse(
      await tollgate(stageBackendFor({ notices, now: () => ENDED + 2 * 60_000 }), "audit", RUN, "--json"),
    );

    expect(records).toEqual([]);
    expect(notices).toEqual([
      `CloudTrail's event history has no StartExecution for ${RUN} yet: management events appear within about 5 minutes of the call; try again later`,
      `CloudTrail has not delivered the data events of ${RUN} yet: no log file since it started (it ended at 2025-06-01 12:01Z; delivery takes about 5 minutes); run \`tollgate audit ${RUN}\` again later`,
    ]);
  });

  it("warns that data events may be missing while the last delivery is recent", async () => {
    answerRun(RUN);
    answerLookups();
    answerTrail([logFile("1202", [PUT_MODEL])]);
    const notices: string[] = [];

    await tollgate(stageBackendFor({ notices, now: () => ENDED + 4 * 60_000 }), "audit", RUN, "--json");

    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^CloudTrail may not have delivered every data event of \S+ yet: it ended at 2025-06-01 12:01Z, the newest log file was delivered at 2025-06-01 12:02Z/,
    );
  });

  it("says so when the stage has no trail", async () => {
    answerRun(RUN);
    answerLookups();
    const notices: string[] = [];
    await tollgate(
      stageBackendFor({ notices, outputs: { TrailBucket: undefined } as never, now: () => Date.UTC(2025, 5, 2) }),
      "audit",
      RUN,
    );
    expect(notices).toEqual([expect.stringMatching(/^this stage has no trail/)]);
  });
});
