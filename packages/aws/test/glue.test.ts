/**
 * The Glue adapters with the real SDK client against the emulator (moto server, one per file):
 * the `.sync` task (start, wait, outcome, errors named as Step Functions names them) and the job run
 * reader `show` uses. moto's job runs do not run a script: they move STARTING → RUNNING → SUCCEEDED,
 * one step per GetJobRun when the transition is manual.
 */
import { CreateJobCommand, GlueClient, StartJobRunCommand } from "@aws-sdk/client-glue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MotoServer, startMoto } from "../../../test/moto/server.ts";
import { etlFromGlue } from "../src/glue.ts";
import { GlueTaskError, glueStartJobRunSync } from "../src/glue-sync.ts";

describe("Glue adapters on the emulator", () => {
  let moto: MotoServer;
  let glue: GlueClient;
  const sleeps: number[] = [];
  const poll = { intervalMs: 250, sleep: async (ms: number) => void sleeps.push(ms) };
  beforeAll(async () => {
    moto = await startMoto();
    glue = new GlueClient(moto.clientConfig());
    for (const [Name, runs] of [
      ["etl", 10],
      ["single", 1],
    ] as const) {
      await glue.send(
        new CreateJobCommand({
          Name,
          Role: "arn:aws:iam::123456789012:role/etl",
          Command: { Name: "glueetl", ScriptLocation: "s3://assets/etl_job.py" },
          GlueVersion: "5.0",
          ExecutionProperty: { MaxConcurrentRuns: runs },
        }),
      );
    }
  });
  afterAll(async () => {
    glue?.destroy();
    await moto?.stop();
  });

  it("starts the job with its arguments, waits for the run to end, and returns the JobRun as .sync does", async () => {
    await moto.setTransition("glue::job_run", { progression: "manual", times: 2 });
    sleeps.length = 0;
    const run = await glueStartJobRunSync(glue, "etl", poll)({ dataset: "topics", raw_prefix: "raw/topics/" });
    expect(run).toMatchObject({
      JobName: "etl",
      JobRunState: "SUCCEEDED",
      Arguments: { "--dataset": "topics", "--raw_prefix": "raw/topics/" },
    });
    expect(run.Id).toMatch(/^jr_[0-9a-f]{64}$/);
    expect(typeof run.StartedOn).toBe("number");
    expect(sleeps.length).toBeGreaterThanOrEqual(2);
    expect(sleeps.every((ms) => ms === 250)).toBe(true);
  });

  it("fails with Glue.ConcurrentRunsExceededException when the job is at its concurrent-run limit", async () => {
    await moto.setTransition("glue::job_run", { progression: "manual", times: 100 });
    // a run of the single-run job, still starting
    await glue.send(new StartJobRunCommand({ JobName: "single" }));
    const err = await glueStartJobRunSync(glue, "single", poll)({ dataset: "b" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GlueTaskError);
    expect(err).toMatchObject({ name: "Glue.ConcurrentRunsExceededException" });
    await moto.setTransition("glue::job_run", { progression: "immediate" });
  });

  it("fails with Glue.EntityNotFoundException for a job that does not exist", async () => {
    const err = await glueStartJobRunSync(glue, "nope", poll)({}).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "Glue.EntityNotFoundException" });
  });

  it("reads the job run `show` prints from GetJobRun, found through the history's TaskSubmitted event", async () => {
    const run = await glueStartJobRunSync(glue, "etl", poll)({ dataset: "topics" });
    const glueTask = { resourceType: "glue", resource: "startJobRun.sync" };
    const events = [
      {
        id: 3,
        previousEventId: 2,
        timestamp: "2025-06-01T12:00:00.000Z",
        type: "TaskScheduled",
        taskScheduledEventDetails: { ...glueTask, parameters: JSON.stringify({ JobName: "etl", Arguments: {} }) },
      },
      {
        id: 5,
        previousEventId: 4,
        timestamp: "2025-06-01T12:00:01.000Z",
        type: "TaskSubmitted",
        taskSubmittedEventDetails: { ...glueTask, output: JSON.stringify({ JobRunId: run.Id }) },
      },
    ];
    expect(await etlFromGlue(glue, events)).toMatchObject({
      jobName: "etl",
      runId: run.Id,
      state: "SUCCEEDED",
      executionSeconds: expect.any(Number),
    });
  });
});
