/** AWS SDK calls live in packages/aws only: the Lambdas and the CLI use its adapters (issue 16 item 4). */

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const sources = execFileSync("git", ["ls-files", "functions/*.ts", "packages/*/src/**.ts", "packages/*/src/*.ts"], {
  encoding: "utf8",
})
  .trim()
  .split("\n")
  .filter((f) => !f.startsWith("packages/aws/"));

/** The names a file imports from an AWS SDK or Smithy package. */
function sdkImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+"(@aws-sdk\/[^"]+|@smithy\/[^"]+)"/g)) {
    for (const name of (m[1] ?? "").split(",")) if (name.trim()) found.push(`${m[2]}: ${name.trim()}`);
  }
  return found;
}

describe("AWS adapters", () => {
  it("no source outside packages/aws sends an SDK command or pages through one", () => {
    const calls = sources.flatMap((f) =>
      sdkImports(f)
        .filter((i) => /Command$|: paginate/.test(i))
        .map((i) => `${f} ${i}`),
    );
    expect(calls).toEqual([]);
  });

  it("the CLI imports no AWS SDK package: it keeps rendering and the choice of backend", () => {
    const cli = sources.filter((f) => f.startsWith("packages/cli/"));
    expect(cli.length).toBeGreaterThan(5);
    expect(cli.flatMap((f) => sdkImports(f).map((i) => `${f} ${i}`))).toEqual([]);
  });
});
