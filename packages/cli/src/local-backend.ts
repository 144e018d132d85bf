/** The CLI's local backend: the embedded runtime under TOLLGATE_HOME. */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { basename } from "node:path";
import { Manifest, runManifestKey } from "@tollgate/core/contracts";
import { ExecutionNotFoundError } from "@tollgate/core/errors";
import { readJson } from "@tollgate/core/json-lines";
import { checkName } from "@tollgate/core/names";
import { lineageOf } from "@tollgate/core/registry/lineage";
import { compareVersions, modelDetail } from "@tollgate/core/registry/model-detail";
import { approveVersion, promoteVersion, rejectVersion, rollbackLive } from "@tollgate/core/registry/promotion";
import { collectModels } from "@tollgate/core/registry/retention";
import { dataQuality, quarantinedRows } from "@tollgate/core/workflow/data-quality";
import { toChild } from "@tollgate/core/workflow/map-runs";
import type { RunFilter } from "@tollgate/core/workflow/run-filter";
import { openTollgate, type Tollgate } from "@tollgate/local/app";
import type { LocalConfig } from "@tollgate/local/config";
import { runInput, runName } from "@tollgate/local/run-request";
import { readAudit } from "@tollgate/local/stores/audit-log";
import {
  type Backend,
  type ExecutionSummary,
  type GcRequest,
  modelOfRun,
  predictTexts,
  type RunProgress,
  type StartResult,
} from "./backend.ts";
import { loadVersion } from "./batch/model.ts";

const user = () => `cli:${userInfo().username}`;

export class LocalBackend implements Backend {
  private readonly tg: Tollgate;

  constructor(private readonly config: LocalConfig) {
    const { mapConcurrency, rowsPerChild, specSampleRows, mapWorkers } = config;
    this.tg = openTollgate({
      home: config.home,
      faults: config.faults,
      scale: { mapConcurrency, rowsPerChild, specSampleRows },
      ...(mapWorkers ? { mapWorkers } : {}),
    });
  }

  private async start(name: string, input: unknown, progress: RunProgress): Promise<StartResult> {
    const handle = await this.tg.workflow.start(name, input, { startedBy: user(), ...progress });
    return { name, started: handle.started, execution: await handle.done };
  }

  /** Same content, same key, same execution name: ingesting a file twice starts one run. */
  async ingest(file: string, dataset: string, progress: RunProgress) {
    checkName("dataset", dataset);
    const body = await readFile(file);
    const digest = createHash("sha256").update(body).digest("hex").slice(0, 16);
    const key = `raw/${dataset}/${digest}-${basename(file).replace(/[^A-Za-z0-9._-]/g, "_")}`;
    const name = `ingest-${dataset.slice(0, 50)}-${digest}`;
    const existing = this.tg.stores.executions.get(name);
    if (existing) return { name, key, started: false, execution: existing };
    const input = runInput(this.config, dataset, [key]); // checks the gate settings before anything is written
    await this.tg.portsFor(user()).data.put(key, body);
    return { key, ...(await this.start(name, input, progress)) };
  }

  async run(dataset: string, progress: RunProgress, options: { force?: boolean } = {}) {
    return this.start(runName(dataset), runInput(this.config, dataset, [], options.force ?? false), progress);
  }

  async redrive(name: string, progress: RunProgress) {
    const handle = await this.tg.workflow.redrive(name, progress);
    return { name, started: handle.started, execution: await handle.done };
  }

  stop(name: string) {
    return this.tg.workflow.stop(name, { stoppedBy: user() });
  }

  async listExecutions(filter: RunFilter): Promise<ExecutionSummary[]> {
    return this.tg.stores.executions.list(filter);
  }

  async describeExecution(name: string): Promise<ExecutionSummary> {
    const execution = this.tg.stores.executions.get(name);
    if (!execution) throw new ExecutionNotFoundError(`no run named ${name} (see \`tollgate runs\`)`);
    return execution;
  }

  async history(name: string) {
    await this.describeExecution(name);
    return this.tg.stores.executions.history(name);
  }

  async mapRuns(name: string) {
    await this.describeExecution(name);
    return this.tg.stores.mapRuns.list(name);
  }

  async describeMapRun(mapRunArn: string) {
    const run = this.tg.stores.mapRuns.get(mapRunArn);
    if (!run) throw new ExecutionNotFoundError(`no Map Run ${mapRunArn}`);
    return run;
  }

  async mapRunChildren(mapRunArn: string) {
    return this.tg.stores.executions.list({ mapRunArn }).map((e) => toChild(e));
  }

  getRun(runId: string) {
    return this.tg.stores.registry.getRun(runId);
  }

  async listModels(modelName: string) {
    const registry = this.tg.stores.registry;
    return { versions: await registry.listModelVersions(modelName), live: await registry.getLive(modelName) };
  }

  promote(modelName: string, version: string, reason?: string) {
    return promoteVersion(this.tg.portsFor(user()).registry, modelName, version, { by: user(), reason });
  }

  rollback(modelName: string, reason?: string, steps = 1) {
    return rollbackLive(this.tg.portsFor(user()).registry, modelName, { by: user(), reason }, steps);
  }

  approve(modelName: string, version: string, reason: string) {
    return approveVersion(this.tg.portsFor(user()).registry, modelName, version, { by: user(), reason });
  }

  reject(modelName: string, version: string, reason: string) {
    return rejectVersion(this.tg.portsFor(user()).registry, modelName, version, { by: user(), reason });
  }

  decisions(modelName: string) {
    return this.tg.stores.registry.listDecisions(modelName);
  }

  private detailPorts() {
    const { registry, objects } = this.tg.stores;
    return { registry, data: objects.data, models: objects.models };
  }

  dataQuality(runId: string, modelName: string, baselineVersion?: string | null) {
    return dataQuality(this.detailPorts(), runId, modelName, baselineVersion);
  }

  async lineage(modelName: string, version: string) {
    return lineageOf(this.detailPorts(), modelName, version, (runId) =>
      this.describeExecution(runId).then(
        (e) => e.input,
        () => undefined,
      ),
    );
  }

  async *quarantine(runId: string) {
    const { data } = this.detailPorts();
    yield* quarantinedRows(data, await readJson(data, runManifestKey(runId), Manifest));
  }

  modelDetail(modelName: string, version: string) {
    return modelDetail(this.detailPorts(), modelName, version);
  }

  compareModels(modelName: string, a: string, b: string, on?: string) {
    return compareVersions(this.detailPorts(), modelName, a, b, on);
  }

  loadVersion(modelName: string, version?: string) {
    return loadVersion(this.tg.stores.registry, this.tg.stores.objects.models, modelName, version);
  }

  async predict(modelName: string, texts: string[], topK?: number) {
    return predictTexts(await this.loadVersion(modelName), texts, topK);
  }

  async audit(runId: string) {
    return readAudit(this.tg.stores.auditFile, { runId });
  }

  /** Every write and delete goes through the audited stores: the audit log records what gc removed. */
  async gc({ model, ...request }: GcRequest) {
    const running = this.tg.stores.executions
      .list({ status: "RUNNING", limit: 1000 })
      .map((e) => ({ runId: e.name, startDate: e.startDate }));
    return collectModels(this.tg.portsFor(user()), model, { ...request, by: user(), running });
  }

  async defaultModel() {
    const [newest] = this.tg.stores.executions.list({ status: "SUCCEEDED", limit: 1 });
    return newest && modelOfRun(newest.name, newest.input);
  }

  close() {
    this.tg.close();
  }
}
