/**
 * `predict` on a stage: SigV4-signed calls to the Function URL, answered by a loopback server
 * that checks each signature by the SigV4 algorithm written out in fixtures/sigv4.ts (held to AWS's
 * documented vectors in sigv4.test.ts), not by the SDK signer that made it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NO_KNOWN_TOKEN } from "../../src/commands/predict.ts";
import { validSignature } from "./fixtures/sigv4.ts";
import { CREDENTIALS, REGION, stageBackendFor, tollgate } from "./harness.ts";

interface Seen {
  method: string;
  path: string;
  body: string;
  authorization: string;
  valid: boolean;
}
let server: Server;
let url: string;
const seen: Seen[] = [];
let answer: (req: Seen) => { status: number; body: unknown } = () => ({ status: 500, body: {} });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const entry = {
        method: req.method ?? "",
        path: req.url ?? "",
        body,
        authorization: String(req.headers.authorization ?? ""),
        valid: await validSignature(req, body, REGION, CREDENTIALS),
      };
      seen.push(entry);
      const { status, body: out } = answer(entry);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

const healthy = (modelName = "topics") => ({ status: 200, body: { status: "ok", modelName, modelVersion: "v7" } });
const backend = () => stageBackendFor({ outputs: { PredictUrl: url } });

describe("predict on a stage", () => {
  it("asks the Function URL which model it serves, then scores the texts, every request signed", async () => {
    answer = (req) =>
      req.method === "GET"
        ? healthy()
        : {
            status: 200,
            body: {
              modelVersion: "v7",
              predictions: [
                { label: "animal", probability: 0.91, probabilities: { animal: 0.91, food: 0.09 } },
                { label: "food", probability: 0.8, probabilities: { animal: 0.2, food: 0.8 }, knownTokens: true },
                { label: "food", probability: 0.6, probabilities: { animal: 0.4, food: 0.6 }, knownTokens: false },
              ],
            },
          };

    const text = await tollgate(backend(), "predict", "a small dog", "warm bread", "zzz", "--model", "topics");

    expect(text).toBe(
      `animal\t0.910\tv7\ta small dog\nfood\t0.800\tv7\twarm bread\nfood\t0.600\tv7\tzzz\n  warning: ${NO_KNOWN_TOKEN}`,
    );
    expect(seen.map((s) => [s.method, s.path, s.valid])).toEqual([
      ["GET", "/", true],
      ["POST", "/", true],
    ]);
    expect(JSON.parse(seen[1]?.body ?? "")).toEqual({ texts: ["a small dog", "warm bread", "zzz"] });
    expect(seen[1]?.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/\\d{8}/${REGION}/lambda/aws4_request, SignedHeaders=content-type;host;`,
      ),
    );
  });

  it("refuses to answer for another model than the stage serves", async () => {
    answer = () => healthy("reviews");
    await expect(tollgate(backend(), "predict", "x", "--model", "topics")).rejects.toThrow(
      "this stage serves model reviews, not topics: pass --model reviews",
    );
    expect(seen).toHaveLength(1);
  });

  it("passes on the service's named errors", async () => {
    answer = () => ({
      status: 503,
      body: { error: "ServiceUnavailableError", message: "model topics has no live version yet" },
    });
    await expect(tollgate(backend(), "predict", "x", "--model", "topics")).rejects.toMatchObject({
      name: "ServiceUnavailableError",
      message: "model topics has no live version yet",
    });
    answer = () => ({ status: 403, body: { Message: "Forbidden" } });
    await expect(tollgate(backend(), "predict", "x", "--model", "topics")).rejects.toMatchObject({
      name: "PredictRequestError",
      message: expect.stringMatching(/refused the signed request \(403 .*lambda:InvokeFunctionUrl/),
    });
  });
});
