/**
 * @tollgate/core: the domain, with no AWS and no local store in it. Each domain is a namespace
 * here and a subpath of its own (`@tollgate/core/ml`, `@tollgate/core/steps`, …), which is what
 * the other packages import, so a process loads only the domains it uses.
 *
 * - `contracts`: the zod schema of every boundary (state inputs and outputs, registry records).
 * - `errors`: named error classes a state machine can route on.
 * - `settings` (namespace `Config`): the one settings schema, its environment keys and reader.
 * - `logger`: the structured logger.
 * - `ports`: the interfaces core takes (object store, registry, audit log); `json-lines` reads
 *   and writes JSON (Lines) through an object store, `json-lines-reader` streams JSON Lines rows.
 * - `ml`: text → features → linear model → ONNX, and metrics.
 * - `steps`: the workflow's Lambda steps (Preprocess, Train, Evaluate, Promote, Reject, RecordFailure).
 * - `workflow`: runs from uploads, executions and their history, a run's timeline.
 * - `registry`: promotion and rollback rules.
 * - `serving`: predictions from the live model.
 * @example
 * import { Ml, Steps } from "@tollgate/core";
 */
export * as Contracts from "./contracts.ts";
export * as Errors from "./errors.ts";
export * as JsonLines from "./json-lines.ts";
export * as JsonLinesReader from "./json-lines-reader.ts";
export * as Logging from "./logger.ts";
export * as Ml from "./ml/index.ts";
export type * as Ports from "./ports.ts";
export * as Registry from "./registry/index.ts";
export * as Serving from "./serving/index.ts";
export * as Config from "./settings.ts";
export * as Steps from "./steps/index.ts";
export * as Workflow from "./workflow/index.ts";
