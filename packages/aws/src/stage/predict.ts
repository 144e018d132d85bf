/**
 * `predict` on a deployed stage: the Serving stack's Function URL (auth type AWS_IAM), called
 * with SigV4-signed HTTPS requests (service `lambda`). `GET /` names the model it serves and its
 * live version; `POST /` with `{"texts": [...]}` scores them.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { InvalidInputError, ServiceUnavailableError } from "@tollgate/core/errors";
import { tryJsonParse } from "@tollgate/core/json";
import { z } from "zod";
import { PredictRequestError } from "../errors.ts";

/** A text with the live model's top label, its probability, and the version that answered. */
export interface ScoredText {
  text: string;
  label: string;
  probability: number;
  modelVersion: string;
  /** False when the deployed model knows no term of the text (its answer is then the class prior). */
  knownTokens?: boolean;
  /** The `topK` most likely classes, most likely first. */
  top: { label: string; probability: number }[];
}

/** Where and how to call the Function URL. */
export interface FunctionUrlTarget {
  url: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
}

const Health = z.object({ modelName: z.string(), modelVersion: z.string() });
const Predicted = z.object({
  modelVersion: z.string(),
  predictions: z.array(
    z.object({
      label: z.string(),
      probability: z.number(),
      probabilities: z.record(z.string(), z.number()).optional(),
      knownTokens: z.boolean().optional(),
    }),
  ),
});
const ErrorBody = z.object({ error: z.string(), message: z.string() });

interface Answer {
  statusCode: number;
  body: string;
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  const request = url.protocol === "http:" ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * One SigV4-signed request to the Function URL.
 * @example const answer = await signedRequest(target, "GET", "/");
 */
export async function signedRequest(
  target: FunctionUrlTarget,
  method: string,
  path: string,
  body?: string,
): Promise<Answer> {
  const url = new URL(path, target.url);
  const signer = new SignatureV4({
    service: "lambda",
    region: target.region,
    credentials: target.credentials,
    sha256: Sha256,
  });
  const unsigned = new HttpRequest({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    headers: { host: url.host, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body }),
  });
  const signed = await signer.sign(unsigned);
  return send(url, method, signed.headers, body);
}

/** The answer's JSON, or the error it names (400/413 → InvalidInputError, 503 → ServiceUnavailableError). */
function parseAnswer<T>(answer: Answer, schema: z.ZodType<T>, what: string): T {
  const json = tryJsonParse(answer.body);
  if (answer.statusCode === 200) {
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    throw new PredictRequestError(`unexpected ${what} answer from the Function URL: ${answer.body.slice(0, 200)}`, 200);
  }
  const named = ErrorBody.safeParse(json).data;
  const message = named?.message ?? answer.body.slice(0, 200);
  if (answer.statusCode === 400 || answer.statusCode === 413) throw new InvalidInputError(message);
  if (answer.statusCode === 503) throw new ServiceUnavailableError(message);
  if (answer.statusCode === 403) {
    throw new PredictRequestError(
      `the Function URL refused the signed request (403 ${message}): your identity needs lambda:InvokeFunctionUrl on the predict function`,
      403,
    );
  }
  throw new PredictRequestError(`the Function URL answered ${answer.statusCode}: ${message}`, answer.statusCode);
}

/**
 * Scores `texts` with the live model the stage serves.
 * @throws InvalidInputError when the stage serves another model than `modelName`.
 */
export async function predictOnStage(
  target: FunctionUrlTarget,
  modelName: string,
  texts: string[],
  topK = 3,
): Promise<ScoredText[]> {
  const health = parseAnswer(await signedRequest(target, "GET", "/"), Health, "health");
  if (health.modelName !== modelName) {
    throw new InvalidInputError(
      `this stage serves model ${health.modelName}, not ${modelName}: pass --model ${health.modelName}`,
    );
  }
  const answer = await signedRequest(target, "POST", "/", JSON.stringify({ texts }));
  const { modelVersion, predictions } = parseAnswer(answer, Predicted, "predict");
  return predictions.map((p, i) => ({
    text: texts[i] ?? "",
    label: p.label,
    probability: p.probability,
    modelVersion,
    ...(p.knownTokens === undefined ? {} : { knownTokens: p.knownTokens }),
    top: Object.entries(p.probabilities ?? { [p.label]: p.probability })
      .map(([label, probability]) => ({ label, probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, topK),
  }));
}
