// Stack traces through a bundle name the TypeScript sources and their lines, as under tsx (installed by
// scripts/launch.mjs and by the Map Run worker processes): a frame in a chunk under `dir` is looked up in
// the chunk's linked source map (<chunk>.mjs.map, written by @tollgate/core/bundle-cache) when a stack is
// first formatted, and only then. Node's own source-map support (--enable-source-maps,
// process.setSourceMapsEnabled) reads the map of every chunk as it is loaded: +20 ms CPU on each
// `tollgate --version` (median of 20 alternated runs, load 7.6). Types: stack-maps.d.mts.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/** @param {string} dir a bundle's directory */
export function mapStacks(dir) {
  /** @type {Map<string, SourceMap | null>} */
  const maps = new Map();
  /** @param {string} file */
  const mapOf = (file) => {
    if (!maps.has(file)) {
      try {
        maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8"))));
      } catch {
        maps.set(file, null);
      }
    }
    return maps.get(file);
  };
  /** `file:line:column` of a frame in the bundle and of the source it came from, or undefined. */
  const where = (/** @type {NodeJS.CallSite} */ site) => {
    const name = site.getFileName() ?? "";
    const file = name.startsWith("file:") ? fileURLToPath(name) : name;
    const line = site.getLineNumber() ?? 0;
    const column = site.getColumnNumber() ?? 0;
    if (!file.startsWith(dir) || line < 1) return undefined;
    const entry = /** @type {{ originalSource?: string, originalLine?: number, originalColumn?: number }} */ (
      mapOf(file)?.findEntry(line - 1, column - 1) ?? {}
    );
    if (!entry.originalSource) return undefined;
    const source = fileURLToPath(new URL(entry.originalSource, pathToFileURL(`${file}.map`)));
    return {
      bundled: `${name}:${line}:${column}`,
      source: `${source}:${(entry.originalLine ?? 0) + 1}:${(entry.originalColumn ?? 0) + 1}`,
    };
  };
  Error.prepareStackTrace = (error, sites) => {
    let header;
    try {
      header = String(error);
    } catch {
      header = "Error";
    }
    const frames = sites.map((site) => {
      const text = String(site);
      const mapped = where(site);
      return `    at ${mapped ? text.replace(mapped.bundled, mapped.source) : text}`;
    });
    return [header, ...frames].join("\n");
  };
}
