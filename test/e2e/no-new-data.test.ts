/**
 * An upload with nothing new (an empty file, or one whose rows are all quarantined) leaves the live
 * model alone: the run ends with "no new data" (CheckNewData → NewData → NoNewData), nothing is
 * trained, promoted or retired. `run --force` trains anyway, and the gate decides.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../helpers/topics.ts";

const home = tempHome();
const env = { TOLLGATE_HOME: home, TOLLGATE_MIN_ACCURACY: "0.8", ...FIXTURE_ENV };

const { tollgate, json } = localCli(env);

interface Models {
  live: { version: string };
  versions: { version: string; status: string }[];
}
interface Run {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: the run output is read field by field below
  execution: { status: string; output: any };
}

let live: string;
beforeAll(async () => {
  await json("ingest", writeJsonl(topicRows(500, 11)), "--dataset", "topics");
  live = (await json<Models>("models")).live.version;
});

describe("an upload with nothing new", () => {
  it.each([
    ["an empty file", ""],
    ["a file whose rows are all quarantined", '{"text": "", "label": "animal"}\nnot json\n{"label": "x"}\n'],
  ])("(%s) ends with no new data: no training, the live model stays live and is not retired", async (_, body) => {
    const file = join(tempHome(), "nothing.jsonl");
    writeFileSync(file, body);
    const run = await json<Run>("ingest", file, "--dataset", "topics");
    expect(run.execution.status).toBe("SUCCEEDED");
    const output = run.execution.output;
    expect(output.check).toMatchObject({ unchanged: true, live });
    expect(output.trained).toBeUndefined();
    const models = await json<Models>("models");
    expect(models.live.version).toBe(live);
    expect(models.versions.filter((v) => v.status === "live").map((v) => v.version)).toEqual([live]);
    expect(models.versions).toHaveLength(1);
    const shown = await tollgate("show", run.name);
    expect(shown).toMatch(/^NoNewData\s+Succeed\s+succeeded/m);
    expect(shown).toMatch(
      /^decision\s+NO-NEW-DATA: no new data: dataset \w+ and training settings \w+ are those of live /m,
    );
    const { runs } = await json<{ runs: { name: string; decision: string }[] }>("runs");
    expect(runs.find((r) => r.name === run.name)?.decision).toBe("no-new-data");
  });

  it("run --force trains anyway, and the gate decides", async () => {
    const run = await json<Run>("run", "--dataset", "topics", "--force");
    expect(run.execution.status).toBe("SUCCEEDED");
    const output = run.execution.output;
    expect(output.check).toMatchObject({ unchanged: false, live });
    expect(output.check.reason).toMatch(/retraining as forced/);
    // Same data and seed: the same accuracy as the live model, which minGain 0 lets through.
    expect(output.evaluation.accuracy).toBe(output.evaluation.live.accuracy);
    expect(output.decision.decision).toBe("promoted");
    const models = await json<Models>("models");
    expect(models.live.version).toBe(output.trained.modelVersion);
  });
});
