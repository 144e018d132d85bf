/**
 * Training settings (tollgate.config.json `training`) through the real engine: a pinned learning
 * rate and a selection budget of 1 change what Train does (no candidates, the pinned rate in the
 * model), the run records them (show's "chosen" line, models show, the model card), changing them
 * retrains on the same data, and the same settings again are "no new data".
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { withConfigFile } from "@tollgate/core/config-file";
import { beforeAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../helpers/topics.ts";

const home = tempHome();
const config = join(tempHome(), "tollgate.config.json");
const env = { TOLLGATE_HOME: home, TOLLGATE_CONFIG: config, TOLLGATE_MIN_ACCURACY: "0.5", ...FIXTURE_ENV };

interface Run {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: the run output is read field by field below
  execution: { status: string; input: any; output: any };
}

const writeConfig = (content: unknown) => writeFileSync(config, JSON.stringify(content));

let searched: Run;
beforeAll(async () => {
  writeConfig({});
  searched = await localCli(env).json<Run>("ingest", writeJsonl(topicRows(400, 21)), "--dataset", "topics");
});

describe("training settings in a run", () => {
  it("by default, Train searches on validation within the default budget of 3", () => {
    expect(searched.execution.status).toBe("SUCCEEDED");
    expect(searched.execution.input.trainingOptions).toEqual({ selectionBudget: 3 });
    const selection = searched.execution.output.trained.selection;
    expect(selection.candidates).toBeGreaterThan(1);
    expect(selection.pinned).toEqual([]);
  });

  it("a pinned learning rate and a budget of 1: one plain fit with that rate, shown as pinned; the same again is no new data", async () => {
    writeConfig({ training: { learningRate: 0.25, selectionBudget: 1 } });
    const cli = localCli(env);

    const run = await cli.json<Run>("run", "--dataset", "topics");

    expect(run.execution.status).toBe("SUCCEEDED");
    expect(run.execution.input.trainingOptions).toEqual({ selectionBudget: 1, learningRate: 0.25 });
    // same data, other settings: CheckNewData lets it train
    expect(run.execution.output.check).toMatchObject({ unchanged: false });
    expect(run.execution.output.check.reason).toMatch(/other training settings/);
    expect(run.execution.output.check.trainingSettings).not.toBe(searched.execution.output.check.trainingSettings);
    const selection = run.execution.output.trained.selection;
    expect(selection).toMatchObject({ learningRate: 0.25, l2: 1e-6, candidates: 0, passes: 0, budget: 1 });
    expect(selection.pinned).toEqual(["learningRate"]);
    const version = run.execution.output.trained.modelVersion as string;

    const shown = await cli.tollgate("show", run.name);
    expect(shown).toMatch(
      /^chosen\s+learning rate 0\.25 \(pinned\)\s+L2 0\.000001\s+n-grams 1–2\s+min df 2\s+\(no search: selection budget 1\)$/m,
    );
    const detail = await cli.tollgate("models", "show", version);
    expect(detail).toMatch(/^training\s+learning rate 0\.25 \(pinned\)\s+L2 0\.000001\s+n-grams 1–2\s/m);
    expect(detail).toMatch(/no search: every value pinned, or selection budget 1/);
    const card = await cli.json<{ card: { training: { learningRate: number }; settings: { pinned: unknown } } }>(
      "models",
      "show",
      version,
    );
    expect(card.card.training.learningRate).toBe(0.25);
    expect(card.card.settings.pinned).toEqual({ learningRate: 0.25 });

    // the same data and settings again: nothing new to train
    const again = await cli.json<Run>("run", "--dataset", "topics");
    expect(again.execution.output.check).toMatchObject({ unchanged: true });
  });

  it("per-dataset training settings (datasets.<name>.training) reach that dataset's run input, checked by the one schema", async () => {
    writeConfig({ training: { l2: 1e-5 }, datasets: { topics: { training: { ngramMax: 1, selectionBudget: 2 } } } });
    const run = await localCli(env).json<Run>("run", "--dataset", "topics", "--force");
    expect(run.execution.input.trainingOptions).toEqual({ selectionBudget: 2, l2: 1e-5, ngramMax: 1 });
    const selection = run.execution.output.trained.selection;
    expect(selection).toMatchObject({ l2: 1e-5, ngramMax: 1, budget: 2 });
    expect(selection.pinned).toEqual(["l2", "ngramMax"]);
    // rung 0: 3 learning rates (n-grams and L2 pinned); rung 1: the best one again, on more rows
    expect(selection.candidates).toBe(4);

    writeConfig({ datasets: { topics: { training: { ngramMax: 3, rate: 1 } } } });
    expect(() => withConfigFile({ TOLLGATE_CONFIG: config })).toThrow(
      /is invalid: datasets\.topics\.training\.ngramMax: Too big: expected number to be <=2; datasets\.topics\.training: Unrecognized key: "rate"/,
    );
  });
});
