/**
 * The Map Run worker's bundle (of the worker entry and its runtime module, built by esbuild once
 * per install) is named by a digest of its sources: a changed source makes a new bundle. That
 * pools fork their workers on it: worker-pool.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bundleReady, workerBundle } from "../../src/engine/map-run/bundle.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bundle-"));
  dirs.push(dir);
  return dir;
};

describe("the Map worker's bundle", () => {
  it("is rebuilt when a source changes, and each module keeps its own import.meta.url", async () => {
    const src = tempDir();
    const cache = join(src, "cache");
    const worker = join(src, "worker.ts");
    const runtime = join(src, "runtime.ts");
    writeFileSync(worker, 'import { where } from "./where.ts";\nexport const worker: string = where();\n');
    writeFileSync(runtime, 'export const runtime: string = "one";\n');
    writeFileSync(join(src, "where.ts"), "export const where = (): string => import.meta.url;\n");
    expect(workerBundle(worker, runtime, cache)).toBeUndefined(); // none yet: the build starts
    const first = await bundleReady(worker, runtime, cache);
    expect(workerBundle(worker, runtime, cache)).toEqual(first);
    const { worker: url } = (await import(first?.worker as string)) as { worker: string };
    expect(url).toBe(new URL(`file://${join(src, "where.ts")}`).href);

    writeFileSync(runtime, 'export const runtime: string = "two";\n');
    expect(workerBundle(worker, runtime, cache)).toBeUndefined();
    const second = await bundleReady(worker, runtime, cache);
    expect(second?.runtime).not.toBe(first?.runtime);
    expect(((await import(second?.runtime as string)) as { runtime: string }).runtime).toBe("two");
  });
});
