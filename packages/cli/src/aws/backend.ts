/**
 * The CLI's AWS backend: a deployed stage behind the same {@link Backend} interface as the
 * local runtime, so every command prints the same formats. It only composes the adapters of
 * `@tollgate/aws` (the SDK calls live there); it connects on first use (credentials before
 * anything else, see packages/aws/src/stage/connect.ts); the registry paths are the same
 * compare-and-swap code as locally (core's registry rules over the DynamoDB registry).
 */
import { userInfo } from "node:os";
import { DynamoRegistry, S3ObjectStore, StepFunctionsRuns } from "@tollgate/aws";
import { auditOnStage } from "@tollgate/aws/cloudtrail";
import { type EtlJobRun, etlFromGlue } from "@tollgate/aws/glue";
import {
  connectStage,
  ingestToStage,
  type PollSettings,
  predictOnStage,
  redriveOnStage,
  runOnStage,
  type StageContext,
  type StartDeps,
} from "@tollgate/aws/stage";
import { Manifest, runManifestKey } from "@tollgate/core/contracts";
import { InvalidInputError } from "@tollgate/core/errors";
import { readJson } from "@tollgate/core/json-lines";
import { lineageOf } from "@tollgate/core/registry/lineage";
import { compareVersions, modelDetail } from "@tollgate/core/registry/model-detail";
import { approveVersion, promoteVersion, rejectVersion, rollbackLive } from "@tollgate/core/registry/promotion";
import { collectModels } from "@tollgate/core/registry/retention";
import { dataQuality, quarantinedRows } from "@tollgate/core/workflow/data-quality";
import type { RunFilter } from "@tollgate/core/workflow/run-filter";
import {
  type Backend,
  type ExecutionSummary,
  type GcRequest,
  type HistoryEvent,
  modelOfRun,
  type RunProgress,
} from "../backend.ts";
import { loadVersion } from "../batch/model.ts";
import type { EtlSource } from "./etl-details.ts";

/** How to build an {@link AwsBackend}. */
export interface AwsBackendOptions {
  stage: string;
  /** Told what the output may be missing (e.g. CloudTrail not delivered yet); the CLI prints it on stderr. */
  notice?: (line: string) => void;
  /** Default: {@link connectStage} with `process.env`. Tests pass clients that answer in-process. */
  connect?: () => Promise<StageContext>;
  poll?: Partial<PollSettings>;
  /** Runs described at once by `runs` (DescribeExecution per row). Default 8. */
  concurrency?: number;
}

interface Connected {
  ctx: StageContext;
  runs: StepFunctionsRuns;
  registry: DynamoRegistry;
}

const user = () => `cli:${userInfo().username}`;

/** Maps `items` with at most `limit` calls in flight, keeping the order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class AwsBackend implements Backend, EtlSource {
  private connected: Promise<Connected> | undefined;

  constructor(private readonly options: AwsBackendOptions) {}

  /** Connects once; every method goes through here first. */
  private async use(): Promise<Connected> {
    this.connected ??= (this.options.connect ?? (() => connectStage(this.options.stage, process.env)))().then(
      (ctx) => ({
        ctx,
        runs: new StepFunctionsRuns(ctx.clients.sfn, ctx.stage.outputs.StateMachineArn),
        registry: new DynamoRegistry({ tableName: ctx.stage.outputs.RegistryTable, client: ctx.clients.dynamo }),
      }),
    );
    return this.connected;
  }

  private startDeps({ ctx, runs }: Connected): StartDeps {
    const coalesceMs = ctx.settings.coalesceSeconds * 1000;
    return {
      s3: ctx.clients.s3,
      dataBucket: ctx.stage.outputs.DataBucket,
      runs,
      settings: ctx.settings,
      poll: { intervalMs: 5000, startTimeoutMs: coalesceMs + 5 * 60_000, ...this.options.poll },
    };
  }

  async ingest(file: string, dataset: string, progress: RunProgress) {
    return ingestToStage(this.startDeps(await this.use()), file, dataset, progress);
  }

  async run(dataset: string, progress: RunProgress, options: { force?: boolean } = {}) {
    return runOnStage(this.startDeps(await this.use()), dataset, progress, options);
  }

  async redrive(name: string, progress: RunProgress) {
    return redriveOnStage(this.startDeps(await this.use()), name, progress);
  }

  async stop(name: string) {
    const { runs } = await this.use();
    await runs.stop(name);
    return runs.describe(name);
  }

  async listExecutions(filter: RunFilter): Promise<ExecutionSummary[]> {
    const { runs } = await this.use();
    const listed = await runs.list(filter);
    return mapLimit(listed, this.options.concurrency ?? 8, (e) => runs.describe(e.name));
  }

  async describeExecution(name: string): Promise<ExecutionSummary> {
    return (await this.use()).runs.describe(name);
  }

  async history(name: string): Promise<HistoryEvent[]> {
    const { runs } = await this.use();
    await runs.describe(name);
    return runs.history(name);
  }

  async mapRuns(name: string) {
    return (await this.use()).runs.mapRuns(name);
  }

  async describeMapRun(mapRunArn: string) {
    return (await this.use()).runs.describeMapRun(mapRunArn);
  }

  async mapRunChildren(mapRunArn: string) {
    return (await this.use()).runs.mapRunChildren(mapRunArn);
  }

  async etlJobRun(events: HistoryEvent[]): Promise<EtlJobRun | undefined> {
    return etlFromGlue((await this.use()).ctx.clients.glue, events);
  }

  async getRun(runId: string) {
    return (await this.use()).registry.getRun(runId);
  }

  async listModels(modelName: string) {
    const { registry } = await this.use();
    const [versions, live] = await Promise.all([registry.listModelVersions(modelName), registry.getLive(modelName)]);
    return { versions, live };
  }

  async promote(modelName: string, version: string, reason?: string) {
    return promoteVersion((await this.use()).registry, modelName, version, { by: user(), reason });
  }

  async rollback(modelName: string, reason?: string, steps = 1) {
    return rollbackLive((await this.use()).registry, modelName, { by: user(), reason }, steps);
  }

  async approve(modelName: string, version: string, reason: string) {
    return approveVersion((await this.use()).registry, modelName, version, { by: user(), reason });
  }

  async reject(modelName: string, version: string, reason: string) {
    return rejectVersion((await this.use()).registry, modelName, version, { by: user(), reason });
  }

  async decisions(modelName: string) {
    return (await this.use()).registry.listDecisions(modelName);
  }

  private async detailPorts() {
    const { ctx, registry } = await this.use();
    const o = ctx.stage.outputs;
    return {
      registry,
      data: new S3ObjectStore({ bucket: o.DataBucket, client: ctx.clients.s3 }),
      models: new S3ObjectStore({ bucket: o.ModelBucket, client: ctx.clients.s3 }),
    };
  }

  async dataQuality(runId: string, modelName: string, baselineVersion?: string | null) {
    return dataQuality(await this.detailPorts(), runId, modelName, baselineVersion);
  }

  async lineage(modelName: string, version: string) {
    return lineageOf(await this.detailPorts(), modelName, version, (runId) =>
      this.describeExecution(runId).then(
        (e) => e.input,
        () => undefined,
      ),
    );
  }

  async *quarantine(runId: string) {
    const { data } = await this.detailPorts();
    yield* quarantinedRows(data, await readJson(data, runManifestKey(runId), Manifest));
  }

  async modelDetail(modelName: string, version: string) {
    return modelDetail(await this.detailPorts(), modelName, version);
  }

  async compareModels(modelName: string, a: string, b: string, on?: string) {
    return compareVersions(await this.detailPorts(), modelName, a, b, on);
  }

  async loadVersion(modelName: string, version?: string) {
    const { registry, models } = await this.detailPorts();
    return loadVersion(registry, models, modelName, version);
  }

  async predict(modelName: string, texts: string[], topK?: number) {
    const { ctx } = await this.use();
    const url = ctx.stage.outputs.PredictUrl;
    if (!url)
      throw new InvalidInputError(`stage ${ctx.stage.name} has no PredictUrl output: it was deployed without Serving`);
    return predictOnStage({ url, region: ctx.region, credentials: ctx.credentials }, modelName, texts, topK);
  }

  async audit(runId: string) {
    const { ctx, runs } = await this.use();
    const [execution, events] = await Promise.all([runs.describe(runId), runs.history(runId)]);
    const o = ctx.stage.outputs;
    return auditOnStage(
      {
        cloudTrail: ctx.clients.cloudTrail,
        s3: ctx.clients.s3,
        dataBucket: o.DataBucket,
        modelBucket: o.ModelBucket,
        registryTable: o.RegistryTable,
        coalesceSeconds: ctx.settings.coalesceSeconds,
        trailBucket: o.TrailBucket,
        notice: this.options.notice ?? (() => {}),
        ...(this.options.poll?.now ? { now: this.options.poll.now } : {}),
        ...(this.options.poll?.sleep ? { sleep: this.options.poll.sleep } : {}),
      },
      execution,
      events,
    );
  }

  /** With the caller's credentials: S3 objects are tagged then deleted (the buckets' lifecycle rule expires the tagged versions). */
  async gc({ model, ...request }: GcRequest) {
    const { runs } = await this.use();
    const running = (await runs.list({ status: "RUNNING", limit: 1000 })).map((e) => ({
      runId: e.name,
      startDate: e.startDate,
    }));
    return collectModels(await this.detailPorts(), model, { ...request, by: user(), running });
  }

  async defaultModel() {
    const { runs } = await this.use();
    const [newest] = await runs.list({ status: "SUCCEEDED", limit: 1 });
    return newest && modelOfRun(newest.name, (await runs.describe(newest.name)).input);
  }

  close() {
    this.connected
      ?.then(({ ctx }) => {
        for (const client of Object.values(ctx.clients)) client.destroy();
      })
      .catch(() => {});
  }
}
