// `node scripts/launch.mjs <entry.ts> [args…]` (`pnpm tollgate`, `pnpm demo`): runs a TypeScript entry from
// its plain-JavaScript bundle, kept per install by @tollgate/core/bundle-cache under
// packages/core/node_modules/.cache/tollgate/: no tsx loader, no transpiling of the modules a command
// imports. A process that finds no current bundle (the first after an install or a source change) builds
// it first (esbuild, ~1 s); if it cannot be built, the entry runs through tsx as `tsx <entry>` would.
// The entry sees `process.argv` as under tsx.
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { currentBundle } from "../packages/core/src/bundle-lookup.mjs";
import { mapStacks } from "../packages/core/src/stack-maps.mjs";

const CACHE = fileURLToPath(new URL("../packages/core/node_modules/.cache/tollgate/", import.meta.url));

const [given, ...args] = process.argv.slice(2);
if (!given) throw new Error("usage: node scripts/launch.mjs <entry.ts> [args…]");
const entry = resolve(given);
process.argv = [process.argv[0], entry, ...args];
const entries = { main: entry };

let bundle = currentBundle(entries, CACHE);
if (!bundle) {
  await import("tsx");
  const { bundleReady } = await import("../packages/core/src/bundle-cache.ts");
  bundle = await bundleReady(entries, CACHE);
}
// Stack traces name the .ts sources and their lines, as under tsx (read from the source maps on demand).
if (bundle) mapStacks(dirname(bundle.main));
await import(pathToFileURL(bundle?.main ?? entry).href);
