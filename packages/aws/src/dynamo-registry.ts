import { randomBytes } from "node:crypto";
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, paginateQuery, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  type Collected,
  DecisionRecord,
  LivePointer,
  type ModelStatus,
  ModelVersionRecord,
  RunRecord,
} from "@tollgate/core/contracts";
import { LiveModelChangedError, ModelNotFoundError } from "@tollgate/core/errors";
import { parseRecord } from "@tollgate/core/json";
import type { Registry } from "@tollgate/core/ports";
import { legacyHistory, nextHistory } from "@tollgate/core/registry/live-history";
import type { z } from "zod";
import { keys } from "./table.ts";

/** How to build a {@link DynamoRegistry}. */
export interface DynamoRegistryOptions {
  tableName: string;
  /** Defaults to a client from the environment (region, credentials, `AWS_ENDPOINT_URL_DYNAMODB`). */
  client?: DynamoDBClient | DynamoDBDocumentClient;
}

type Item = Record<string, unknown>;

function isConditionFailure(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err instanceof Error && err.name === "ConditionalCheckFailedException")
  );
}

/** An item without its keys, checked against the record's contract. */
function fromItem<S extends z.ZodType>(schema: S, item: Item, where: string): z.infer<S> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return parseRecord(schema, rest, where);
}

/** A live pointer item; one written before pointers had a history gets its `previous` as history. */
function livePointerOf(item: Item, modelName: string): LivePointer {
  const history = item.history ?? legacyHistory(item.previous as string | null | undefined);
  return fromItem(LivePointer, { ...item, history }, `live pointer of ${modelName}`);
}

/** Newest first: `createdAt` descending, then version descending (as the SQLite registry). */
function newestFirst(a: ModelVersionRecord, b: ModelVersionRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.version < b.version ? 1 : a.version > b.version ? -1 : 0;
}

/**
 * The version's status as readers see it: the live pointer decides what is live. A stored
 * "live" that is not the pointer's version was superseded (its update may have been lost).
 */
function withDerivedStatus(record: ModelVersionRecord, live: string | undefined): ModelVersionRecord {
  if (record.version === live)
    return record.status === "live" ? record : { ...record, status: "live", statusReason: null };
  if (record.status === "live") return { ...record, status: "retired", statusReason: `replaced by ${live ?? "none"}` };
  return record;
}

/**
 * The {@link Registry} in one DynamoDB table (see `table.ts` for the item layout).
 *
 * `swapLive` needs no transactions (DynamoDB Local and dynalite differ there): it first checks
 * that `next` exists, reads the live pointer (its version and history), then writes the pointer
 * item with the new version and history, on the condition that the item is still the one it read
 * (same version and `since`; `attribute_not_exists(pk)` for the first promotion). That conditional
 * write is the commit point: DynamoDB applies conditional writes to one item atomically, so of several
 * promotions from the same expected version exactly one succeeds and the others get
 * ConditionalCheckFailed → {@link LiveModelChangedError}. Only after it does the winner update
 * the two version items' `status` (next → live, previous → retired).
 *
 * Why that order is safe: the pointer is the only source of truth for what is live; version
 * statuses are denormalized copies for listing. If the process dies between the two steps, or
 * two sequential swaps' status updates land out of order, the stored statuses can lag, but
 * every read here derives "live" from the pointer (`withDerivedStatus`), serving never reads
 * statuses, and the next swap rewrites them. The reverse order (statuses first) could show a
 * version as live that never won the pointer.
 */
export class DynamoRegistry implements Registry {
  /** The table's name. */
  readonly tableName: string;
  private readonly doc: DynamoDBDocumentClient;

  constructor(options: DynamoRegistryOptions) {
    this.tableName = options.tableName;
    const client = options.client ?? new DynamoDBClient({});
    this.doc =
      client instanceof DynamoDBDocumentClient
        ? client
        : DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async putModelVersion(record: ModelVersionRecord): Promise<void> {
    const item = { ...record, statusReason: record.statusReason ?? null };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.version(record.modelName, record.version), ...item },
      }),
    );
  }

  async getModelVersion(modelName: string, version: string): Promise<ModelVersionRecord | undefined> {
    const [item, live] = await Promise.all([this.get(keys.version(modelName, version)), this.getLive(modelName)]);
    return item && withDerivedStatus(fromItem(ModelVersionRecord, item, `registry item ${item.sk}`), live?.version);
  }

  async listModelVersions(modelName: string): Promise<ModelVersionRecord[]> {
    // One query reads the versions and the pointer (same partition, consistent read).
    const versions: ModelVersionRecord[] = [];
    let live: string | undefined;
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.modelPk(modelName) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (item.sk === "LIVE") live = String(item.version);
        else if (String(item.sk).startsWith(keys.versionPrefix))
          versions.push(fromItem(ModelVersionRecord, item, `registry item ${item.sk}`));
      }
    }
    return versions.map((v) => withDerivedStatus(v, live)).sort(newestFirst);
  }

  async setModelStatus(modelName: string, version: string, status: ModelStatus, reason?: string): Promise<void> {
    try {
      await this.setStatus(modelName, version, status, reason ?? null);
    } catch (err) {
      if (isConditionFailure(err))
        throw new ModelNotFoundError(`model ${modelName} has no version ${version}`, { cause: err });
      throw err;
    }
  }

  async markCollected(modelName: string, version: string, collected: Collected): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.version(modelName, version),
          UpdateExpression: "SET collected = :collected",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":collected": collected },
        }),
      );
    } catch (err) {
      if (isConditionFailure(err))
        throw new ModelNotFoundError(`model ${modelName} has no version ${version}`, { cause: err });
      throw err;
    }
  }

  async getLive(modelName: string): Promise<LivePointer | undefined> {
    const item = await this.get(keys.live(modelName));
    return item && livePointerOf(item, modelName);
  }

  async swapLive(
    modelName: string,
    expected: string | null,
    next: string,
    by: string,
    options: { back?: number } = {},
  ): Promise<LivePointer> {
    if (!(await this.get(keys.version(modelName, next)))) {
      throw new ModelNotFoundError(`model ${modelName} has no version ${next}`);
    }
    const changed = (cause?: unknown, current?: string) =>
      new LiveModelChangedError(
        `live model ${modelName} is ${current ?? "none"}, expected ${expected ?? "none"}; not promoting ${next}`,
        { cause },
      );
    const item = await this.get(keys.live(modelName));
    const current = item && livePointerOf(item, modelName);
    if ((current?.version ?? null) !== expected) throw changed(undefined, current?.version);
    const history = nextHistory(current?.history ?? [], expected, next, options);
    const pointer: LivePointer = {
      modelName,
      version: next,
      since: new Date().toISOString(),
      by,
      previous: expected,
      history,
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.live(modelName), ...pointer },
          // The pointer as read above, still: its version (the compare-and-swap) and its `since`, so
          // that a history changed by swaps that came back to the same version is not overwritten.
          ...(current
            ? {
                ConditionExpression: "#version = :expected AND #since = :since",
                ExpressionAttributeNames: { "#version": "version", "#since": "since" },
                ExpressionAttributeValues: { ":expected": current.version, ":since": current.since },
              }
            : { ConditionExpression: "attribute_not_exists(pk)" }),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      throw changed(err, (await this.getLive(modelName))?.version);
    }
    // Committed. The status fields are derived data (see the class comment).
    await this.setStatus(modelName, next, "live", null);
    if (expected !== null && expected !== next)
      await this.setStatus(modelName, expected, "retired", `replaced by ${next}`);
    return pointer;
  }

  async putRun(record: RunRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.run(record.runId), ...record } }));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const item = await this.get(keys.run(runId));
    return item && fromItem(RunRecord, item, `registry run ${runId}`);
  }

  async recordDecision(record: DecisionRecord): Promise<void> {
    // the sort key orders decisions by time; the random tail keeps two in one millisecond apart
    const key = keys.decision(record.modelName, record.at, randomBytes(4).toString("hex"));
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...key, ...record } }));
  }

  async listDecisions(modelName: string): Promise<DecisionRecord[]> {
    const decisions: DecisionRecord[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": keys.modelPk(modelName), ":prefix": keys.decisionPrefix },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) decisions.push(fromItem(DecisionRecord, item, `registry item ${item.sk}`));
    }
    return decisions;
  }

  private async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /** Conditional on the version item existing (fails with ConditionalCheckFailed otherwise). */
  private async setStatus(
    modelName: string,
    version: string,
    status: ModelStatus,
    reason: string | null,
  ): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.version(modelName, version),
        UpdateExpression: "SET #status = :status, #reason = :reason",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#status": "status", "#reason": "statusReason" },
        ExpressionAttributeValues: { ":status": status, ":reason": reason },
      }),
    );
  }
}
