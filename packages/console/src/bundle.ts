/**
 * Builds the console's web page (web/ → dist/) with esbuild: one ES module, one stylesheet and
 * index.html, all served by the console itself (nothing from a CDN). dist/ is not committed; the
 * console and the tests call {@link ensureBundle}, which builds when dist/ is missing or older
 * than its sources.
 */
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
/** The web page's sources. */
export const WEB_DIR = join(PACKAGE_DIR, "web");
/** Where the built page goes (served as the console's static folder). */
export const DIST_DIR = join(PACKAGE_DIR, "dist");
/** The sources outside web/ that the page imports. */
const SHARED_SOURCES = [join(PACKAGE_DIR, "src", "api-types.ts")];
const MARKER = "app.js";

function newestMtime(paths: string[]): number {
  let newest = 0;
  for (const path of paths) {
    const stat = statSync(path);
    const mtime = stat.isDirectory() ? newestMtime(readdirSync(path).map((name) => join(path, name))) : stat.mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

/** True when dist/ lacks the page or is older than any source. */
export function bundleIsStale(dist = DIST_DIR): boolean {
  try {
    return statSync(join(dist, MARKER)).mtimeMs < newestMtime([WEB_DIR, ...SHARED_SOURCES]);
  } catch {
    return true;
  }
}

/** Writes a file through a temporary name, so a server reading it never sees half of it. */
function writeAtomically(path: string, contents: Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}

/**
 * Builds the page into `dist` (minified, with source maps). The marker file app.js is written
 * last, so a build that stops halfway is built again next time.
 * @example await buildBundle(); // dist/index.html, dist/app.js, dist/app.css
 */
export async function buildBundle(dist = DIST_DIR): Promise<{ dir: string; files: string[] }> {
  mkdirSync(dist, { recursive: true });
  const result = await build({
    entryPoints: { app: join(WEB_DIR, "main.tsx") },
    outdir: dist,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    minify: true,
    sourcemap: "linked",
    legalComments: "eof",
    write: false,
    logLevel: "silent",
  });
  const outputs = [...result.outputFiles].sort((a, b) => +a.path.endsWith(MARKER) - +b.path.endsWith(MARKER));
  const html = join(dist, "index.html");
  await copyFile(join(WEB_DIR, "index.html"), `${html}.${process.pid}.tmp`);
  renameSync(`${html}.${process.pid}.tmp`, html);
  for (const file of outputs) writeAtomically(file.path, file.contents);
  return { dir: dist, files: ["index.html", ...outputs.map((f) => f.path.slice(dist.length + 1))] };
}

/**
 * Builds the page unless dist/ is up to date; answers the folder to serve.
 * @example const { dir } = await ensureBundle();
 */
export async function ensureBundle(dist = DIST_DIR): Promise<{ dir: string; built: boolean }> {
  if (!bundleIsStale(dist)) return { dir: dist, built: false };
  await buildBundle(dist);
  return { dir: dist, built: true };
}
