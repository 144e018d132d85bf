/**
 * cfn-lint (AWS's CloudFormation linter, installed with the emulator's venv by test/moto/setup.sh)
 * on every synthesized template: no errors, and only the warnings kept below, each with its reason.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ensureMoto } from "../../moto/server.ts";
import type { Synthesized } from "../synth.ts";

/** Warnings we keep, by rule id, and why. */
export const KEPT_WARNINGS: Record<string, string> = {
  W3005:
    "CDK adds DependsOn from each function to its role (so the role's policy exists before the function) although the Role GetAtt already implies it; harmless, and not ours to remove from CDK's output",
};

interface Finding {
  Level: "Error" | "Warning" | "Informational";
  Rule: { Id: string };
  Message: string;
  Filename: string;
  Location: { Path: (string | number)[] };
}

/** Runs cfn-lint on template files; cfn-lint exits non-zero when it finds anything, so read its JSON either way. */
async function cfnLint(files: string[]): Promise<Finding[]> {
  const cfnLintBin = join(dirname(ensureMoto()), "cfn-lint");
  const { stdout } = await promisify(execFile)(cfnLintBin, ["--format", "json", ...files], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? "" }));
  return JSON.parse(stdout || "[]") as Finding[];
}

export function describeCfnLint(app: () => Synthesized): void {
  describe("cfn-lint", () => {
    it("finds no error in any template, and only the explained warnings", async () => {
      const files = await Promise.all(
        app().names.map(async (name) => {
          const file = join(app().outdir, `lint-${name}.template.json`);
          await writeFile(file, JSON.stringify(app().template(name).toJSON()));
          return file;
        }),
      );
      const findings = await cfnLint(files);
      const line = (f: Finding) => `${f.Rule.Id} ${f.Location.Path.join("/")}: ${f.Message}`;
      expect(findings.filter((f) => f.Level === "Error").map(line)).toEqual([]);
      expect(findings.filter((f) => f.Level === "Warning" && !(f.Rule.Id in KEPT_WARNINGS)).map(line)).toEqual([]);
    }, 120_000);

    it("reports an error in a broken template (the check can fail)", async () => {
      const broken = structuredClone(app().template("Storage").toJSON()) as { Resources: Record<string, unknown> };
      broken.Resources.Broken = { Type: "AWS::S3::Bucket", Properties: { BucketNam: "x" } };
      const file = join(app().outdir, "lint-broken.template.json");
      await writeFile(file, JSON.stringify(broken));
      expect((await cfnLint([file])).filter((f) => f.Level === "Error").length).toBeGreaterThan(0);
    }, 120_000);
  });
}
