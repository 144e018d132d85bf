/**
 * The trainer's worker threads (ml/threads.ts) boot from a bundle of their modules; what that
 * bundle imports from packages is loaded by every thread before its first fit. zod and pino (the
 * schemas and the logger: ~100 ms of a thread's boot here) are kept out of it, so that selection's
 * thread joins the first rung early (bench/README.md, session 15).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bundleReady } from "../src/bundle-cache.ts";
import { WORKER_MODULES } from "../src/ml/threads.ts";

const cache = mkdtempSync(join(tmpdir(), "tollgate-worker-modules-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe("the trainer's worker modules", () => {
  it("import no package but Node's own: neither zod nor pino", async () => {
    // Prepare
    const files = WORKER_MODULES.map((entry) => fileURLToPath(new URL(entry, new URL("../src/ml/", import.meta.url))));
    // Act
    const bundle = await bundleReady(Object.fromEntries(files.map((f) => [basename(f, ".ts"), f])), cache);
    // Assert
    expect(bundle).toBeDefined();
    const dir = join(bundle!["fit-worker"]!, "..");
    const imported = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".mjs"))) {
      for (const [, from] of readFileSync(join(dir, file), "utf8").matchAll(/from "([^"]+)"/g)) imported.add(from!);
    }
    const packages = [...imported].filter((from) => !from.startsWith("node:") && !from.startsWith("./"));
    expect(packages).toEqual([]);
    expect([...imported].some((from) => from.startsWith("node:"))).toBe(true);
  });
});
