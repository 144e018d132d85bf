/** functions/predict.ts: the Lambda Function URL handler (payload format 2.0) over any ports. */
import { logger } from "@tollgate/core/logger";
import { servingConfigFromEnv } from "@tollgate/core/serving/config";
import { predictHandler } from "@tollgate/functions/predict";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";

const nothingLive = {
  registry: { getLive: async () => undefined, getModelVersion: async () => undefined },
  models: {
    get: async (): Promise<Uint8Array> => {
      throw new Error("no objects");
    },
  },
};
const handler = predictHandler(
  nothingLive,
  servingConfigFromEnv({}, { modelName: "topics", maxTexts: 2 }),
  logger.child({}, { level: "silent" }),
);

function event(method: string, rawPath: string, body?: string, isBase64Encoded = false): LambdaFunctionURLEvent {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString: "",
    headers: { "content-type": isBase64Encoded ? "application/octet-stream" : "application/json" },
    isBase64Encoded,
    ...(body === undefined ? {} : { body }),
    requestContext: {
      accountId: "123456789012",
      apiId: "abc",
      domainName: "abc.lambda-url.eu-west-1.on.aws",
      domainPrefix: "abc",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "10.0.0.1", userAgent: "test" },
      requestId: "req-1",
      routeKey: "$default",
      stage: "$default",
      time: "26/Nov/2026:22:00:00 +0000",
      timeEpoch: 0,
    },
  };
}

const bodyOf = (result: { body?: string | undefined }) =>
  JSON.parse(result.body ?? "null") as { error: string; message: string };

describe("predictHandler (Function URL)", () => {
  it("decodes a base64-encoded body before parsing it", async () => {
    const body = Buffer.from(JSON.stringify({ texts: ["a", "b", "c"] })).toString("base64");
    const result = await handler(event("POST", "/predict", body, true));
    expect(result.statusCode).toBe(413);
    expect(bodyOf(result).message).toBe("texts: 3 texts, over the limit of 2 per request");
  });

  it("answers 503 naming the cause when nothing is live, for predict and health", async () => {
    const predict = await handler(event("POST", "/", '{"texts": ["a dog"]}'));
    expect(predict.statusCode).toBe(503);
    expect(bodyOf(predict)).toEqual({
      error: "ServiceUnavailableError",
      message: "no live model yet: promote a model first",
    });
    expect((await handler(event("GET", "/health"))).statusCode).toBe(503);
  });

  it("answers 400 to an event that is not a Function URL event", async () => {
    const result = await handler({ hello: "world" } as unknown as LambdaFunctionURLEvent);
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ error: "InvalidInputError", message: "not a Function URL event" });
  });
});
