/**
 * One pruned onnxruntime-node install per version and architecture, kept under `.sst/cache/` and
 * copied into each bundle before SST's own `npm install` runs there, which then finds it up to date.
 * Without it every function bundle downloads and unpacks the 290 MB package (all platforms) again.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

/** npm settings for installs into bundles: no install scripts (onnxruntime-node's downloads GPU providers). */
export const BUNDLE_NPMRC = "ignore-scripts=true\nfund=false\naudit=false\n";

const pending = new Map<string, Promise<string>>();

/** The flags SST passes to `npm install` for a Linux function of this architecture. */
const npmFlags = (arch: string) => [
  "--omit=dev",
  "--omit=optional",
  "--force",
  "--platform=linux",
  `--arch=${arch}`,
  "--os=linux",
  `--cpu=${arch}`,
];

async function build(cacheRoot: string, final: string, version: string, arch: "arm64" | "x64", prune: PruneFn) {
  await mkdir(cacheRoot, { recursive: true });
  const staging = await mkdtemp(join(cacheRoot, "staging-"));
  try {
    await writeFile(join(staging, "package.json"), JSON.stringify({ dependencies: { "onnxruntime-node": version } }));
    await writeFile(join(staging, ".npmrc"), BUNDLE_NPMRC);
    await promisify(execFile)("npm", ["install", ...npmFlags(arch)], { cwd: staging });
    await prune(staging, arch);
    // another process may have finished first: keep its copy
    await rename(staging, final).catch(() => undefined);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Removes other platforms' binaries from an install in `dir` (see bundle.ts). */
export type PruneFn = (dir: string, arch: "arm64" | "x64") => Promise<void>;

/**
 * The folder holding a pruned `node_modules` with onnxruntime-node `version` for linux/`arch`,
 * installing it once (per process, and across processes through an atomic rename).
 * @example const dir = await onnxInstall(".sst/cache", "1.30.0", "arm64", pruneOnnxRuntime);
 */
export function onnxInstall(
  cacheRoot: string,
  version: string,
  arch: "arm64" | "x64",
  prune: PruneFn,
): Promise<string> {
  const final = join(cacheRoot, `onnxruntime-node-${version}-linux-${arch}`);
  const binding = join(final, "node_modules", "onnxruntime-node", "bin", "napi-v6", "linux", arch);
  let install = pending.get(final);
  if (!install) {
    install = existsSync(binding)
      ? Promise.resolve(final)
      : build(cacheRoot, final, version, arch, prune).then(() => final);
    pending.set(final, install);
  }
  return install;
}

/** Copies the cached install into a bundle folder, with the npm settings SST's install will read. */
export async function seedBundle(out: string, install: string): Promise<void> {
  await writeFile(join(out, ".npmrc"), BUNDLE_NPMRC);
  await cp(join(install, "node_modules"), join(out, "node_modules"), { recursive: true, verbatimSymlinks: true });
}
