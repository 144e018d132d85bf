/**
 * The web page has its own tsconfig (DOM, JSX for Preact) outside the root project, so the root
 * `tsc` does not see it: this checks it with the same strictness. tsc runs in a child process, so
 * its seconds of synchronous work do not block this test worker's event loop (a blocked worker
 * misses vitest's RPC deadline: "[vitest-worker]: Timeout calling onTaskUpdate").
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { WEB_DIR } from "@tollgate/console/bundle";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const TSC = join(process.cwd(), "node_modules", "typescript", "bin", "tsc");

describe("the console's web page", () => {
  it("type-checks under its strict tsconfig", async () => {
    const file = join(WEB_DIR, "tsconfig.json");
    const { config } = ts.readConfigFile(file, ts.sys.readFile);
    expect(ts.parseJsonConfigFileContent(config, ts.sys, WEB_DIR).options.strict).toBe(true);
    const result = await promisify(execFile)(process.execPath, [TSC, "-p", file, "--pretty", "false"]).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
    expect(result.stdout.split("\n").filter(Boolean)).toEqual([]);
    expect(result.code).toBe(0);
  });
});
