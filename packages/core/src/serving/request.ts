/**
 * The predict request and response: a zod schema built from the configured limits, parsed
 * once at the boundary. Shape problems are 400s; exceeding a limit is a 413 naming the limits.
 */
import { z } from "zod";
import { InvalidInputError } from "../errors.ts";
import { PayloadTooLargeError, type RequestLimits } from "./errors.ts";
import { predictionsOf } from "./prediction.ts";

/**
 * One text's prediction: the top label, its probability, and every label's probability.
 * `knownTokens` is false when no term of the text is known to the model: the answer is then the
 * class prior (what the empty text scores), not a prediction about the text.
 */
export interface Prediction {
  label: string;
  probability: number;
  probabilities: Record<string, number>;
  knownTokens: boolean;
}

/** The body of a successful predict response; `modelVersion` is the version that answered. */
export interface PredictResponse {
  modelVersion: string;
  predictions: Prediction[];
}

/**
 * The request schema for given limits: `{"texts": [string, …]}`, 1 to `maxTexts` texts of at
 * most `maxTextChars` characters each, no other keys.
 * @example predictRequestSchema({ maxTexts: 64, maxTextChars: 10_000 }).parse({ texts: ["a dog"] });
 */
export function predictRequestSchema(limits: Pick<RequestLimits, "maxTexts" | "maxTextChars">) {
  const text = z.string({ error: "each text must be a string" }).max(limits.maxTextChars, {
    error: (issue) => `text is ${String(issue.input).length} characters, over the limit of ${limits.maxTextChars}`,
  });
  return z
    .object({
      texts: z
        .array(text, { error: "must be an array of strings" })
        .min(1, { error: "texts is empty: send at least one text" })
        .max(limits.maxTexts, {
          error: (issue) =>
            `${(issue.input as unknown[]).length} texts, over the limit of ${limits.maxTexts} per request`,
        }),
    })
    .strict();
}
/** A parsed predict request. */
export type PredictRequest = z.infer<ReturnType<typeof predictRequestSchema>>;

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i ? "." : ""}${String(part)}`))
    .join("");
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** The first few problems, one line (a request with 10,000 bad texts gets a short answer). */
function summarize(issues: z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 3).map(describeIssue).join("; ");
  return issues.length > 3 ? `${shown}; and ${issues.length - 3} more` : shown;
}

/**
 * Parses a raw request body (JSON text) against the limits.
 * @throws PayloadTooLargeError when the body, the number of texts or a text exceeds its limit;
 *   InvalidInputError with every problem when the body is missing, not JSON, or the wrong shape.
 * @example const { texts } = parsePredictRequest('{"texts":["a dog"]}', limits);
 */
export function parsePredictRequest(
  body: string | undefined,
  limits: RequestLimits,
  schema = predictRequestSchema(limits),
): PredictRequest {
  if (body === undefined || body.trim() === "") {
    throw new InvalidInputError('missing request body: send JSON {"texts": ["…"]}');
  }
  if (body.length > limits.maxBodyBytes || Buffer.byteLength(body) > limits.maxBodyBytes) {
    throw new PayloadTooLargeError(`request body over the limit of ${limits.maxBodyBytes} bytes`, limits);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new InvalidInputError(`request body is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  // A wrong shape is a 400 even if zod also measured the wrong thing's length; only limits alone are a 413.
  const shape = parsed.error.issues.filter((issue) => issue.code !== "too_big");
  if (shape.length > 0) throw new InvalidInputError(`invalid request: ${summarize(shape)}`);
  throw new PayloadTooLargeError(summarize(parsed.error.issues), limits);
}

/**
 * Builds the response from the classifier's output (probabilities in `labels` order) and, per
 * text, whether it had a known term (true where `known` does not say).
 * @example toPredictResponse("v1", ["animal", "food"], { labels: ["food"], probabilities: [new Float32Array([0.1, 0.9])] }, [true]);
 */
export function toPredictResponse(
  modelVersion: string,
  classes: readonly string[],
  output: { labels: string[]; probabilities: Float32Array[] },
  known: readonly boolean[] = [],
): PredictResponse {
  const predictions = predictionsOf(classes, output, known).map(
    ({ label, probability, probabilities, knownTokens }) => ({
      label,
      probability,
      probabilities: Object.fromEntries(classes.map((name, c) => [name, probabilities[c]!])),
      knownTokens,
    }),
  );
  return { modelVersion, predictions };
}
