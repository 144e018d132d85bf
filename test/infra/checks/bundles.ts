/** Every Lambda: nodejs22.x on arm64; bundles within 250 MB; onnxruntime-node installed, pruned to linux/arm64. */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleSizeBytes, LAMBDA_UNZIPPED_LIMIT_BYTES } from "../../../stacks/bundle.ts";
import type { Synthesized } from "../synth.ts";
import { resources } from "../template.ts";

/** The project's functions (handlers under functions/), with their staged bundle directories. */
function functions(app: Synthesized): { handler: string; dir: string; props: Record<string, unknown> }[] {
  return app.names.flatMap((stack) =>
    resources(app.template(stack), "AWS::Lambda::Function")
      .filter(([, f]) => String(f.Properties.Handler).startsWith("functions/"))
      .map(([, f]) => ({
        handler: String(f.Properties.Handler),
        dir: app.assetDir((f.Properties.Code as { S3Key: string }).S3Key),
        props: f.Properties,
      })),
  );
}

const ONNX_HANDLERS = [
  "functions/preprocess.handler",
  "functions/train.handler",
  "functions/evaluate.handler",
  "functions/promote.handler",
  "functions/reject.handler",
  "functions/record-failure.handler",
  "functions/predict.handler",
];

export function describeBundles(app: () => Synthesized): void {
  describe("function bundles", () => {
    it("every function in the app is one of ours, on nodejs22.x and arm64, without X-Ray", () => {
      const all = app().names.flatMap((s) => resources(app().template(s), "AWS::Lambda::Function"));
      expect(all.length).toBe(functions(app()).length);
      for (const { handler, props } of functions(app())) {
        expect(props.Runtime, handler).toBe("nodejs22.x");
        expect(props.Architectures, handler).toEqual(["arm64"]);
        expect(props.TracingConfig, handler).toBeUndefined();
      }
    });

    it("every bundle is under Lambda's 250 MB unzipped limit", async () => {
      for (const { handler, dir } of functions(app())) {
        expect(await bundleSizeBytes(dir), handler).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES);
      }
    });

    it("onnxruntime-node is installed (not bundled), with only the linux/arm64 binary", () => {
      for (const { handler, dir } of functions(app()).filter((f) => ONNX_HANDLERS.includes(f.handler))) {
        const napi = join(dir, "node_modules", "onnxruntime-node", "bin", "napi-v6");
        expect(readdirSync(napi), handler).toEqual(["linux"]);
        expect(readdirSync(join(napi, "linux")), handler).toEqual(["arm64"]);
        expect(existsSync(join(napi, "linux", "arm64", "onnxruntime_binding.node")), handler).toBe(true);
      }
    });

    it("the trigger bundle carries no native packages", () => {
      const trigger = functions(app()).find((f) => f.handler === "functions/trigger.handler");
      expect(trigger && existsSync(join(trigger.dir, "node_modules"))).toBe(false);
    });
  });
}
