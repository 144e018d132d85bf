/**
 * `show` of a run whose Etl state ran the Glue job, at the SDK boundary: history pages and the
 * GetJobRun the `etl` line comes from. Mocked because the emulator cannot answer it: moto's
 * `glue:startJobRun.sync` wait fails, so its histories never hold Glue task events. `runs` and
 * `show` otherwise run against the emulator (emulated-stage.test.ts). `runs`' filters: ListExecutions
 * pages (mocked: the emulator would need hundreds of executions for a second page).
 */
import { GetJobRunCommand } from "@aws-sdk/client-glue";
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { describeOf, JOB_RUN, JOB_RUN_ID, RUN } from "./fixtures/stage-run.ts";
import { OUTPUTS, stageBackendFor, tollgate } from "./harness.ts";
import { answerRun, glue, sfn } from "./mocks.ts";

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
});

describe("runs", () => {
  it("filters as the console does while paging ListExecutions, and stops at the first run older than --from", async () => {
    const day = (d: number) => new Date(Date.UTC(2025, 5, d, 12));
    const listed = (name: string, d: number) => ({
      executionArn: describeOf(name).executionArn,
      stateMachineArn: OUTPUTS.StateMachineArn,
      name,
      status: "SUCCEEDED" as const,
      startDate: day(d),
    });
    // newest first, as ListExecutions answers; two pages
    sfn.on(ListExecutionsCommand, { nextToken: undefined }).resolves({
      executions: [listed("topics-6", 6), listed("reviews-5", 5), listed("topics-4", 4)],
      nextToken: "page-2",
    });
    sfn.on(ListExecutionsCommand, { nextToken: "page-2" }).resolves({
      executions: [listed("Topics-3", 3), listed("topics-1", 1)],
      nextToken: "page-3",
    });
    sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
      const name = input.executionArn.split(":").at(-1) ?? "";
      return describeOf(name, { startDate: day(Number(name.split("-")[1])) });
    });

    const out = JSON.parse(
      await tollgate(
        stageBackendFor(),
        "runs",
        "--name",
        "TOPICS",
        "--from",
        "2025-06-02",
        "--to",
        "2025-06-05",
        "--offset",
        "1",
        "--json",
      ),
    ) as { runs: { name: string }[] };

    // topics-4 and Topics-3 match (name in any case, started 2–5 June); --offset 1 skips topics-4
    expect(out.runs.map((r) => r.name)).toEqual(["Topics-3"]);
    // topics-1 (1 June) ends the listing: page 3 is never asked for
    // (the paginator reuses one input object, so the calls are counted, not compared)
    expect(sfn.commandCalls(ListExecutionsCommand)).toHaveLength(2);
    expect(sfn.commandCalls(ListExecutionsCommand)[0]?.args[0].input.maxResults).toBe(1000);
  });
});
