/**
 * S3ObjectStore with the real SDK client against the emulator (moto server, one per file): bytes in
 * and out, listings past S3's 1,000-key page, missing keys, create-only writes.
 */
import { Readable } from "node:stream";
import { S3Client } from "@aws-sdk/client-s3";
import { type HttpHandler, type HttpRequest, HttpResponse } from "@smithy/protocol-http";
import { ObjectAccessDeniedError, ObjectExistsError, ObjectNotFoundError } from "@tollgate/core/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuckets } from "../../../test/moto/resources.ts";
import { type MotoServer, startMoto } from "../../../test/moto/server.ts";
import { S3ObjectStore } from "../src/s3-object-store.ts";

const BUCKET = "tollgate-data";

describe("S3ObjectStore on the emulator", () => {
  let moto: MotoServer;
  let client: S3Client;
  let store: S3ObjectStore;
  beforeAll(async () => {
    moto = await startMoto();
    await createBuckets(moto, [BUCKET]);
    client = new S3Client(moto.clientConfig());
    store = new S3ObjectStore({ bucket: BUCKET, client });
  });
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  it("puts and gets strings and bytes, keys with spaces and plus signs included", async () => {
    await store.put("raw/reviews/a b+c.jsonl", '{"text":"héllo"}\n');
    expect(new TextDecoder().decode(await store.get("raw/reviews/a b+c.jsonl"))).toBe('{"text":"héllo"}\n');
    await store.put("bin", new Uint8Array([0, 255, 7]));
    expect(Array.from(await store.get("bin"))).toEqual([0, 255, 7]);
  });

  it("maps a missing key to ObjectNotFoundError and exists() to false", async () => {
    await expect(store.get("nope/x")).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.get("nope/x")).rejects.toThrow(`no object s3://${BUCKET}/nope/x`);
    expect(await store.exists("nope/x")).toBe(false);
    await store.put("here", "1");
    expect(await store.exists("here")).toBe(true);
  });

  it("lists every key under a prefix past the 1,000-key page, sorted, and nothing else", async () => {
    const keys = Array.from({ length: 1001 }, (_, i) => `many/k-${String(i).padStart(4, "0")}`);
    const queue = [...keys, "many-other/x", "man/y"];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let k = queue.pop(); k !== undefined; k = queue.pop()) await store.put(k, k);
      }),
    );
    const listed = await store.list("many/");
    expect(listed).toHaveLength(1001);
    expect(listed).toEqual(keys);
    expect(await store.list("zzz/")).toEqual([]);
  });

  it("create-only: a new key is written; the same bytes again are the same object; other bytes are refused", async () => {
    const models = new S3ObjectStore({ bucket: BUCKET, client, createOnly: true });
    await models.put("models/m/v1/model.onnx", "first");
    await models.put("models/m/v1/model.onnx", "first"); // a retried step
    const replace = models.put("models/m/v1/model.onnx", "second");
    await expect(replace).rejects.toBeInstanceOf(ObjectExistsError);
    await expect(replace).rejects.toThrow("never replaced");
    expect(new TextDecoder().decode(await store.get("models/m/v1/model.onnx"))).toBe("first");
    // the plain store still overwrites
    await store.put("models/m/v1/notes", "a");
    await store.put("models/m/v1/notes", "b");
    expect(new TextDecoder().decode(await store.get("models/m/v1/notes"))).toBe("b");
  });
});

/**
 * S3 answers GetObject/HeadObject of a missing key with 404 only to a caller allowed s3:ListBucket on
 * its prefix, and 403 otherwise. The emulator answers 404 either way (it does not model this), so
 * these tests answer as S3 does below the SDK: an in-process request handler, the real client and
 * its deserializers above it. The deployed roles get ListBucket with each read grant (stacks/access.ts,
 * checked on the synthesized templates in test/infra/checks/privilege.ts).
 */
describe("S3ObjectStore and S3's 403 for a missing key", () => {
  /** S3's answer to a key that does not exist, for a caller that may or may not list the bucket. */
  function s3Answering(mayList: boolean): S3Client {
    const handler: HttpHandler = {
      handle: async (request: HttpRequest) => {
        const status = mayList ? 404 : 403;
        const code = mayList ? "NoSuchKey" : "AccessDenied";
        const body = request.method === "HEAD" ? "" : `<Error><Code>${code}</Code><Message>${code}</Message></Error>`;
        return {
          response: new HttpResponse({
            statusCode: status,
            headers: { "content-type": "application/xml" },
            body: Readable.from([Buffer.from(body)]),
          }),
        };
      },
      updateHttpClientConfig: () => {},
      httpHandlerConfigs: () => ({}),
    };
    return new S3Client({
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      requestHandler: handler,
      maxAttempts: 1,
    });
  }

  it("is ObjectNotFoundError when the caller may list (S3 says 404)", async () => {
    const store = new S3ObjectStore({ bucket: "b", client: s3Answering(true) });
    await expect(store.get("prepared/x")).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await store.exists("prepared/x")).toBe(false);
  });

  it("is a named access error, not 'not found', when the caller may not list (S3 says 403)", async () => {
    const store = new S3ObjectStore({ bucket: "b", client: s3Answering(false) });
    const get = store.get("prepared/x");
    await expect(get).rejects.toBeInstanceOf(ObjectAccessDeniedError);
    await expect(get).rejects.toThrow(/s3:ListBucket/);
    await expect(store.exists("prepared/x")).rejects.toBeInstanceOf(ObjectAccessDeniedError);
  });
});
