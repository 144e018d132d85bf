/**
 * The web page has its own tsconfig (DOM, JSX for Preact) outside the root project, so the root
 * `tsc` does not see it: this checks it with the same strictness.
 */
import { join } from "node:path";
import { WEB_DIR } from "@tollgate/console/bundle";
import ts from "typescript";
import { describe, expect, it } from "vitest";

describe("the console's web page", () => {
  it("type-checks under its strict tsconfig", () => {
    const file = join(WEB_DIR, "tsconfig.json");
    const { config } = ts.readConfigFile(file, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, WEB_DIR);
    expect(parsed.options.strict).toBe(true);
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(errors).toEqual([]);
  });
});
