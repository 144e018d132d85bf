/**
 * The Map Run worker as plain JavaScript: from TypeScript sources (local runs, tests) the worker
 * entry and the child runtime module are bundled by esbuild once per install, into
 * `node_modules/.cache/tollgate/map-worker-<entries>-<sources>/`, and workers are forked on that
 * bundle with no loader: a worker then boots without tsx (its loader-hooks thread and the
 * transpiling of every module, per worker process).
 *
 * Only the project's own modules are bundled; packages (native ones included) stay external,
 * imported from where they are installed, and each bundled module keeps its own `import.meta.url`,
 * so every path computed from it (the definition, the trainer's thread modules) is the same as
 * from the sources. The directory is named by a sha256 of every input file (listed by esbuild) and
 * of this file: a change to any of them builds a new bundle (older ones are removed after an hour). A process that
 * finds no current bundle starts the build in the background and boots its workers through tsx
 * until the bundle is there; if esbuild is missing or fails, workers keep booting through tsx.
 */
import { hash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { INSTALL_CACHE } from "../../install-cache.ts";

/** Where a worker boots from: its entry file, and the runtime module URL it is sent. */
export interface WorkerBundle {
  worker: string;
  runtime: string;
}

/** What a build recorded: the input files and the directory their digest names. */
interface BuildRecord {
  inputs: string[];
  dir: string;
}

const THIS_FILE = fileURLToPath(import.meta.url);
/** Per bundle key: the build under way (once per process). */
const building = new Map<string, Promise<WorkerBundle | undefined>>();

const keyOf = (worker: string, runtime: string) =>
  `map-worker-${hash("sha256", `${worker}\n${runtime}`, "hex").slice(0, 16)}`;

/**
 * The current bundle of `worker` + `runtime` (paths of TypeScript modules), or undefined while
 * there is none: its build is then started (once per process; {@link bundleReady} awaits it).
 * @example const bundle = workerBundle(WORKER, fileURLToPath(spec.module)); fork(bundle?.worker ?? WORKER, …)
 */
export function workerBundle(worker: string, runtime: string, cacheDir = INSTALL_CACHE): WorkerBundle | undefined {
  if (!worker.endsWith(".ts") || !runtime.endsWith(".ts")) return undefined;
  const current = currentBundle(cacheDir, keyOf(worker, runtime));
  if (!current) void bundleReady(worker, runtime, cacheDir);
  return current;
}

/** The bundle of `worker` + `runtime`, built if needed; undefined when it cannot be built. */
export function bundleReady(
  worker: string,
  runtime: string,
  cacheDir = INSTALL_CACHE,
): Promise<WorkerBundle | undefined> {
  const key = keyOf(worker, runtime);
  const current = currentBundle(cacheDir, key);
  if (current) return Promise.resolve(current);
  let pending = building.get(key);
  if (!pending) {
    pending = build(worker, runtime, cacheDir, key).then(
      () => currentBundle(cacheDir, key),
      () => undefined,
    );
    building.set(key, pending);
    void pending.then(() => building.delete(key));
  }
  return pending;
}

/** The bundle the last build recorded, if its inputs are still the same bytes. */
function currentBundle(cacheDir: string, key: string): WorkerBundle | undefined {
  try {
    const record = JSON.parse(readFileSync(join(cacheDir, `${key}.json`), "utf8")) as BuildRecord;
    if (record.dir !== `${key}-${digest(record.inputs)}`) return undefined;
    const dir = join(cacheDir, record.dir);
    const bundle = { worker: join(dir, "worker.mjs"), runtime: pathToFileURL(join(dir, "runtime.mjs")).href };
    return existsSync(bundle.worker) ? bundle : undefined;
  } catch {
    return undefined; // no record yet, or an input gone
  }
}

/** A sha256 of the inputs' bytes (and of this file, so a change to how bundles are made rebuilds them). */
function digest(inputs: string[]): string {
  const parts = [THIS_FILE, ...inputs].map((file) => `${file}\n${hash("sha256", readFileSync(file), "hex")}`);
  return hash("sha256", parts.join("\n"), "hex").slice(0, 16);
}

async function build(worker: string, runtime: string, cacheDir: string, key: string): Promise<void> {
  // The name is not a literal, so that a bundle of this module never pulls esbuild in.
  const name = "esbuild";
  const esbuild = (await import(name)) as typeof import("esbuild");
  const tmp = join(cacheDir, `${key}.tmp-${process.pid}-${Date.now()}`);
  try {
    const out = await esbuild.build({
      entryPoints: { worker, runtime },
      outdir: tmp,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: `node${process.versions.node.split(".")[0]}`,
      metafile: true,
      absWorkingDir: "/",
      logLevel: "silent",
      plugins: [packagesWhereInstalled, ownMetaUrl],
    });
    const inputs = Object.keys(out.metafile.inputs).map((input) => join("/", input));
    const dir = `${key}-${digest(inputs)}`;
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

/** Each bundled module's `import.meta.url` stays its source file's URL. */
const ownMetaUrl: import("esbuild").Plugin = {
  name: "tollgate-own-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (args.path.includes("/node_modules/")) return undefined;
      const source = readFileSync(args.path, "utf8");
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
    });
  },
};
