/**
 * Synthesizes the whole SST app offline, as `sst deploy` would, minus AWS: vitest sets
 * NODE_ENV=test, so SST skips its bootstrap lookups. Functions are really bundled (npm installs
 * onnxruntime-node from the registry into the bundles that need it).
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { SynthesisMessage } from "aws-cdk-lib/cx-api";
import { App, getStack } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import config from "../../sst.config.ts";
import { Audit } from "../../stacks/Audit.ts";
import { tollgateApp } from "../../stacks/app.ts";
import { Pipeline } from "../../stacks/Pipeline.ts";
import { Serving } from "../../stacks/Serving.ts";
import { Storage } from "../../stacks/Storage.ts";

export const STACKS = { Storage, Pipeline, Serving, Audit } as const;
export type StackName = keyof typeof STACKS;

/** Serving's handler is written in a later issue; until then the app is synthesized without it. */
export const HAS_PREDICT = existsSync("functions/predict.ts");

/** The synthesized app: templates and messages per stack, and the staged bundles. */
export interface Synthesized {
  stack(name: StackName): Stack;
  template(name: StackName): Template;
  /** Synthesis messages (cdk-nag findings among them) of a stack. */
  messages(name: StackName): SynthesisMessage[];
  /** The stacks that were built. */
  names: StackName[];
  /** The cloud assembly's directory (cdk-nag writes its reports there). */
  outdir: string;
  /** The staged bundle directory of a Lambda's code (its `Code.S3Key` in the template). */
  assetDir(s3Key: string): string;
  seconds: number;
  /** Removes the bundles and the assembly (a few hundred MB). */
  cleanup(): Promise<void>;
}

/**
 * Synthesizes the app for stage `test` in a fake account, through sst.config.ts. With
 * `bundle: false` the functions are not built (SST's placeholder code for inactive stacks): the
 * same resources and policies in a few seconds, for tests that read only the templates.
 */
export async function synthesize(options: { bundle?: boolean } = {}): Promise<Synthesized> {
  const started = performance.now();
  process.env.SST_BUILD_CONCURRENCY ??= "4";
  await initProject({ stage: "test" });
  // bundles go to a fresh folder, so concurrent test runs in one checkout do not share SST's .sst/artifacts
  const artifacts = await mkdtemp(join(tmpdir(), "tollgate-sst-"));
  useProject().paths.artifacts = artifacts;
  const app = new App({
    mode: "deploy",
    stage: "test",
    name: "tollgate",
    region: "us-east-1",
    account: "123456789012",
    ...(options.bundle === false ? { isActiveStack: () => false } : {}),
  });
  if (HAS_PREDICT) await config.stacks(app);
  else tollgateApp(app, { serving: false });
  await app.finish();
  // synthesize once: SST's unique-id aspect fails when the app is synthesized again
  const assembly = app.synth();
  const names = (Object.keys(STACKS) as StackName[]).filter((n) => HAS_PREDICT || n !== "Serving");
  const artifact = (name: StackName) => assembly.getStackArtifact(getStack(STACKS[name]).artifactId);
  const templates = new Map<StackName, Template>();
  return {
    names,
    outdir: assembly.directory,
    seconds: (performance.now() - started) / 1000,
    stack: (name) => getStack(STACKS[name]),
    template(name) {
      const cached = templates.get(name);
      if (cached) return cached;
      const t = Template.fromJSON(artifact(name).template);
      templates.set(name, t);
      return t;
    },
    messages: (name) => artifact(name).messages,
    cleanup: async () => {
      await rm(artifacts, { recursive: true, force: true });
      await rm(assembly.directory, { recursive: true, force: true });
    },
    assetDir: (s3Key) => join(assembly.directory, `asset.${s3Key.replace(/\.zip$/, "")}`),
  };
}
