/**
 * The retrain trigger: S3 "Object Created" events under `raw/<dataset>/` → executions of the
 * retrain state machine, with names that make repeats no-ops and bursts one run.
 *
 * Naming (see docs/adr/0003-trigger-naming-and-coalescing.md):
 * - `coalesceSeconds = 0`: one run per object version, named `<dataset>-<sha256(key, version) 16 hex>`.
 * - `coalesceSeconds = W > 0`: one run per dataset per aligned window of W seconds of event time,
 *   named `<dataset>-<window start as yyyymmddThhmmssZ>`. The event's time is the object's
 *   creation time, so a redelivered event lands in the same window and gets the same name.
 * Either way the name is a pure function of the event, at most 80 characters of `[A-Za-z0-9-]`.
 * The infrastructure delays delivery by W seconds, so when the first event of a window is
 * handled the window is closed and the run sees every upload made in it.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { datasetName, GateConfig, type RunInput, TrainingOptions } from "../contracts.ts";
import { describeError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import {
  DatasetRunSettings,
  type GateSettings,
  gateOf,
  type Settings,
  type TrainingSettings,
  trainingOptionsOf,
} from "../settings.ts";

/** An S3 "Object Created" event as EventBridge delivers it (only the fields the trigger reads). */
export const ObjectCreatedEvent = z.object({
  id: z.string(),
  source: z.literal("aws.s3"),
  "detail-type": z.literal("Object Created"),
  time: z.iso.datetime({ offset: true }),
  detail: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string(),
      "version-id": z.string().optional(),
      sequencer: z.string().optional(),
      etag: z.string().optional(),
    }),
  }),
});
export type ObjectCreatedEvent = z.infer<typeof ObjectCreatedEvent>;

/** The trigger's settings (the Lambda reads them from its environment once). */
export const TriggerSettings = z.object({
  coalesceSeconds: z.number().int().min(0).max(900).describe("window that coalesces a burst; 0: one run per object"),
  gate: GateConfig,
  seed: z.number().int().nonnegative(),
  trainingOptions: TrainingOptions.optional().describe(
    "the selection budget and pinned hyperparameters (tollgate.config.json `training`; absent: the defaults)",
  ),
  datasets: DatasetRunSettings.optional().describe(
    "per-dataset gate, seed and training options (tollgate.config.json `datasets`)",
  ),
});
export type TriggerSettings = z.infer<typeof TriggerSettings>;

/**
 * The trigger's settings from the flat settings a process read (see settings.ts).
 * @example const settings = triggerSettingsOf(readSettings(Settings.pick({ coalesceSeconds: true, … }), env));
 */
export function triggerSettingsOf(
  s: Pick<Settings, "coalesceSeconds" | "seed"> &
    GateSettings &
    Partial<TrainingSettings> & { datasetSettings?: DatasetRunSettings },
): TriggerSettings {
  return {
    coalesceSeconds: s.coalesceSeconds,
    gate: gateOf(s),
    seed: s.seed,
    trainingOptions: trainingOptionsOf({ selectionBudget: 3, ...s }),
    datasets: s.datasetSettings ?? {},
  };
}

/** The gate, seed and training options a run of `dataset` takes: its own (`datasets.<name>`), else the global ones. */
export function runSettingsFor(
  settings: TriggerSettings,
  dataset: string,
): { gate: GateConfig; seed: number; trainingOptions: TrainingOptions } {
  const { gate, seed, trainingOptions = { selectionBudget: 3 } } = settings;
  return settings.datasets?.[dataset] ?? { gate, seed, trainingOptions };
}

/** One execution to start, and the events (by id) that asked for it. */
export interface PlannedRun {
  name: string;
  input: RunInput;
  eventIds: string[];
}

/** What happened to one planned run. */
export type RunOutcome = { name: string; eventIds: string[] } & (
  | { status: "started"; executionArn: string }
  | { status: "duplicate" }
  | { status: "failed"; error: { name: string; message: string } }
);

/** Starts an execution of the retrain state machine. */
export interface ExecutionStarter {
  /** @throws an error named `ExecutionAlreadyExists` when the name is taken (with another input, or closed). */
  start(name: string, input: RunInput): Promise<{ executionArn: string }>;
}

const RAW_PREFIX = "raw/";
const MAX_NAME = 80;

/**
 * The dataset an object belongs to: the first folder under `raw/`, when it is a valid dataset name.
 * @example datasetOf("raw/reviews/2024/a.jsonl") // "reviews"
 */
export function datasetOf(key: string): string | undefined {
  if (!key.startsWith(RAW_PREFIX) || key.endsWith("/")) return undefined;
  const [dataset, ...rest] = key.slice(RAW_PREFIX.length).split("/");
  if (rest.length === 0 || !datasetName.safeParse(dataset).success) return undefined;
  return dataset;
}

/** The object version's identity: its version id, else (unversioned bucket) its sequencer or ETag. */
function versionOf(event: ObjectCreatedEvent): string {
  const o = event.detail.object;
  return o["version-id"] ?? o.sequencer ?? o.etag ?? "unversioned";
}

/**
 * The execution name for an event: deterministic, at most 80 characters of `[A-Za-z0-9-]`.
 * @example executionName(event, 0)   // "reviews-3f9c2a1b0d4e5f67" (one run per object version)
 * @example executionName(event, 300) // "reviews-20250101T120000Z" (one run per 5-minute window)
 */
export function executionName(event: ObjectCreatedEvent, coalesceSeconds: number): string | undefined {
  const dataset = datasetOf(event.detail.object.key);
  if (!dataset) return undefined;
  let suffix: string;
  if (coalesceSeconds === 0) {
    const identity = `${event.detail.bucket.name}\n${event.detail.object.key}\n${versionOf(event)}`;
    suffix = createHash("sha256").update(identity).digest("hex").slice(0, 16);
  } else {
    const windowMs = coalesceSeconds * 1000;
    const start = Math.floor(Date.parse(event.time) / windowMs) * windowMs;
    suffix = new Date(start)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
  }
  return `${dataset}-${suffix}`.slice(0, MAX_NAME);
}

/**
 * Groups events into runs: one per execution name, its input listing the objects of the group
 * (sorted, so the same group always gives the same input). Events outside `raw/<dataset>/` are dropped.
 * @example planRuns([event], settings) // [{ name: "reviews-…", input: { dataset: "reviews", … }, eventIds: [event.id] }]
 */
export function planRuns(events: ObjectCreatedEvent[], settings: TriggerSettings): PlannedRun[] {
  const runs = new Map<string, { dataset: string; sources: Set<string>; eventIds: string[] }>();
  for (const event of events) {
    const name = executionName(event, settings.coalesceSeconds);
    const dataset = datasetOf(event.detail.object.key);
    if (!name || !dataset) continue;
    const run = runs.get(name) ?? { dataset, sources: new Set<string>(), eventIds: [] };
    run.sources.add(`s3://${event.detail.bucket.name}/${event.detail.object.key}#${versionOf(event)}`);
    run.eventIds.push(event.id);
    runs.set(name, run);
  }
  return [...runs].map(([name, run]) => ({
    name,
    eventIds: run.eventIds,
    input: {
      dataset: run.dataset,
      modelName: run.dataset,
      ...runSettingsFor(settings, run.dataset),
      sources: [...run.sources].sort(),
      force: false,
    },
  }));
}

/**
 * Starts the planned runs. An execution that already exists (a repeated event, or a later
 * upload of a window that already started) is a logged no-op; other errors are returned per run
 * so the caller can retry just those events.
 * @example const outcomes = await startRuns(planRuns(events, settings), starter, logger);
 */
export async function startRuns(runs: PlannedRun[], starter: ExecutionStarter, log: Logger): Promise<RunOutcome[]> {
  return Promise.all(
    runs.map(async ({ name, input, eventIds }): Promise<RunOutcome> => {
      try {
        const { executionArn } = await starter.start(name, input);
        log.info({ runId: name, dataset: input.dataset, sources: input.sources }, "retrain started");
        return { name, eventIds, status: "started", executionArn };
      } catch (err) {
        const error = describeError(err);
        if (error.name === "ExecutionAlreadyExists") {
          log.info({ runId: name, dataset: input.dataset, sources: input.sources }, "execution exists: no-op");
          return { name, eventIds, status: "duplicate" };
        }
        log.error({ runId: name, err }, "could not start the retrain");
        return { name, eventIds, status: "failed", error };
      }
    }),
  );
}
