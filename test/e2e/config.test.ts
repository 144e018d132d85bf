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
import { readConfig } from "@tollgate/local/config";
import { describe, expect, it } from "vitest";
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
    const path = configFile({ minGain: 0.01 });
    const { stdout } = await promisify(execFile)("node", ["--import", "tsx", "packages/cli/src/main.ts", "config"], {
      env: { ...process.env, TOLLGATE_CONFIG: path, TOLLGATE_SEED: "9" },
    });
    expect(stdout).toContain(`config file: ${path}`);
    expect(stdout).toMatch(/^minGain\s+0\.01\s+file\s+TOLLGATE_MIN_GAIN$/m);
    expect(stdout).toMatch(/^seed\s+9\s+environment\s+TOLLGATE_SEED$/m);
    expect(stdout).toMatch(/^minAccuracy\s+0\.5\s+default\s+TOLLGATE_MIN_ACCURACY$/m);
  });
});
