import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  PutObjectTaggingCommand,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { ObjectAccessDeniedError, ObjectExistsError, ObjectNotFoundError } from "@tollgate/core/errors";
import type { ObjectStore, StoredObject } from "@tollgate/core/ports";

/**
 * The tag `delete` puts on an object version before deleting it. In a versioned bucket the deleted
 * version stays as a noncurrent version; the stacks' lifecycle rules expire only versions with this
 * tag (stacks/Storage.ts), so no rule can expire what a kept model version needs.
 */
export const COLLECTED_TAG = { Key: "tollgate-gc", Value: "collected" } as const;

/** DeleteObjects takes at most this many keys. */
const DELETE_BATCH = 1000;

/** How to build an {@link S3ObjectStore}. */
export interface S3ObjectStoreOptions {
  bucket: string;
  /** Defaults to a client configured from the environment (region, credentials, `AWS_ENDPOINT_URL_S3`). */
  client?: S3Client;
  /**
   * Every `put` creates a new object and never replaces one (S3 conditional write, `If-None-Match: *`):
   * what the model store of Train and Evaluate is, whose roles may only create (stacks/access.ts).
   */
  createOnly?: boolean;
}

const status = (err: unknown) => (err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined);

function isMissing(err: unknown): boolean {
  return (
    err instanceof NoSuchKey ||
    err instanceof NotFound ||
    (err instanceof S3ServiceException && (err.name === "NoSuchKey" || status(err) === 404))
  );
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/**
 * {@link ObjectStore} over one S3 bucket. A PutObject is atomic (readers see the old object
 * or the new one), which is what the port promises.
 *
 * A missing key is {@link ObjectNotFoundError} only when S3 says 404, which it does to callers that
 * may `s3:ListBucket` under the key's prefix (the deployed roles may, for every prefix they read).
 * To other callers S3 answers 403 for a missing key as for a refused one: that is
 * {@link ObjectAccessDeniedError}, never "not found", since it may be a real denial.
 */
export class S3ObjectStore implements ObjectStore {
  /** The bucket's name. */
  readonly bucket: string;
  /** The S3 client in use. */
  readonly client: S3Client;
  private readonly createOnly: boolean;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.client = options.client ?? new S3Client({});
    this.createOnly = options.createOnly ?? false;
  }

  /** @throws ObjectExistsError when the store is create-only and another object is at `key`. */
  async put(key: string, body: Uint8Array | string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ...(this.createOnly ? { IfNoneMatch: "*" } : {}),
        }),
      );
    } catch (err) {
      if (!this.createOnly || status(err) !== 412) throw this.denied(err, key, "write");
      // a retried step writes the same bytes again: that is the same object, not a replacement
      const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
      if (sameBytes(await this.get(key).catch(() => new Uint8Array()), bytes)) return;
      throw new ObjectExistsError(`s3://${this.bucket}/${key} exists already: objects here are never replaced`, {
        cause: err,
      });
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) throw new ObjectNotFoundError(`s3://${this.bucket}/${key} has no body`);
      return await out.Body.transformToByteArray();
    } catch (err) {
      if (isMissing(err)) throw new ObjectNotFoundError(`no object s3://${this.bucket}/${key}`, { cause: err });
      throw this.denied(err, key, "read");
    }
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.listSized(prefix)).map((o) => o.key);
  }

  async listSized(prefix: string): Promise<StoredObject[]> {
    const objects: StoredObject[] = [];
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix })) {
      for (const o of page.Contents ?? []) if (o.Key !== undefined) objects.push({ key: o.Key, size: o.Size ?? 0 });
    }
    // S3 lists in UTF-8 byte order; sort by code unit like the folder store does.
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Tags each object with {@link COLLECTED_TAG}, then deletes them (DeleteObjects, 1000 at a time).
   * In a versioned bucket that leaves a tagged noncurrent version, which the bucket's lifecycle rule
   * expires; a key already gone is skipped.
   * @throws ObjectAccessDeniedError when the caller may not tag or delete (s3:PutObjectTagging, s3:DeleteObject)
   */
  async delete(keys: string[]): Promise<void> {
    for (const key of keys) {
      try {
        await this.client.send(
          new PutObjectTaggingCommand({ Bucket: this.bucket, Key: key, Tagging: { TagSet: [COLLECTED_TAG] } }),
        );
      } catch (err) {
        if (isMissing(err)) continue;
        throw this.denied(err, key, "write");
      }
    }
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const out = await this.client
        .send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        )
        .catch((err: unknown) => {
          throw this.denied(err, batch[0] ?? "", "write");
        });
      const failed = out.Errors?.[0];
      if (failed)
        throw new ObjectAccessDeniedError(
          `could not delete s3://${this.bucket}/${failed.Key}: ${failed.Code} ${failed.Message ?? ""} (and ${(out.Errors?.length ?? 1) - 1} more)`,
        );
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw this.denied(err, key, "read");
    }
  }

  /** A 403 as {@link ObjectAccessDeniedError} (saying what it can mean); any other error unchanged. */
  private denied(err: unknown, key: string, what: "read" | "write"): unknown {
    if (status(err) !== 403) return err;
    const reading =
      what === "read"
        ? ": the caller may not s3:GetObject it, or the key is missing and the caller may not s3:ListBucket its prefix (S3 then answers 403, not 404)"
        : ": the caller may not s3:PutObject it (create-only grants also need If-None-Match)";
    return new ObjectAccessDeniedError(`access denied to s3://${this.bucket}/${key}${reading}`, { cause: err });
  }
}
