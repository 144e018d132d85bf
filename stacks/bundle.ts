/**
 * Function bundle hooks: onnxruntime-node is installed into the bundle by npm (SST's
 * `nodejs.install`, never bundled by esbuild), then pruned to the one Linux binary of the
 * function's architecture; every bundle is then measured against Lambda's unzipped limit.
 */
import { lstat, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { FunctionProps } from "sst/constructs";
import { useProject } from "sst/project.js";
import { onnxInstall, seedBundle } from "./onnx-cache.ts";

/** Lambda's limit for a function's unzipped deployment package (250 MB). */
export const LAMBDA_UNZIPPED_LIMIT_BYTES = 262_144_000;

/** The onnxruntime-node version the bundles must carry (the one packages/core is tested with). */
export const ONNXRUNTIME_VERSION = "1.30.0";

/** A function bundle is larger than Lambda accepts: the build stops. */
export class BundleTooLargeError extends Error {
  constructor(
    readonly dir: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`bundle ${dir} is ${(bytes / 1e6).toFixed(1)} MB unzipped, over the ${(limit / 1e6).toFixed(1)} MB limit`);
    this.name = "BundleTooLargeError";
  }
}

/** The bundle does not carry what the function needs to load onnxruntime. */
export class BundleContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundleContentError";
  }
}

/** Total size in bytes of the files under `dir` (symlinks counted as links, as zip stores them). */
export async function bundleSizeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await bundleSizeBytes(path) : (await lstat(path)).size;
  }
  return total;
}

/**
 * Fails when the bundle in `dir` exceeds `limit` bytes unzipped.
 * @example await assertBundleSize(".sst/artifacts/abc", LAMBDA_UNZIPPED_LIMIT_BYTES) // 28_311_552
 * @throws BundleTooLargeError
 */
export async function assertBundleSize(dir: string, limit = LAMBDA_UNZIPPED_LIMIT_BYTES): Promise<number> {
  const bytes = await bundleSizeBytes(dir);
  if (bytes > limit) throw new BundleTooLargeError(dir, bytes, limit);
  return bytes;
}

/**
 * Removes every onnxruntime-node binary but `linux/<arch>`, and checks the kept one and the version.
 * @throws BundleContentError when the binary for `arch` or the pinned version is missing.
 */
export async function pruneOnnxRuntime(dir: string, arch: "arm64" | "x64"): Promise<void> {
  const pkg = join(dir, "node_modules", "onnxruntime-node");
  const { version } = JSON.parse(await readFile(join(pkg, "package.json"), "utf8")) as { version: string };
  if (version !== ONNXRUNTIME_VERSION) {
    throw new BundleContentError(
      `bundle ${dir} has onnxruntime-node ${version}, expected ${ONNXRUNTIME_VERSION}: pin it in functions/package.json`,
    );
  }
  const napi = join(pkg, "bin", "napi-v6");
  for (const platform of await readdir(napi)) {
    if (platform !== "linux") {
      await rm(join(napi, platform), { recursive: true, force: true });
      continue;
    }
    for (const cpu of await readdir(join(napi, platform))) {
      if (cpu !== arch) await rm(join(napi, platform, cpu), { recursive: true, force: true });
    }
  }
  const binding = join(napi, "linux", arch, "onnxruntime_binding.node");
  if (!(await lstat(binding).catch(() => undefined))) throw new BundleContentError(`bundle ${dir} lacks ${binding}`);
}

/** The Node.js architecture name of a function's `architecture` prop. */
const archOf = (props: FunctionProps): "arm64" | "x64" => (props.architecture === "arm_64" ? "arm64" : "x64");

/**
 * Bundle props for a function: every bundle is size-checked; with `onnx`, onnxruntime-node is
 * installed into the bundle by npm (seeded from a pruned install in `.sst/cache/`, install scripts
 * off), never bundled by esbuild, and pruned to the function's linux binary.
 * @example new Function(stack, "Evaluate", { handler, architecture: "arm_64", ...bundleProps({ onnx: true }) });
 */
export function bundleProps(options: { onnx: boolean; limit?: number }): Pick<FunctionProps, "nodejs" | "hooks"> {
  const limit = options.limit ?? LAMBDA_UNZIPPED_LIMIT_BYTES;
  // no source maps: SST would upload them with its own custom resource, outside these stacks' roles
  if (!options.onnx) {
    return {
      nodejs: { sourcemap: false },
      hooks: { afterBuild: async (_props, out) => void (await assertBundleSize(out, limit)) },
    };
  }
  return {
    nodejs: { sourcemap: false, install: ["onnxruntime-node"] },
    hooks: {
      beforeBuild: async (props, out) => {
        const cache = join(useProject().paths.out, "cache");
        await seedBundle(out, await onnxInstall(cache, ONNXRUNTIME_VERSION, archOf(props), pruneOnnxRuntime));
      },
      afterBuild: async (props, out) => {
        await pruneOnnxRuntime(out, archOf(props));
        await assertBundleSize(out, limit);
      },
    },
  };
}
