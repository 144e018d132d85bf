/** The predict service: parse the request, lease the live model, score, answer with the version. */
import { type Logger, logger as rootLogger } from "../logger.ts";
import type { ServingConfig } from "./config.ts";
import type { RequestLimits } from "./errors.ts";
import { LiveModelCache, type ModelSource } from "./live-model.ts";
import { type PredictResponse, parsePredictRequest, predictRequestSchema, toPredictResponse } from "./request.ts";
import { registryModelSource, type ServingPorts } from "./source.ts";

/** The body of a healthy `GET` answer. */
export interface HealthResponse {
  status: "ok";
  modelName: string;
  modelVersion: string;
}

/**
 * Predictions from the live version of one model, swapped without dropping a request.
 * @example
 * const service = new PredictService({ registry, models }, servingConfigFromEnv(process.env));
 * const { modelVersion, predictions } = await service.predict('{"texts":["a small dog"]}');
 */
export class PredictService {
  readonly limits: RequestLimits;
  private readonly schema: ReturnType<typeof predictRequestSchema>;
  private readonly cache: LiveModelCache;

  constructor(
    ports: ServingPorts,
    readonly config: ServingConfig,
    options: { logger?: Logger; source?: ModelSource } = {},
  ) {
    const { maxTexts, maxTextChars, maxBodyBytes } = config;
    this.limits = { maxTexts, maxTextChars, maxBodyBytes };
    this.schema = predictRequestSchema(this.limits);
    this.cache = new LiveModelCache(options.source ?? registryModelSource(ports, config.modelName), {
      pointerTtlMs: config.pointerTtlMs,
      maxBatchTexts: config.maxBatchTexts,
      logger: options.logger ?? rootLogger,
    });
  }

  /**
   * Scores the texts of a raw JSON body with the live model.
   * @throws InvalidInputError (bad body), PayloadTooLargeError (over a limit),
   *   ServiceUnavailableError (no live model, or it cannot be loaded).
   */
  async predict(body: string | undefined): Promise<PredictResponse> {
    const { texts } = parsePredictRequest(body, this.limits, this.schema);
    const lease = await this.cache.acquire();
    try {
      const output = await lease.predict(texts);
      return toPredictResponse(lease.version, lease.labels, output, await lease.knownTerms(output.probabilities));
    } finally {
      lease.release();
    }
  }

  /**
   * The version answering now (loading it if needed).
   * @throws ServiceUnavailableError when no live model can answer.
   */
  async health(): Promise<HealthResponse> {
    const lease = await this.cache.acquire();
    lease.release();
    return { status: "ok", modelName: this.config.modelName, modelVersion: lease.version };
  }

  /** Stops taking requests; loaded models are released once in-flight requests finish. */
  close(): Promise<void> {
    return this.cache.close();
  }
}
