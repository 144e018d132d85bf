/**
 * One settings schema (packages/core/src/settings.ts): every process reads its settings through a
 * `.pick()` of it (or an `.extend()` that only changes a default), and no other file defines an
 * environment schema of its own.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { InvalidInputError } from "@tollgate/core/errors";
import { ServingConfig } from "@tollgate/core/serving/config";
import { readSettings, SETTINGS_ENV, Settings, settingsEnv } from "@tollgate/core/settings";
import { LocalConfig } from "@tollgate/local/config";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { LambdaSettings } from "../../functions/aws.ts";
import { TriggerLambdaSettings } from "../../functions/trigger.ts";
import { StageRunSettings } from "../../packages/aws/src/stage/connect.ts";
import { LoggerSettings } from "../../packages/core/src/logger.ts";
import { DeploySettings, ServingSettings } from "../../stacks/settings.ts";

/** Every process's settings schema, by process. */
const PROCESSES: Record<string, z.ZodObject> = {
  "local runtime and CLI (packages/local/src/config.ts)": LocalConfig,
  "serving: tollgate serve and the predict Lambda (core/serving/config.ts)": ServingConfig,
  "step Lambdas (functions/aws.ts)": LambdaSettings,
  "trigger Lambda (functions/trigger.ts)": TriggerLambdaSettings,
  "CLI against a stage (aws/src/stage/connect.ts)": StageRunSettings,
  "logger (core/logger.ts)": LoggerSettings,
  "sst deploy (stacks/settings.ts)": DeploySettings,
  "Serving stack (stacks/settings.ts)": ServingSettings,
};

/** The schema under a default or an optional, down to the field's own definition. */
function base(schema: z.ZodType): z.ZodType {
  const def = (schema as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
  return def.type === "default" || def.type === "optional" ? base(def.innerType as z.ZodType) : schema;
}

describe("the one settings schema", () => {
  it.each(Object.entries(PROCESSES))("%s takes its fields from it", (_, schema) => {
    for (const [field, fieldSchema] of Object.entries(schema.shape)) {
      expect(Object.keys(Settings.shape), field).toContain(field);
      const own = Settings.shape[field as keyof Settings];
      // a pick keeps the very same field object; an extend may only put another default on the same definition
      if (fieldSchema !== own) expect(base(fieldSchema as z.ZodType), field).toBe(base(own));
    }
  });

  it("gives every field a description and an environment key", () => {
    for (const [field, schema] of Object.entries(Settings.shape)) {
      expect(schema.description, field).toBeTruthy();
      expect(SETTINGS_ENV[field as keyof Settings], field).toMatch(/^[A-Z][A-Z0-9_]+$/);
    }
  });

  it("is the only environment schema in the source", () => {
    const files = execFileSync("git", ["ls-files", "*.ts"], { encoding: "utf8" }).trim().split("\n");
    const envSchema = /z\.object\(\{\s*(?:\/\/[^\n]*\s*)*[A-Z][A-Z0-9]*_[A-Z0-9_]+:/;
    const offenders = files.filter((f) => !f.includes("/test/") && envSchema.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("reads unset and empty variables as the default, and lets overrides win", () => {
    const Run = Settings.pick({ coalesceSeconds: true, seed: true, minGain: true });
    expect(readSettings(Run, { TOLLGATE_SEED: "", TOLLGATE_MIN_GAIN: "0.25" }, { coalesceSeconds: 30 })).toEqual({
      coalesceSeconds: 30,
      seed: 42,
      minGain: 0.25,
    });
  });

  it("throws InvalidInputError naming the variable and the field of each problem", () => {
    const Run = Settings.pick({ coalesceSeconds: true, stateMachineArn: true });
    const read = () => readSettings(Run, { TOLLGATE_COALESCE_SECONDS: "901" }, {}, "trigger environment");
    expect(read).toThrow(InvalidInputError);
    expect(read).toThrowErrorMatchingInlineSnapshot(
      `[InvalidInputError: trigger environment is invalid: TOLLGATE_COALESCE_SECONDS (coalesceSeconds): Too big: expected number to be <=900 (got "901"); STATE_MACHINE_ARN (stateMachineArn): not set (required)]`,
    );
  });

  it("says in a user's words what is wrong with a number, with the value given", () => {
    const Seed = Settings.pick({ seed: true });
    const problem = (value: string) => () => readSettings(Seed, { TOLLGATE_SEED: value });
    expect(problem("abc")).toThrow(/^configuration is invalid: TOLLGATE_SEED \(seed\): "abc" is not a number$/);
    expect(problem("1.5")).toThrow(/: "1\.5" is not a whole number$/);
    expect(problem("-3")).toThrow(/: Too small: expected number to be >=0 \(got "-3"\)$/);
    // A huge value is shown by its start, so the error stays one short line.
    expect(problem("9".repeat(5000))).toThrow(/: "9{40}…" is not a number$/);
  });

  it("writes a deployed function's environment under the same keys", () => {
    expect(settingsEnv({ dataBucket: "b", coalesceSeconds: 60, logLevel: "info" })).toEqual({
      DATA_BUCKET: "b",
      TOLLGATE_COALESCE_SECONDS: "60",
      TOLLGATE_LOG_LEVEL: "info",
    });
  });
});
