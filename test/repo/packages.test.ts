/** The workspace's packages: an index.ts each, `exports` that resolve to files, imports that use them. */

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

const manifests = ["functions/package.json", ...readdirSync("packages").map((p) => `packages/${p}/package.json`)];
const packages = manifests.map((file) => {
  const json = JSON.parse(readFileSync(file, "utf8")) as { name: string; exports: Record<string, string> };
  return { file, dir: dirname(file), name: json.name, exports: json.exports };
});

describe("workspace packages", () => {
  it.each(packages)("$name exports its index.ts and only paths that exist", ({ dir, exports }) => {
    expect(exports["."]).toMatch(/index\.ts$/);
    for (const [key, target] of Object.entries(exports)) {
      if (!key.includes("*")) expect(existsSync(join(dir, target)), `${key} → ${target}`).toBe(true);
    }
  });

  it("imports name a package's folders, never their /index file", () => {
    const files = execFileSync("git", ["ls-files", "*.ts", "*.tsx"], { encoding: "utf8" }).trim().split("\n");
    const offenders = files.filter((f) => /from "@tollgate\/[^"]*\/index"/.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
