/** cdk-nag's AwsSolutions pack: no unsuppressed finding, and every suppression gives its reason. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Synthesized } from "../synth.ts";

interface Suppression {
  id: string;
  reason: string;
}

export function describeNag(app: () => Synthesized): void {
  describe("cdk-nag AwsSolutions", () => {
    it("ran over every stack, and its report has no non-compliant row", () => {
      for (const stack of app().names) {
        const file = join(app().outdir, `AwsSolutions-${app().stack(stack).artifactId}-NagReport.csv`);
        const rows = readFileSync(file, "utf8").trim().split("\n").slice(1);
        expect(rows.length, stack).toBeGreaterThan(0);
        expect(
          rows.filter((r) => r.includes('"Non-Compliant"')),
          stack,
        ).toEqual([]);
      }
    });

    it("leaves no unsuppressed error or warning", () => {
      const findings = app().names.flatMap((stack) =>
        app()
          .messages(stack)
          .filter((m) => m.level === "error" || m.level === "warning")
          .map((m) => `${m.id}: ${String(m.entry.data).split("\n")[0]}`),
      );
      expect(findings).toEqual([]);
    });

    it("gives a written reason for every suppression", () => {
      let count = 0;
      for (const stack of app().names) {
        const resources = app().template(stack).toJSON().Resources as Record<string, { Metadata?: unknown }>;
        for (const [id, r] of Object.entries(resources)) {
          const rules = (r.Metadata as { cdk_nag?: { rules_to_suppress?: Suppression[] } } | undefined)?.cdk_nag
            ?.rules_to_suppress;
          for (const rule of rules ?? []) {
            count++;
            expect(rule.reason.length, `${stack}/${id} ${rule.id}`).toBeGreaterThanOrEqual(20);
          }
        }
      }
      expect(count).toBeGreaterThan(0);
    });
  });
}
