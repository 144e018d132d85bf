/**
 * Plain-JavaScript bundles of TypeScript entry modules, built by esbuild once per install into a
 * cache directory, for processes and threads that would otherwise boot through tsx (its loader-hooks
 * thread and the transpiling of every module, each time): the Map Run worker (packages/local
 * engine/map-run/pool.ts), the trainer's threads (ml/threads.ts), and the CLI's and the demo's own
 * process (scripts/launch.mjs, which looks its bundle up with bundle-lookup.mjs, plain JavaScript).
 *
 * Only the project's own modules are bundled, with splitting (a module shared by two entries stays
 * one instance); packages (native ones included) stay external, imported by absolute path from
 * where they are installed; each bundled module keeps its own `import.meta.url`, so every path
 * computed from it is the same as from the sources. A bundle's directory is named by a sha256 of
 * every input file (listed by esbuild) and of this file (both recorded in `<key>.json`): a change to any of them makes a new bundle
 * (older ones are removed after an hour). If esbuild is missing or fails, there is no bundle and
 * the caller boots through tsx.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildRecord, type BundleEntries, bundleKey, currentBundle, inputsDigest } from "./bundle-lookup.mjs";

export type { BundleEntries };

/** Per bundle key: the build under way (once per process). */
const building = new Map<string, Promise<BundleEntries | undefined>>();

/**
 * The current bundle of `entries` in `cacheDir` (a lookup: a few ms), or undefined while there is
 * none: its build is then started in the background (once per process; {@link bundleReady} awaits it).
 * @example const bundle = cachedBundle({ worker: "/src/worker.ts" }, cacheDir); // { worker: "/…/worker.mjs" }
 */
export function cachedBundle(entries: BundleEntries, cacheDir: string): BundleEntries | undefined {
  const current = currentBundle(entries, cacheDir);
  if (!current) void bundleReady(entries, cacheDir);
  return current;
}

/** The bundle of `entries`, built if needed; undefined when it cannot be built. */
export function bundleReady(entries: BundleEntries, cacheDir: string): Promise<BundleEntries | undefined> {
  const current = currentBundle(entries, cacheDir);
  if (current) return Promise.resolve(current);
  const key = bundleKey(entries);
  let pending = building.get(key);
  if (!pending) {
    pending = build(entries, cacheDir, key).then(
      () => currentBundle(entries, cacheDir),
      () => undefined,
    );
    building.set(key, pending);
    void pending.then(() => building.delete(key));
  }
  return pending;
}

async function build(entries: BundleEntries, cacheDir: string, key: string): Promise<void> {
  // The name is not a literal, so that a bundle of this module (a Lambda's) never pulls esbuild in.
  const name = "esbuild";
  const esbuild = (await import(name)) as typeof import("esbuild");
  const tmp = join(cacheDir, `${key}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(cacheDir, { recursive: true });
  try {
    const out = await esbuild.build({
      entryPoints: entries,
      outdir: tmp,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: `node${process.versions.node.split(".")[0]}`,
      metafile: true,
      // <chunk>.mjs.map beside each chunk, without the sources (they are on disk): a process that
      // enables source maps (scripts/launch.mjs) shows the .ts files and lines in its stack traces
      sourcemap: "linked",
      sourcesContent: false,
      absWorkingDir: "/",
      logLevel: "silent",
      plugins: [packagesWhereInstalled, ownMetaUrl],
    });
    // This file is an input too, so that a change to how bundles are made rebuilds them.
    const bundled = Object.keys(out.metafile.inputs).map((input) => join("/", input));
    const inputs = [...new Set([fileURLToPath(import.meta.url), ...bundled])];
    const dir = `${key}-${inputsDigest(inputs)}`;
    try {
      renameSync(tmp, join(cacheDir, dir));
    } catch (err) {
      if (!existsSync(join(cacheDir, dir))) throw err; // else another process made the same bundle first
    }
    const record = join(cacheDir, `${key}.json.tmp-${process.pid}`);
    writeFileSync(record, JSON.stringify({ inputs, dir } satisfies BuildRecord));
    renameSync(record, join(cacheDir, `${key}.json`));
    pruneOlder(cacheDir, key, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Removes this key's bundles other than `dir` unused for an hour (a process may still import from a recent one). */
function pruneOlder(cacheDir: string, key: string, dir: string): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (name.startsWith(`${key}-`) && name !== dir && statSync(path).mtimeMs < hourAgo)
      rmSync(path, { recursive: true, force: true });
  }
}

/** Packages (not `@tollgate/*`) are imported by absolute path from where esbuild resolves them. */
const packagesWhereInstalled: import("esbuild").Plugin = {
  name: "tollgate-packages-where-installed",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === "resolving" || args.path.startsWith("@tollgate/")) return undefined;
      if (args.path.startsWith("node:") || builtinModules.includes(args.path)) return { external: true };
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "resolving",
      });
      return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path, external: true };
    });
  },
};

// Spelled so that this file, bundled itself (the trainer's threads import it), does not rewrite its own code.
const META_URL = ["import", "meta", "url"].join(".");

/** Each bundled module's `import.meta.url` stays its source file's URL. */
const ownMetaUrl: import("esbuild").Plugin = {
  name: "tollgate-own-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (args.path.includes("/node_modules/")) return undefined;
      const source = readFileSync(args.path, "utf8");
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll(META_URL, url), loader: "ts" };
    });
  },
};
