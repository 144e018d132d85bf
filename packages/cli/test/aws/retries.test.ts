/**
 * Throttling at the HTTP layer (below aws-sdk-client-mock, which replaces `send` and so skips the
 * retry middleware): the clients the backend builds retry ThrottlingException answers, as Step
 * Functions and CloudTrail send them, and give up after the configured attempts.
 */
import { Readable } from "node:stream";
import { LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { type HttpHandler, type HttpRequest, HttpResponse } from "@smithy/protocol-http";
import { StepFunctionsRuns } from "@tollgate/aws";
import { makeClients } from "@tollgate/aws/clients";
import { describe, expect, it } from "vitest";
import { CREDENTIALS, REGION, STATE_MACHINE_ARN } from "./harness.ts";

/** Answers with `throttled` throttling errors, then with `ok`; records each request's target and body. */
function scripted(throttled: number, ok: unknown) {
  const seen: { target: string; body: unknown }[] = [];
  const handler: HttpHandler = {
    handle: async (request: HttpRequest) => {
      seen.push({ target: String(request.headers["x-amz-target"]), body: JSON.parse(String(request.body)) });
      const throttle = seen.length <= throttled;
      const body = throttle ? { __type: "ThrottlingException", message: "Rate exceeded" } : ok;
      return {
        response: new HttpResponse({
          statusCode: throttle ? 400 : 200,
          headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": `req-${seen.length}` },
          body: Readable.from([Buffer.from(JSON.stringify(body))]),
        }),
      };
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
  };
  return { handler, seen };
}

const clientsWith = (handler: HttpHandler, maxAttempts = 4) =>
  makeClients({
    region: REGION,
    credentials: async () => CREDENTIALS,
    requestHandler: handler,
    maxAttempts,
    backoffMs: () => 0,
  });

describe("throttling", () => {
  it("retries a throttled ListExecutions page and then reads the rest", async () => {
    const { handler, seen } = scripted(2, {
      executions: [
        {
          executionArn: "arn:x",
          stateMachineArn: STATE_MACHINE_ARN,
          name: "r1",
          status: "SUCCEEDED",
          startDate: 1748779200,
        },
      ],
    });
    const runs = new StepFunctionsRuns(clientsWith(handler).sfn, STATE_MACHINE_ARN);

    const listed = await runs.list({ limit: 5 });

    expect(listed).toEqual([{ name: "r1", status: "SUCCEEDED", startDate: "2025-06-01T12:00:00.000Z" }]);
    expect(seen).toHaveLength(3);
    for (const request of seen) {
      expect(request).toEqual({
        target: "AWSStepFunctions.ListExecutions",
        body: { stateMachineArn: STATE_MACHINE_ARN, maxResults: 5 },
      });
    }
  });

  it("retries throttled LookupEvents calls (two requests a second per account)", async () => {
    const { handler, seen } = scripted(3, { Events: [] });
    const { cloudTrail } = clientsWith(handler, 6);
    const out = await cloudTrail.send(
      new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "StartExecution" }] }),
    );
    expect(out.Events).toEqual([]);
    expect(seen.map((s) => s.target)).toEqual(Array(4).fill("CloudTrail_20131101.LookupEvents"));
  });

  it("gives up after the configured attempts with the service's error", async () => {
    const { handler, seen } = scripted(10, {});
    const runs = new StepFunctionsRuns(clientsWith(handler, 3).sfn, STATE_MACHINE_ARN);
    await expect(runs.list({})).rejects.toMatchObject({ name: "ThrottlingException", message: "Rate exceeded" });
    expect(seen).toHaveLength(3);
  });
});
