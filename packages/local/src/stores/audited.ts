/**
 * Decorators that write an audit record (CloudTrail data-event shape) for every successful
 * write to an object store or the registry, as CloudTrail does for the model bucket and the
 * registry table on AWS. Reads are not recorded.
 */
import type {
  AuditRecordInput,
  Collected,
  DecisionRecord,
  LivePointer,
  ModelStatus,
  ModelVersionRecord,
  RunRecord,
} from "@tollgate/core/contracts";
import type { AuditLog, ObjectStore, Registry } from "@tollgate/core/ports";

/** Who is acting, and for which run. */
export interface AuditContext {
  userIdentity: AuditRecordInput["userIdentity"];
  runId?: string;
}

/** A fixed context, or a function read at each write (e.g. the run currently executing). */
export type AuditContextSource = AuditContext | (() => AuditContext);

/** A context for {@link auditedObjectStore}; `bucket` names the bucket in ARNs. */
export type ObjectAuditContext = (AuditContext & { bucket?: string }) | (() => AuditContext);

/** A context for {@link auditedRegistry}; `table` (and optionally `tableArn`) name the table. */
export type RegistryAuditContext = (AuditContext & { table?: string; tableArn?: string }) | (() => AuditContext);

/** The local account id used in ARNs. */
export const LOCAL_ACCOUNT = "000000000000";

function resolveContext(ctx: AuditContextSource): AuditContext {
  return typeof ctx === "function" ? ctx() : ctx;
}

function entry(
  ctx: AuditContextSource,
  fields: Pick<AuditRecordInput, "eventSource" | "eventName" | "requestParameters" | "resources">,
): AuditRecordInput {
  const { userIdentity, runId } = resolveContext(ctx);
  return { ...fields, userIdentity, ...(runId === undefined ? {} : { runId }) };
}

/** The store's own `bucket` name when it has one (FolderObjectStore, S3ObjectStore), else "local". */
function bucketOf(store: ObjectStore): string {
  const named = store as ObjectStore & { bucket?: unknown };
  return typeof named.bucket === "string" ? named.bucket : "local";
}

/** The registry table's name when none is given. */
export const DEFAULT_TABLE = "tollgate-registry";

/**
 * Wraps an object store so each `put` is recorded as `s3.amazonaws.com` `PutObject` on
 * `arn:aws:s3:::<bucket>/<key>`. The bucket is `bucket`, else `ctx.bucket`, else the store's own.
 */
export function auditedObjectStore(
  store: ObjectStore,
  audit: AuditLog,
  ctx: ObjectAuditContext,
  bucket?: string,
): ObjectStore {
  const name = bucket ?? (typeof ctx === "function" ? undefined : ctx.bucket) ?? bucketOf(store);
  return {
    async put(key: string, body: Uint8Array | string): Promise<void> {
      await store.put(key, body);
      const size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
      await audit.record(
        entry(ctx, {
          eventSource: "s3.amazonaws.com",
          eventName: "PutObject",
          requestParameters: { bucketName: name, key, contentLength: size },
          resources: [
            { type: "AWS::S3::Object", ARN: `arn:aws:s3:::${name}/${key}` },
            { type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${name}` },
          ],
        }),
      );
    },
    /** Recorded as one `DeleteObjects` (S3's batch delete) naming every key. */
    async delete(keys: string[]): Promise<void> {
      if (keys.length === 0) return;
      await store.delete(keys);
      await audit.record(
        entry(ctx, {
          eventSource: "s3.amazonaws.com",
          eventName: "DeleteObjects",
          requestParameters: { bucketName: name, keys },
          resources: [{ type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${name}` }],
        }),
      );
    },
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
    listSized: (prefix) => store.listSized(prefix),
    exists: (key) => store.exists(key),
    ...(store.localPath ? { localPath: (key: string) => store.localPath?.(key) ?? "" } : {}),
  };
}

/** The ARN of a DynamoDB table (region "local" and account {@link LOCAL_ACCOUNT} by default). */
export function tableArn(table: string, region = "local", account = LOCAL_ACCOUNT): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${table}`;
}

/**
 * Wraps a registry so each write is recorded as a `dynamodb.amazonaws.com` data event on the
 * table: `PutItem` for new version and run items and the first live pointer, `UpdateItem` for
 * status changes and pointer swaps. `key` names the item as the DynamoDB registry lays it out.
 * The table is `table`, else `ctx.table`, else {@link DEFAULT_TABLE}.
 */
export function auditedRegistry(
  registry: Registry,
  audit: AuditLog,
  ctx: RegistryAuditContext,
  table?: string,
): Registry {
  const fixed: { table?: string; tableArn?: string } = typeof ctx === "function" ? {} : ctx;
  const tableName = table ?? fixed.table ?? DEFAULT_TABLE;
  const arn = fixed.tableArn ?? tableArn(tableName);
  const write = (
    eventName: "PutItem" | "UpdateItem",
    key: { pk: string; sk: string },
    details: Record<string, unknown>,
  ) =>
    audit.record(
      entry(ctx, {
        eventSource: "dynamodb.amazonaws.com",
        eventName,
        requestParameters: { tableName, key, ...details },
        resources: [{ type: "AWS::DynamoDB::Table", ARN: arn }],
      }),
    );
  return {
    async putModelVersion(record: ModelVersionRecord): Promise<void> {
      await registry.putModelVersion(record);
      await write(
        "PutItem",
        { pk: `MODEL#${record.modelName}`, sk: `VERSION#${record.version}` },
        { status: record.status },
      );
    },
    getModelVersion: (modelName, version) => registry.getModelVersion(modelName, version),
    listModelVersions: (modelName) => registry.listModelVersions(modelName),
    async setModelStatus(modelName: string, version: string, status: ModelStatus, reason?: string): Promise<void> {
      await registry.setModelStatus(modelName, version, status, reason);
      await write(
        "UpdateItem",
        { pk: `MODEL#${modelName}`, sk: `VERSION#${version}` },
        { status, reason: reason ?? null },
      );
    },
    async markCollected(modelName: string, version: string, collected: Collected): Promise<void> {
      await registry.markCollected(modelName, version, collected);
      await write("UpdateItem", { pk: `MODEL#${modelName}`, sk: `VERSION#${version}` }, { collected });
    },
    getLive: (modelName) => registry.getLive(modelName),
    async swapLive(modelName, expected, next, by, options = {}): Promise<LivePointer> {
      const pointer = await registry.swapLive(modelName, expected, next, by, options);
      await write(
        "PutItem",
        { pk: `MODEL#${modelName}`, sk: "LIVE" },
        {
          conditionExpression:
            expected === null ? "attribute_not_exists(pk)" : "version = :expected AND since = :since",
          expectedVersion: expected,
          newVersion: next,
          by,
          ...(options.back ? { back: options.back } : {}),
        },
      );
      return pointer;
    },
    async putRun(record: RunRecord): Promise<void> {
      await registry.putRun(record);
      await write("PutItem", { pk: `RUN#${record.runId}`, sk: "RUN" }, { decision: record.decision });
    },
    getRun: (runId) => registry.getRun(runId),
    async recordDecision(record: DecisionRecord): Promise<void> {
      await registry.recordDecision(record);
      await write(
        "PutItem",
        { pk: `MODEL#${record.modelName}`, sk: `DECISION#${record.at}` },
        { action: record.action, version: record.version, by: record.by, reason: record.reason },
      );
    },
    listDecisions: (modelName) => registry.listDecisions(modelName),
  };
}
