/**
 * `show` of a run whose Etl state ran the Glue job, at the SDK boundary: history pages and the
 * GetJobRun the `etl` line comes from. Mocked because the emulator cannot answer it: moto's
 * `glue:startJobRun.sync` wait fails, so its histories never hold Glue task events. `runs` and
 * `show` otherwise run against the emulator (emulated-stage.test.ts).
 */
import { GetJobRunCommand } from "@aws-sdk/client-glue";
import { GetExecutionHistoryCommand } from "@aws-sdk/client-sfn";
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
