/**
 * Without credentials every AWS command stops with one clear line and a non-zero exit, before
 * any request: checked in-process (no client sends anything) and as a real `tollgate` process
 * started with an empty environment.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../src/program.ts";
import { cloudTrail, glue, registryDoc, s3, sfn } from "./mocks.ts";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const emptyHome = () => mkdtempSync(join(tmpdir(), "tollgate-nocreds-"));
/** Deterministic on any machine: no profile files, and no instance role even on EC2. */
const noCredentials = () => ({ HOME: emptyHome(), AWS_EC2_METADATA_DISABLED: "true" });
const cfn = mockClient(CloudFormationClient);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("no AWS credentials", () => {
  for (const command of [
    ["runs"],
    ["show", "r1"],
    ["models", "--model", "m"],
    ["predict", "hi", "--model", "m"],
    ["audit", "r1"],
  ]) {
    it(`\`--stage prod ${command.join(" ")}\` fails with NoCredentialsError and sends nothing`, async () => {
      for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) vi.stubEnv(key, undefined);
      for (const [key, value] of Object.entries(noCredentials())) vi.stubEnv(key, value);
      const program = buildProgram({ out: () => {}, err: () => {} });

      await expect(program.parseAsync(["--stage", "prod", ...command], { from: "user" })).rejects.toMatchObject({
        name: "NoCredentialsError",
        message: expect.stringMatching(/^no AWS credentials for stage prod: set AWS_PROFILE/),
      });
      for (const mock of [sfn, glue, cloudTrail, s3, registryDoc, cfn]) expect(mock.calls()).toHaveLength(0);
    });
  }

  it("the tollgate process prints one line and exits 1, with --stage or TOLLGATE_STAGE", async () => {
    const run = (args: string[], env: Record<string, string>) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "packages/cli/src/main.ts", ...args], {
        cwd: root,
        env,
      }).then(
        () => ({ code: 0, stdout: "", stderr: "" }),
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
    const [flag, variable] = await Promise.all([
      run(["--stage", "prod", "runs"], noCredentials()),
      run(["models", "--json"], { ...noCredentials(), TOLLGATE_STAGE: "prod" }),
    ]);
    for (const result of [flag, variable]) {
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr.split("\n").filter(Boolean)).toEqual([
        "tollgate: NoCredentialsError: no AWS credentials for stage prod: set AWS_PROFILE (and run `aws sso login` if it uses SSO) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      ]);
    }
  });
});
