/** The serving configuration: defaults, environment keys, overrides, and errors naming the key. */
import { InvalidInputError } from "@tollgate/core/errors";
import { servingConfigFromEnv } from "@tollgate/core/serving/config";
import { describe, expect, it } from "vitest";

describe("servingConfigFromEnv", () => {
  it("applies the defaults", () => {
    expect(servingConfigFromEnv({ TOLLGATE_MODEL: "topics" })).toEqual({
      modelName: "topics",
      pointerTtlMs: 1000,
      maxTexts: 64,
      maxTextChars: 10_000,
      maxBodyBytes: 1_048_576,
      maxBatchTexts: 64,
    });
  });

  it("reads numbers from the environment and lets overrides win", () => {
    const config = servingConfigFromEnv(
      { TOLLGATE_MODEL: "topics", TOLLGATE_SERVE_POINTER_TTL_MS: "250", TOLLGATE_SERVE_MAX_TEXTS: "8" },
      { modelName: "other", pointerTtlMs: "50" },
    );
    expect(config).toMatchObject({ modelName: "other", pointerTtlMs: 50, maxTexts: 8 });
  });

  it("fails naming the environment key of a missing model name", () => {
    expect(() => servingConfigFromEnv({})).toThrow(InvalidInputError);
    expect(() => servingConfigFromEnv({})).toThrow(/^serving configuration is invalid: TOLLGATE_MODEL \(modelName\)/);
  });

  it("fails naming the environment key of a bad number", () => {
    expect(() => servingConfigFromEnv({ TOLLGATE_MODEL: "topics", TOLLGATE_SERVE_MAX_TEXTS: "0" })).toThrow(
      /TOLLGATE_SERVE_MAX_TEXTS \(maxTexts\): Too small/,
    );
  });
});
