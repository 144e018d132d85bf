import { ObjectNotFoundError } from "@tollgate/core/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3ObjectStore } from "../src/s3-object-store.ts";
import { startFakeS3 } from "./local-aws.ts";

describe("S3ObjectStore (against a local path-style S3)", () => {
  let s3: Awaited<ReturnType<typeof startFakeS3>>;
  let store: S3ObjectStore;
  beforeAll(async () => {
    s3 = await startFakeS3(2);
    store = new S3ObjectStore({ bucket: "tollgate-data", client: s3.client });
  });
  afterAll(() => s3.close());

  it("puts and gets strings and bytes", async () => {
    await store.put("raw/reviews/a b+c.jsonl", '{"text":"héllo"}\n');
    expect(new TextDecoder().decode(await store.get("raw/reviews/a b+c.jsonl"))).toBe('{"text":"héllo"}\n');
    await store.put("bin", new Uint8Array([0, 255, 7]));
    expect(Array.from(await store.get("bin"))).toEqual([0, 255, 7]);
    expect(s3.buckets.get("tollgate-data")?.has("raw/reviews/a b+c.jsonl")).toBe(true);
  });

  it("maps a missing key to ObjectNotFoundError and exists() to false", async () => {
    await expect(store.get("nope/x")).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await store.exists("nope/x")).toBe(false);
    await store.put("here", "1");
    expect(await store.exists("here")).toBe(true);
  });

  it("lists every page under a prefix, sorted", async () => {
    const keys = ["m/x/5", "m/x/1", "m/x/3", "m/x/2", "m/x/4", "m/y/1"];
    for (const k of keys) await store.put(k, k);
    expect(await store.list("m/x/")).toEqual(["m/x/1", "m/x/2", "m/x/3", "m/x/4", "m/x/5"]);
    expect(await store.list("zzz/")).toEqual([]);
  });
});
