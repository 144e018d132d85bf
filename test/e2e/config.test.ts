/**
 * tollgate.config.json: validated by zod (its JSON Schema committed for editors), the environment
 * over the file over the defaults, `tollgate config` naming each source, and a run through the real
 * engine taking the gate from the file (approval required → pending approval).
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { LocalBackend } from "@tollgate/cli/local-backend";
import { buildProgram } from "@tollgate/cli/program";
import { configJsonSchema, effectiveSettings, withConfigFile } from "@tollgate/core/config-file";
import { readSettings } from "@tollgate/core/settings";
import { planRuns, triggerSettingsOf } from "@tollgate/core/workflow/upload-trigger";
import { readConfig } from "@tollgate/local/config";
import { describe, expect, it } from "vitest";
import { TriggerLambdaSettings } from "../../functions/trigger.ts";
import { readDeploySettings } from "../../stacks/settings.ts";
import { FIXTURE_ENV, tempHome, topicRows, writeJsonl } from "../helpers/topics.ts";

function configFile(content: unknown): string {
  const path = join(tempHome(), "tollgate.config.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("tollgate.config.json", () => {
  it("has its JSON Schema committed, generated from the zod schema", () => {
    expect(JSON.parse(readFileSync("tollgate.config.schema.json", "utf8"))).toEqual(configJsonSchema());
  });

  it("is overridden by the environment and overrides the defaults, each value naming its source", () => {
    const path = configFile({
      $schema: "./tollgate.config.schema.json",
      minAccuracy: 0.9,
      approval: "required",
      seed: 7,
    });
    const { file, settings } = effectiveSettings({ TOLLGATE_CONFIG: path, TOLLGATE_MIN_ACCURACY: "0.7" });
    expect(file).toBe(path);
    const of = (name: string) => settings.find((s) => s.setting === name);
    expect(of("minAccuracy")).toMatchObject({ value: 0.7, source: "environment", env: "TOLLGATE_MIN_ACCURACY" });
    expect(of("approval")).toMatchObject({ value: "required", source: "file" });
    expect(of("seed")).toMatchObject({ value: 7, source: "file" });
    expect(of("minGain")).toMatchObject({ value: 0, source: "default" });
    expect(of("minMacroF1")).toMatchObject({ value: null, source: "unset" });
    // the local runtime and sst deploy read it the same way
    expect(readConfig({ TOLLGATE_CONFIG: path, TOLLGATE_HOME: tempHome() })).toMatchObject({
      minAccuracy: 0.9,
      seed: 7,
    });
    expect(readDeploySettings({ TOLLGATE_CONFIG: path })).toMatchObject({ minAccuracy: 0.9, approval: "required" });
  });

  it("names a bad environment value in a user's words, as every other reader of the settings does", () => {
    expect(() => effectiveSettings({ TOLLGATE_SELECTION_BUDGET: "abc", TOLLGATE_NGRAM_MAX: "3" })).toThrow(
      'configuration is invalid: TOLLGATE_SELECTION_BUDGET (selectionBudget): "abc" is not a number; TOLLGATE_NGRAM_MAX (ngramMax): Too big: expected number to be <=2 (got "3")',
    );
    // an empty variable is unset (the default), not 0
    const { settings } = effectiveSettings({ TOLLGATE_SELECTION_BUDGET: "" });
    expect(settings.find((s) => s.setting === "training.selectionBudget")).toMatchObject({
      value: 3,
      source: "default",
    });
  });

  it("refuses a file with a bad value or an unknown setting, naming them", () => {
    expect(() => withConfigFile({ TOLLGATE_CONFIG: configFile({ minAccuracy: 2 }) })).toThrow(
      /tollgate\.config\.json is invalid: minAccuracy: .*<=1/,
    );
    expect(() => withConfigFile({ TOLLGATE_CONFIG: configFile({ minAcuracy: 0.5 }) })).toThrow(/minAcuracy/);
    expect(() => withConfigFile({ TOLLGATE_CONFIG: configFile("{ nope") })).toThrow(/is not JSON/);
    expect(() => withConfigFile({ TOLLGATE_CONFIG: "/no/such/tollgate.config.json" })).toThrow(/no such file/);
  });

  it("sets the gate of a run: approval required from the file ends the run pending approval", async () => {
    const home = tempHome();
    const env = {
      ...FIXTURE_ENV,
      TOLLGATE_HOME: home,
      TOLLGATE_CONFIG: configFile({ approval: "required", minAccuracy: 0.6 }),
    };
    const out: string[] = [];
    const program = buildProgram({ out: (t) => out.push(t), err: () => {} }, () => new LocalBackend(readConfig(env)));
    await program.parseAsync(["ingest", writeJsonl(topicRows(500, 8)), "--dataset", "topics", "--json"], {
      from: "user",
    });
    const run = JSON.parse(out.join("\n")) as { execution: { status: string; output: unknown } };
    expect(run.execution.status).toBe("SUCCEEDED");
    const output = run.execution.output as {
      gate: { minAccuracy: number; approval: string };
      decision: { decision: string };
    };
    expect(output.gate).toMatchObject({ minAccuracy: 0.6, approval: "required" });
    expect(output.decision.decision).toBe("pending-approval");
  });

  it("tollgate config prints the effective settings and their sources", async () => {
    const path = configFile({ minGain: 0.01, training: { learningRate: 0.5, ngramMax: 1 } });
    const { stdout } = await promisify(execFile)("node", ["--import", "tsx", "packages/cli/src/main.ts", "config"], {
      env: { ...process.env, TOLLGATE_CONFIG: path, TOLLGATE_SEED: "9", TOLLGATE_NGRAM_MAX: "2" },
    });
    expect(stdout).toContain(`config file: ${path}`);
    expect(stdout).toMatch(/^minGain\s+0\.01\s+file\s+TOLLGATE_MIN_GAIN$/m);
    expect(stdout).toMatch(/^seed\s+9\s+environment\s+TOLLGATE_SEED$/m);
    expect(stdout).toMatch(/^minAccuracy\s+0\.5\s+default\s+TOLLGATE_MIN_ACCURACY$/m);
    // the training settings: the file's `training` object, each overridden by its variable
    expect(stdout).toMatch(/^training\.selectionBudget\s+3\s+default\s+TOLLGATE_SELECTION_BUDGET$/m);
    expect(stdout).toMatch(/^training\.learningRate\s+0\.5\s+file\s+TOLLGATE_LEARNING_RATE$/m);
    expect(stdout).toMatch(/^training\.ngramMax\s+2\s+environment\s+TOLLGATE_NGRAM_MAX$/m);
    expect(stdout).toMatch(/^training\.l2\s+-\s+unset\s+TOLLGATE_L2$/m);
  });

  describe("per-dataset overrides (datasets.<name>)", () => {
    const file = () =>
      configFile({
        minAccuracy: 0.6,
        seed: 7,
        datasets: { strict: { minAccuracy: 0.999, minTestRows: 10, seed: 9 }, loose: { approval: "required" } },
      });

    it("are validated by the one schema, naming the dataset and field", () => {
      expect(() =>
        withConfigFile({ TOLLGATE_CONFIG: configFile({ datasets: { strict: { minAccuracy: 2 } } }) }),
      ).toThrow(/datasets\.strict\.minAccuracy/);
      expect(() =>
        withConfigFile({ TOLLGATE_CONFIG: configFile({ datasets: { strict: { logLevel: "info" } } }) }),
      ).toThrow(/logLevel/);
      expect(() => withConfigFile({ TOLLGATE_CONFIG: configFile({ datasets: { "Bad/Name": {} } }) })).toThrow(
        /datasets/,
      );
    });

    it("config --dataset shows each value's source: environment > dataset > file > default", () => {
      const env = { TOLLGATE_CONFIG: file(), TOLLGATE_MIN_TEST_ROWS: "50" };
      const { dataset, settings } = effectiveSettings(env, process.cwd(), "strict");
      expect(dataset).toBe("strict");
      const of = (name: string) => settings.find((s) => s.setting === name);
      expect(of("minAccuracy")).toMatchObject({ value: 0.999, source: "dataset" });
      expect(of("seed")).toMatchObject({ value: 9, source: "dataset" });
      expect(of("minTestRows")).toMatchObject({ value: 50, source: "environment" });
      expect(of("minGain")).toMatchObject({ value: 0, source: "default" });
      // another dataset takes the file's top level
      const other = effectiveSettings(env, process.cwd(), "reviews").settings.find((s) => s.setting === "minAccuracy");
      expect(other).toMatchObject({ value: 0.6, source: "file" });
    });

    it("a run of that dataset takes them locally; `sst deploy` hands the same to the trigger Lambda", async () => {
      const env = { ...FIXTURE_ENV, TOLLGATE_HOME: tempHome(), TOLLGATE_CONFIG: file() };
      const out: string[] = [];
      const program = buildProgram({ out: (t) => out.push(t), err: () => {} }, () => new LocalBackend(readConfig(env)));
      await program.parseAsync(["ingest", writeJsonl(topicRows(300, 8)), "--dataset", "strict", "--json"], {
        from: "user",
      });
      process.exitCode = undefined;
      const run = JSON.parse(out.join("\n")) as { execution: { input: { gate: unknown; seed: number } } };
      expect(run.execution.input.gate).toMatchObject({ minAccuracy: 0.999, minTestRows: 10 });
      expect(run.execution.input.seed).toBe(9);

      // on AWS: the deploy settings carry the resolved map; the trigger Lambda reads it from its environment
      const deploy = readDeploySettings({ TOLLGATE_CONFIG: env.TOLLGATE_CONFIG });
      expect(deploy.datasetSettings.strict).toMatchObject({ gate: { minAccuracy: 0.999 }, seed: 9 });
      expect(deploy.datasetSettings.loose?.gate).toMatchObject({ minAccuracy: 0.6, approval: "required" });
      const lambdaEnv = {
        STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:1:stateMachine:x",
        TOLLGATE_COALESCE_SECONDS: "0",
        TOLLGATE_DATASET_SETTINGS: JSON.stringify(deploy.datasetSettings),
      };
      const settings = triggerSettingsOf(readSettings(TriggerLambdaSettings, lambdaEnv, {}, "trigger"));
      const event = (key: string) => ({
        id: key,
        source: "aws.s3" as const,
        "detail-type": "Object Created" as const,
        time: "2026-11-30T12:00:00Z",
        detail: { bucket: { name: "data" }, object: { key, "version-id": "v1" } },
      });
      const [strict, other] = planRuns([event("raw/strict/a.jsonl"), event("raw/reviews/b.jsonl")], settings);
      expect(strict?.input).toMatchObject({ gate: { minAccuracy: 0.999 }, seed: 9 });
      expect(other?.input).toMatchObject({ gate: { minAccuracy: 0.5 }, seed: 42 });
    });
  });
});
