/**
 * Serving: predictions from the live model, cached by version and swapped without dropping
 * a request. Transports (Lambda Function URL, the local HTTP server) call {@link httpHandler}.
 */
export { type ClassifierOutput, MicroBatcher } from "./batcher.ts";
export { ServingConfig, type ServingConfigInput, servingConfigFromEnv } from "./config.ts";
export {
  ERROR_ENVELOPE_VERSION,
  type ErrorEnvelope,
  MethodNotAllowedError,
  PayloadTooLargeError,
  type RequestLimits,
  RequestTimeoutError,
  RouteNotFoundError,
  STATUS_BY_ERROR,
  statusOfError,
  UnsupportedMediaTypeError,
} from "./errors.ts";
export { type HttpRequest, type HttpResponse, httpHandler } from "./http.ts";
export { LiveModelCache, type LoadedModel, type ModelLease, type ModelSource } from "./live-model.ts";
export { predictionsOf, type Ranked, type ScoredText, topClasses } from "./prediction.ts";
export {
  type Prediction,
  type PredictRequest,
  type PredictResponse,
  parsePredictRequest,
  predictRequestSchema,
} from "./request.ts";
export { type HealthResponse, PredictService } from "./service.ts";
export { registryModelSource, type ServingPorts } from "./source.ts";
