/**
 * The console's queries and actions over the local stores. Promote and rollback go through the
 * registry rules the CLI uses (one compare-and-swap of the live pointer), with audited ports.
 */
import { Metrics } from "@tollgate/core/contracts";
import { ExecutionNotFoundError, ModelNotFoundError, ObjectNotFoundError } from "@tollgate/core/errors";
import { approveVersion, promoteVersion, rejectVersion, rollbackLive } from "@tollgate/core/registry/promotion";
import type { Tollgate } from "@tollgate/local/app";
import { readAudit } from "@tollgate/local/stores/audit-log";
import { z } from "zod";
import type {
  ExecutionStatus,
  Graph,
  ModelSummary,
  ModelView,
  RejectResult,
  RunSummary,
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
  /** Who promotes and rolls back (audit principal and the live pointer's `by`), e.g. `console:alice`. */
  user: string;
}

/**
 * @example
 * const api = new ConsoleApi({ tollgate, graph, user: "console:alice" });
 * const failed = await api.listRuns({ status: "FAILED", limit: 20 });
 */
export class ConsoleApi {
  constructor(private readonly deps: ConsoleApiDeps) {}

  private get stores() {
    return this.deps.tollgate.stores;
  }

  /** Executions newest first, with their gate decision. */
  async listRuns(filter: { status?: ExecutionStatus; limit: number }): Promise<RunSummary[]> {
    const executions = this.stores.executions.list(filter);
    return Promise.all(executions.map(async (e) => summarize(e, await this.stores.registry.getRun(e.name))));
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
    return runView({ execution, events, record, audit, graph: this.deps.graph });
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
