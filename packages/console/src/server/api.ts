/**
 * The console's queries and actions over the local stores. Promote and rollback go through the
 * registry rules the CLI uses (one compare-and-swap of the live pointer), with audited ports.
 */
import { Manifest, Metrics, runManifestKey } from "@tollgate/core/contracts";
import { ExecutionNotFoundError, ModelNotFoundError, ObjectNotFoundError } from "@tollgate/core/errors";
import { readJson } from "@tollgate/core/json-lines";
import type { Logger } from "@tollgate/core/logger";
import { lineageOf } from "@tollgate/core/registry/lineage";
import { compareVersions } from "@tollgate/core/registry/model-detail";
import { approveVersion, promoteVersion, rejectVersion, rollbackLive } from "@tollgate/core/registry/promotion";
import { baselineOfRun, dataQuality, quarantinedRows, takeQuarantined } from "@tollgate/core/workflow/data-quality";
import { arnTail, childIndex, mapRunViews, toChild } from "@tollgate/core/workflow/map-runs";
import type { Tollgate } from "@tollgate/local/app";
import { type RunSettings, runInput, runName } from "@tollgate/local/run-request";
import type { ExecutionFilter } from "@tollgate/local/stores";
import { readAudit } from "@tollgate/local/stores/audit-log";
import { z } from "zod";
import type {
  Comparison,
  Graph,
  Lineage,
  ModelSummary,
  ModelView,
  ParentRun,
  RejectResult,
  RunQuality,
  RunStarted,
  RunSummary,
  RunsPage,
  RunView,
  SwapResult,
  VersionMetrics,
  VersionTraining,
} from "../api-types.ts";
import { runView, summarize } from "./run-view.ts";
import { TrainingCard, trainingView } from "./training-view.ts";

/** The metricsKey JSON that Evaluate writes next to the model. */
const MetricsFile = z.object({
  candidate: Metrics,
  live: z
    .object({ version: z.string(), accuracy: z.number(), threshold: z.number(), metrics: Metrics.nullable() })
    .nullable(),
});

/** What {@link ConsoleApi} is built from. */
export interface ConsoleApiDeps {
  tollgate: Tollgate;
  graph: Graph;
  /** The graph of each Distributed Map state's ItemProcessor (a child execution's own state machine). */
  childGraphs?: Record<string, Graph>;
  /** Who promotes and rolls back (audit principal and the live pointer's `by`), e.g. `console:alice`. */
  user: string;
  /** What the Start button starts runs with (the CLI's `run` reads the same settings). */
  settings: RunSettings;
  logger: Logger;
}

/**
 * @example
 * const api = new ConsoleApi({ tollgate, graph, user: "console:alice" });
 * const failed = await api.listRuns({ status: "FAILED", limit: 20 });
 */
export class ConsoleApi {
  /** Runs started or redriven from the console, still running in this process. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: ConsoleApiDeps) {}

  private get stores() {
    return this.deps.tollgate.stores;
  }

  /** Executions newest first, with their gate decision: one page of those that pass the filter, and how many do. */
  async listRuns(filter: ExecutionFilter & { limit: number; offset: number }): Promise<RunsPage> {
    const executions = this.stores.executions.list(filter);
    const runs = await Promise.all(
      executions.map(async (e): Promise<RunSummary> => summarize(e, await this.stores.registry.getRun(e.name))),
    );
    return { runs, total: this.stores.executions.count(filter), offset: filter.offset, limit: filter.limit };
  }

  /** One run: graph, states, history, gate numbers and audit records. @throws ExecutionNotFoundError */
  async getRun(name: string): Promise<RunView> {
    const execution = this.stores.executions.get(name);
    if (!execution) throw new ExecutionNotFoundError(`no run named ${name}`);
    const [record, audit] = await Promise.all([
      this.stores.registry.getRun(name),
      readAudit(this.stores.auditFile, { runId: name }),
    ]);
    const events = this.stores.executions.history(name);
    const parent = execution.mapRunArn ? this.parentOf(execution.name, execution.mapRunArn) : null;
    // the same shapes as `tollgate show` (core's map-runs.ts): a run's Map Runs with their children
    const mapRuns = parent
      ? []
      : mapRunViews(this.stores.mapRuns.list(name), events).map((r) => ({
          ...r,
          children: this.stores.executions.list({ mapRunArn: r.mapRunArn }).map((e) => toChild(e)),
        }));
    const graph = (parent && this.deps.childGraphs?.[parent.stateName]) || this.deps.graph;
    return runView({ execution, events, record, audit, graph, mapRuns, parent });
  }

  /** A child execution's run, Map state, Map Run and item (DescribeMapRun of its Map Run). */
  private parentOf(child: string, mapRunArn: string): ParentRun | null {
    const mapRun = this.stores.mapRuns.get(mapRunArn);
    if (!mapRun) return null;
    return { name: arnTail(mapRun.executionArn), stateName: mapRun.stateName, mapRunArn, index: childIndex(child) };
  }

  /**
   * A run's data quality, as `tollgate show` prints it (ETL counts, quarantine reasons, labels, label
   * shift against the model Evaluate compared it with), and its first quarantined rows as `tollgate quarantine` lists them.
   * @throws ExecutionNotFoundError
   */
  async runQuality(name: string, filter: { reason?: string | undefined; limit: number }): Promise<RunQuality> {
    const execution = this.stores.executions.get(name);
    if (!execution) throw new ExecutionNotFoundError(`no run named ${name}`);
    const modelName = summarize(execution, await this.stores.registry.getRun(name)).modelName;
    const quality = modelName
      ? ((await dataQuality(this.detailPorts, name, modelName, baselineOfRun(execution.output))) ?? null)
      : null;
    if (!quality) return { quality: null, quarantine: { total: 0, rows: [] } };
    const manifest = await readJson(this.stores.objects.data, runManifestKey(name), Manifest);
    return { quality, quarantine: await takeQuarantined(quarantinedRows(this.stores.objects.data, manifest), filter) };
  }

  private get detailPorts() {
    const { registry, objects } = this.stores;
    return { registry, data: objects.data, models: objects.models };
  }

  /** Two versions scored on the same test split (`tollgate models compare`). */
  compare(modelName: string, a: string, b: string, on?: string): Promise<Comparison> {
    return compareVersions(this.detailPorts, modelName, a, b, on);
  }

  /** Raw files → dataset → run → model → decisions (`tollgate lineage`). */
  lineage(modelName: string, version: string): Promise<Lineage> {
    return lineageOf(this.detailPorts, modelName, version, async (runId) => this.stores.executions.get(runId)?.input);
  }

  /** Starts a run on `raw/<dataset>/` as `tollgate run` does; answers once it has started. */
  async startRun(dataset: string, force: boolean): Promise<RunStarted> {
    const input = runInput(this.deps.settings, dataset, [], force);
    const name = runName(dataset);
    const handle = await this.deps.tollgate.workflow.start(name, input, { startedBy: this.deps.user });
    return this.track(name, handle.started, handle.done);
  }

  /** RedriveExecution, as `tollgate redrive` does; answers once it has restarted. */
  async redrive(name: string): Promise<RunStarted> {
    const handle = await this.deps.tollgate.workflow.redrive(name);
    return this.track(name, handle.started, handle.done);
  }

  /** StopExecution, as `tollgate stop` does: the run ends ABORTED. */
  async stop(name: string): Promise<RunSummary> {
    const execution = await this.deps.tollgate.workflow.stop(name, { stoppedBy: this.deps.user });
    return summarize(execution, await this.stores.registry.getRun(name));
  }

  /** Keeps a run this process executes until it ends (its failure is the run's, recorded in the store). */
  private track(name: string, started: boolean, done: Promise<unknown>): RunStarted {
    const settled = done.then(
      () => undefined,
      (err: unknown) => this.deps.logger.error({ err, run: name }, "a run started from the console failed"),
    );
    this.inFlight.set(name, settled);
    void settled.finally(() => this.inFlight.delete(name));
    return { name, started };
  }

  /** Stops the runs this console still executes and waits for them to end (before the stores close). */
  async close(): Promise<void> {
    const running = [...this.inFlight];
    for (const [name] of running) await this.stop(name).catch(() => undefined);
    await Promise.all(running.map(([, done]) => done));
    await this.deps.tollgate.workflow.idle();
  }

  /** The model names that runs have trained, with their live pointers. */
  async listModels(): Promise<ModelSummary[]> {
    const names = new Set<string>();
    for (const e of this.stores.executions.list()) {
      const name = summarize(e, undefined).modelName;
      if (name) names.add(name);
    }
    return Promise.all(
      [...names].sort().map(async (modelName) => ({
        modelName,
        versions: (await this.stores.registry.listModelVersions(modelName)).length,
        live: (await this.stores.registry.getLive(modelName)) ?? null,
      })),
    );
  }

  /** A model's versions, oldest first, and its live pointer. */
  async getModel(modelName: string): Promise<ModelView> {
    const [versions, live, decisions] = await Promise.all([
      this.stores.registry.listModelVersions(modelName),
      this.stores.registry.getLive(modelName),
      this.stores.registry.listDecisions(modelName),
    ]);
    if (versions.length === 0) throw new ModelNotFoundError(`model ${modelName} has no versions`);
    versions.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.version.localeCompare(b.version));
    return { modelName, live: live ?? null, versions, decisions };
  }

  /** The evaluation of a version (confusion matrix included). @throws ModelNotFoundError, ObjectNotFoundError */
  async versionMetrics(modelName: string, version: string): Promise<VersionMetrics> {
    const record = await this.stores.registry.getModelVersion(modelName, version);
    if (!record) throw new ModelNotFoundError(`model ${modelName} has no version ${version}`);
    if (!record.metricsKey) throw new ObjectNotFoundError(`${modelName}@${version} was never evaluated`);
    const body = await this.stores.objects.models.get(record.metricsKey);
    return MetricsFile.parse(JSON.parse(new TextDecoder().decode(body)));
  }

  /** How a version was trained: chosen values, selection candidates, loss curve. @throws ModelNotFoundError */
  async versionTraining(modelName: string, version: string): Promise<VersionTraining> {
    const record = await this.stores.registry.getModelVersion(modelName, version);
    if (!record) throw new ModelNotFoundError(`model ${modelName} has no version ${version}`);
    const body = await this.stores.objects.models.get(record.cardKey);
    return trainingView(TrainingCard.parse(JSON.parse(new TextDecoder().decode(body))));
  }

  private get registry() {
    return this.deps.tollgate.portsFor(this.deps.user).registry;
  }

  private decision(reason: string | undefined) {
    return { by: this.deps.user, reason };
  }

  /** Makes `version` live (compare-and-swap on the current live version); a gate-rejected one needs a reason. */
  async promote(modelName: string, version: string, reason?: string): Promise<SwapResult> {
    return { live: await promoteVersion(this.registry, modelName, version, this.decision(reason)) };
  }

  /** Makes the previously live version live again (the same swap). */
  async rollback(modelName: string, reason?: string): Promise<SwapResult> {
    return { live: await rollbackLive(this.registry, modelName, this.decision(reason)) };
  }

  /** Approves a version pending approval (the Promote step's compare-and-swap). */
  async approve(modelName: string, version: string, reason: string): Promise<SwapResult> {
    return { live: await approveVersion(this.registry, modelName, version, this.decision(reason)) };
  }

  /** Rejects a version pending approval. */
  async reject(modelName: string, version: string, reason: string): Promise<RejectResult> {
    return { version: await rejectVersion(this.registry, modelName, version, this.decision(reason)) };
  }
}
