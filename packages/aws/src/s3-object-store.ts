import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { ObjectNotFoundError } from "@tollgate/core/errors";
import type { ObjectStore } from "@tollgate/core/ports";

/** How to build an {@link S3ObjectStore}. */
export interface S3ObjectStoreOptions {
  bucket: string;
  /** Defaults to a client configured from the environment (region, credentials, `AWS_ENDPOINT_URL_S3`). */
  client?: S3Client;
}

function isMissing(err: unknown): boolean {
  return (
    err instanceof NoSuchKey ||
    err instanceof NotFound ||
    (err instanceof S3ServiceException && (err.name === "NoSuchKey" || err.$metadata.httpStatusCode === 404))
  );
}

/**
 * {@link ObjectStore} over one S3 bucket. A PutObject is atomic (readers see the old object
 * or the new one), which is what the port promises.
 */
export class S3ObjectStore implements ObjectStore {
  /** The bucket's name. */
  readonly bucket: string;
  /** The S3 client in use. */
  readonly client: S3Client;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.client = options.client ?? new S3Client({});
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body }));
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) throw new ObjectNotFoundError(`s3://${this.bucket}/${key} has no body`);
      return await out.Body.transformToByteArray();
    } catch (err) {
      if (isMissing(err)) throw new ObjectNotFoundError(`no object s3://${this.bucket}/${key}`, { cause: err });
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    }
    // S3 lists in UTF-8 byte order; sort by code unit like the folder store does.
    return keys.sort();
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }
}
