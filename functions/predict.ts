/**
 * Lambda entry point of the predict Function URL (payload format 2.0): `POST` `{"texts": [...]}`
 * → predictions from the live model; `GET` → the live version. The local `tollgate serve`
 * adapts node:http requests to this event shape and calls the same factory.
 */
import { type Logger, logger as rootLogger } from "@tollgate/core/logger";
import {
  type HealthResponse,
  httpHandler,
  PredictService,
  type ServingConfig,
  type ServingPorts,
  servingConfigFromEnv,
} from "@tollgate/core/serving";
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from "aws-lambda";
import { z } from "zod";

/** The part of a Function URL event the handler reads. */
const FunctionUrlEvent = z.object({
  rawPath: z.string(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().default(false),
  requestContext: z.object({ requestId: z.string(), http: z.object({ method: z.string() }) }),
});

/** A Function URL handler, plus warm-up and shutdown for a long-running server. */
export interface PredictHandler {
  (event: LambdaFunctionURLEvent): Promise<APIGatewayProxyStructuredResultV2>;
  /** Loads the live model now. @throws ServiceUnavailableError when none can answer. */
  health(): Promise<HealthResponse>;
  /** Stops answering; loaded models are released once in-flight requests finish. */
  close(): Promise<void>;
}

/**
 * The predict handler over a target's ports: one model cache per handler, so build it once per process.
 * @example const handle = predictHandler({ registry, models }, servingConfigFromEnv(process.env));
 */
export function predictHandler(
  ports: ServingPorts,
  config: ServingConfig,
  logger: Logger = rootLogger,
): PredictHandler {
  const service = new PredictService(ports, config, { logger });
  const handle = httpHandler(service, logger);
  const handler = async (event: LambdaFunctionURLEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const parsed = FunctionUrlEvent.safeParse(event);
    if (!parsed.success) {
      logger.error({ issues: parsed.error.issues }, "not a Function URL event");
      return {
        statusCode: 400,
        headers: { "content-type": "application/json" },
        body: '{"error":"InvalidInputError","message":"not a Function URL event"}',
      };
    }
    const { rawPath, body, isBase64Encoded, requestContext } = parsed.data;
    const text = body !== undefined && isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
    return handle({
      method: requestContext.http.method,
      path: rawPath,
      body: text,
      requestId: requestContext.requestId,
    });
  };
  return Object.assign(handler, { health: () => service.health(), close: () => service.close() });
}

let instance: PredictHandler | undefined;

/** The Lambda handler: AWS ports and the configuration from the environment, built on the first request. */
export const handler = async (event: LambdaFunctionURLEvent): Promise<APIGatewayProxyStructuredResultV2> => {
  if (!instance) {
    const { awsPorts } = await import("./aws.ts");
    instance = predictHandler(awsPorts(), servingConfigFromEnv(process.env));
  }
  return instance(event);
};
