/**
 * `tollgate serve` through real HTTP on loopback: predictions equal the offline evaluation's,
 * and every error case answers with its status, a message, and no stack trace.
 */
import { join } from "node:path";
import { logger } from "@tollgate/core/logger";
import { OnnxTextClassifier } from "@tollgate/core/ml/onnx/runtime";
import { servingConfigFromEnv } from "@tollgate/core/serving/config";
import { type LocalServer, serveLocal } from "@tollgate/local/server";
import { openLocalStores } from "@tollgate/local/stores";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempHome, topicRows } from "../helpers/topics.ts";
import { expectSameProbabilities, MODEL, type TwoModels, twoModels } from "./models.ts";

const quiet = logger.child({}, { level: "silent" });
const config = servingConfigFromEnv(
  {},
  { modelName: MODEL, maxTexts: 32, maxTextChars: 2000, maxBodyBytes: 64 * 1024 },
);

let models: TwoModels;
let server: LocalServer;
let offline: OnnxTextClassifier;

beforeAll(async () => {
  models = await twoModels();
  server = await serveLocal({ home: models.home, config, port: 0, logger: quiet });
  const stores = openLocalStores(models.home);
  offline = await OnnxTextClassifier.load(await stores.objects.models.get(models.first.modelKey));
  stores.close();
});
afterAll(async () => {
  await server?.close();
  await offline?.release();
});

const post = (body: string, path = "/predict") =>
  fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });

interface Answer {
  modelVersion: string;
  predictions: { label: string; probability: number; probabilities: Record<string, number>; knownTokens: boolean }[];
}

async function predict(texts: string[]): Promise<Answer> {
  const res = await post(JSON.stringify({ texts }));
  expect(res.status).toBe(200);
  expect(res.headers.get("x-model-version")).toBe(models.first.version);
  return (await res.json()) as Answer;
}

describe("tollgate serve over HTTP", () => {
  it("answers GET /health with the live version", async () => {
    expect(server.live).toEqual({ status: "ok", modelName: MODEL, modelVersion: models.first.version });
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", modelName: MODEL, modelVersion: models.first.version });
  });

  it("predicts what the offline classifier predicts on the same model file, for concurrent requests", async () => {
    const texts = [
      ...topicRows(120, 99).map((r) => r.text),
      "",
      "İstanbul ΣΟΦΟΣ naïve",
      "unknownword zzz",
      "dog dog dog",
    ];
    const chunks = Array.from({ length: Math.ceil(texts.length / 8) }, (_, i) => texts.slice(i * 8, i * 8 + 8));
    const answers = await Promise.all(chunks.map((chunk) => predict(chunk)));
    const served = answers.flatMap((a) => a.predictions);
    const expected = await offline.predict(texts);
    expect(served.map((p) => p.label)).toEqual(expected.labels);
    for (const [i, p] of served.entries()) {
      expectSameProbabilities(p.probabilities, offline.labels, expected.probabilities[i]!);
      expect(p.probability).toBe(p.probabilities[p.label]);
    }
    for (const a of answers) expect(a.modelVersion).toBe(models.first.version);
    // A text with no term the model knows is flagged: its answer is the class prior.
    expect(served.map((p) => p.knownTokens)).toEqual(await offline.knownTerms(expected.probabilities));
    expect(served.slice(-4).map((p) => p.knownTokens)).toEqual([false, false, false, true]);
  });

  it("reaches the accuracy the Evaluate step recorded, on the same test split", async () => {
    const stores = openLocalStores(models.home);
    const record = await stores.registry.getModelVersion(MODEL, models.first.version);
    const rows = models.testRows;
    stores.close();
    let correct = 0;
    for (let i = 0; i < rows.length; i += 32) {
      const chunk = rows.slice(i, i + 32);
      const answer = await predict(chunk.map((r) => r.text));
      correct += answer.predictions.filter((p, k) => p.label === chunk[k]!.label).length;
    }
    expect(rows.length).toBeGreaterThan(0);
    expect(correct / rows.length).toBeCloseTo(record!.metrics.testAccuracy!, 10);
  });
});

/** Every error body is `{error, message}` (+ `limits` for 413), JSON, without a stack trace. */
async function expectError(res: Response, status: number, error: string, message: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/json");
  const text = await res.text();
  expect(text).not.toMatch(/\n\s+at |\.ts:\d+/);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body.error).toBe(error);
  expect(body.message).toMatch(message);
  return body;
}

describe("tollgate serve's error answers", () => {
  it.each([
    ["not JSON", "{texts:", /^request body is not valid JSON/],
    ["an empty body", "", /^missing request body/],
    ["no texts", '{"text": "a dog"}', /texts: must be an array of strings; Unrecognized key: "text"/],
    ["a number among the texts", '{"texts": ["a", 3]}', /texts\[1\]: each text must be a string/],
    ["no texts at all", '{"texts": []}', /send at least one text/],
  ])("400 for %s", async (_, body, message) => {
    await expectError(await post(body), 400, "InvalidInputError", message);
  });

  it("413 with the limits for too many texts", async () => {
    const body = await expectError(
      await post(JSON.stringify({ texts: Array(33).fill("a") })),
      413,
      "PayloadTooLargeError",
      /33 texts, over the limit of 32/,
    );
    expect(body.limits).toEqual({ maxTexts: 32, maxTextChars: 2000, maxBodyBytes: 65536 });
  });

  it("413 for too long a text", async () => {
    await expectError(
      await post(JSON.stringify({ texts: ["ok", "x".repeat(2001)] })),
      413,
      "PayloadTooLargeError",
      /texts\[1\]: text is 2001 characters, over the limit of 2000/,
    );
  });

  it("413 for a body over maxBodyBytes, without reading all of it", async () => {
    const res = await post(JSON.stringify({ texts: ["x".repeat(1 << 20)] }));
    await expectError(res, 413, "PayloadTooLargeError", /request body over the limit of 65536 bytes/);
  });

  it("404 for an unknown path and 405 for a wrong method, naming the routes", async () => {
    await expectError(await fetch(`${server.url}/nope`), 404, "RouteNotFoundError", /POST \/predict/);
    const res = await fetch(`${server.url}/predict`, { method: "DELETE" });
    expect(res.headers.get("allow")).toBe("POST");
    await expectError(res, 405, "MethodNotAllowedError", /DELETE is not allowed on \/predict/);
  });
});

describe("tollgate serve without a usable live model", () => {
  it("503 with a clear message while nothing is live, for health and predictions", async () => {
    const empty = await serveLocal({ home: tempHome(), config, port: 0, logger: quiet });
    try {
      expect(empty.live).toEqual({
        name: "ServiceUnavailableError",
        message: "no live model yet: promote a model first",
      });
      const res = await fetch(`${empty.url}/predict`, { method: "POST", body: '{"texts": ["a dog"]}' });
      expect(res.headers.get("retry-after")).toBe("1");
      await expectError(res, 503, "ServiceUnavailableError", /^no live model yet/);
      await expectError(await fetch(`${empty.url}/health`), 503, "ServiceUnavailableError", /^no live model yet/);
    } finally {
      await empty.close();
    }
  });

  it("503 naming the reason when the live version's file is not a model", async () => {
    const home = tempHome();
    const stores = openLocalStores(home);
    const modelKey = `models/${MODEL}/broken/model.onnx`;
    await stores.objects.models.put(modelKey, "not an onnx file");
    await stores.registry.putModelVersion({
      modelName: MODEL,
      version: "broken",
      status: "candidate",
      statusReason: null,
      collected: null,
      runId: "r",
      datasetVersion: "d",
      modelKey,
      cardKey: join("models", MODEL, "broken", "card.json"),
      metricsKey: null,
      trainingSettings: null,
      metrics: { validationAccuracy: 1, testAccuracy: null, macroF1: null },
      createdAt: new Date().toISOString(),
    });
    await stores.registry.swapLive(MODEL, null, "broken", "test");
    stores.close();
    const broken = await serveLocal({ home, config, port: 0, logger: quiet });
    try {
      const res = await fetch(`${broken.url}/predict`, { method: "POST", body: '{"texts": ["a dog"]}' });
      await expectError(res, 503, "ServiceUnavailableError", /^the live model cannot be loaded: not an ONNX model/);
    } finally {
      await broken.close();
    }
  });
});
