/** stacks/bundle.ts: the bundle size check and the onnxruntime-node pruning, alone and inside an SST build. */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Function as SstFunction, type StackContext } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertBundleSize,
  BundleContentError,
  BundleTooLargeError,
  bundleProps,
  bundleSizeBytes,
  ONNXRUNTIME_VERSION,
  pruneOnnxRuntime,
} from "../../stacks/bundle.ts";
import { seedBundle } from "../../stacks/onnx-cache.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tollgate-bundle-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A fake installed onnxruntime-node with one binary per platform and architecture. */
async function fakeOnnxBundle(root: string, version = ONNXRUNTIME_VERSION): Promise<string> {
  const pkg = join(root, "node_modules", "onnxruntime-node");
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, "package.json"), JSON.stringify({ name: "onnxruntime-node", version }));
  for (const target of ["darwin/arm64", "linux/arm64", "linux/x64", "win32/x64"]) {
    await mkdir(join(pkg, "bin", "napi-v6", target), { recursive: true });
    await writeFile(join(pkg, "bin", "napi-v6", target, "onnxruntime_binding.node"), Buffer.alloc(1000));
  }
  return join(pkg, "bin", "napi-v6");
}

describe("bundle size check", () => {
  it("adds up every file under the bundle", async () => {
    const root = join(dir, "sized");
    await mkdir(join(root, "a", "b"), { recursive: true });
    await writeFile(join(root, "handler.mjs"), Buffer.alloc(300));
    await writeFile(join(root, "a", "b", "lib.node"), Buffer.alloc(700));
    expect(await bundleSizeBytes(root)).toBe(1000);
  });

  it("passes a bundle at the limit and fails one byte over, naming the bundle and sizes", async () => {
    const root = join(dir, "sized");
    await expect(assertBundleSize(root, 1000)).resolves.toBe(1000);
    const failure = assertBundleSize(root, 999);
    await expect(failure).rejects.toBeInstanceOf(BundleTooLargeError);
    await expect(failure).rejects.toThrow(`bundle ${root} is 0.0 MB unzipped, over the 0.0 MB limit`);
  });
});

describe("onnxruntime-node pruning", () => {
  it("keeps only the Linux binary of the function's architecture", async () => {
    const napi = await fakeOnnxBundle(join(dir, "prune"));
    await pruneOnnxRuntime(join(dir, "prune"), "arm64");
    expect(await readdir(napi)).toEqual(["linux"]);
    expect(await readdir(join(napi, "linux"))).toEqual(["arm64"]);
  });

  it("fails when the installed version is not the pinned one", async () => {
    await fakeOnnxBundle(join(dir, "drift"), "1.99.0");
    await expect(pruneOnnxRuntime(join(dir, "drift"), "arm64")).rejects.toBeInstanceOf(BundleContentError);
  });

  it("fails when the binary for the architecture is missing", async () => {
    const napi = await fakeOnnxBundle(join(dir, "missing"));
    await rm(join(napi, "linux", "arm64"), { recursive: true });
    await expect(pruneOnnxRuntime(join(dir, "missing"), "arm64")).rejects.toThrow(/lacks .*linux\/arm64/);
  });

  it("pins the onnxruntime-node version packages/core is tested with", async () => {
    const core = JSON.parse(await readFile("packages/core/package.json", "utf8"));
    expect(ONNXRUNTIME_VERSION).toBe(core.dependencies["onnxruntime-node"]);
  });

  it("installs with npm's install scripts off (onnxruntime-node's would download GPU providers)", async () => {
    const cached = join(dir, "cache");
    await mkdir(join(cached, "node_modules", "onnxruntime-node"), { recursive: true });
    const out = join(dir, "seeded");
    await mkdir(out);
    await seedBundle(out, cached);
    expect(await readFile(join(out, ".npmrc"), "utf8")).toContain("ignore-scripts=true");
    expect(existsSync(join(out, "node_modules", "onnxruntime-node"))).toBe(true);
    expect(bundleProps({ onnx: true }).nodejs?.install).toEqual(["onnxruntime-node"]);
  });
});

describe("inside an SST build", () => {
  it("stops synthesis when a function bundle is over the limit", async () => {
    await initProject({ stage: "test" });
    useProject().paths.artifacts = join(dir, "artifacts");
    const app = new App({ mode: "deploy", stage: "test", name: "tollgate", region: "us-east-1", account: "1" });
    app.stack(function Tiny({ stack }: StackContext) {
      new SstFunction(stack, "Trigger", {
        handler: "functions/trigger.handler",
        architecture: "arm_64",
        ...bundleProps({ onnx: false, limit: 1024 }),
      });
    });
    await expect(app.finish()).rejects.toThrow(/bundle .* is \d+\.\d MB unzipped, over the 0\.0 MB limit/);
    expect(existsSync(join(dir, "artifacts"))).toBe(true);
  }, 120_000);
});
