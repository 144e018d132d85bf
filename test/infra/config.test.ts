/**
 * sst.config.ts loads the way `sst deploy` loads it: esbuild bundles the config and the stacks, keeps
 * packages external, and plain Node (no tsx) imports the result. A runtime import of a TypeScript-only
 * workspace package from stacks/ would pass the other tests (vitest compiles it) and break deploys.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { readDeploySettings, readServingSettings } from "../../stacks/settings.ts";

const LOAD = `
import { Stacks } from "sst/stacks/index.js";
const [, config] = await Stacks.load("sst.config.ts");
process.stdout.write(JSON.stringify({ stacks: typeof config.stacks, config: config.config({}) }));
`;

describe("sst.config.ts", () => {
  it("loads under plain Node as the SST CLI loads it", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", LOAD], {
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(JSON.parse(stdout)).toEqual({
      stacks: "function",
      config: { name: "tollgate", region: expect.any(String) },
    });
  }, 60_000);
});

describe("deploy settings", () => {
  it("default to a 120 s coalescing window and the local runtime's gate", () => {
    expect(readDeploySettings({})).toEqual({
      coalesceSeconds: 120,
      minAccuracy: 0.5,
      minGain: 0,
      minTestRows: 200,
      approval: "auto",
      seed: 42,
      selectionBudget: 3, // the training options: the budget only (nothing pinned)
      mapConcurrency: 100,
      rowsPerChild: 1_000_000,
      specSampleRows: 1_000_000,
      logLevel: "info",
      datasetSettings: {}, // no tollgate.config.json `datasets`
    });
  });

  it("reject a window SQS cannot delay by, naming the variable", () => {
    expect(() => readDeploySettings({ TOLLGATE_COALESCE_SECONDS: "901" })).toThrow(/TOLLGATE_COALESCE_SECONDS/);
  });

  it("require the served model's name for Serving", () => {
    expect(() => readServingSettings({})).toThrow(/TOLLGATE_MODEL/);
    expect(readServingSettings({ TOLLGATE_MODEL: "topics" })).toEqual({ modelName: "topics" });
  });
});
