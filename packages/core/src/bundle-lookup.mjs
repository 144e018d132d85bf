// The lookup half of bundle-cache.ts, in plain JavaScript so that a process can find its bundle before
// any TypeScript loader is registered (scripts/launch.mjs runs `pnpm tollgate` and `pnpm demo` this way).
// Types: bundle-lookup.d.mts.
import { hash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The cache key of a set of entries: `bundle-<sha256 of their names and paths>`. */
export const bundleKey = (entries) => `bundle-${hash("sha256", JSON.stringify(entries), "hex").slice(0, 16)}`;

/** A sha256 of the files' paths and bytes: names the directory a build of those inputs writes. */
export function inputsDigest(inputs) {
  const parts = inputs.map((file) => `${file}\n${hash("sha256", readFileSync(file), "hex")}`);
  return hash("sha256", parts.join("\n"), "hex").slice(0, 16);
}

/** The bundle the last build of `entries` recorded, if its inputs are still the same bytes, else undefined. */
export function currentBundle(entries, cacheDir) {
  const key = bundleKey(entries);
  try {
    const record = JSON.parse(readFileSync(join(cacheDir, `${key}.json`), "utf8"));
    if (record.dir !== `${key}-${inputsDigest(record.inputs)}`) return undefined;
    const out = Object.fromEntries(
      Object.keys(entries).map((name) => [name, join(cacheDir, record.dir, `${name}.mjs`)]),
    );
    return Object.values(out).every((file) => existsSync(file)) ? out : undefined;
  } catch {
    return undefined; // no record yet, or an input gone
  }
}
