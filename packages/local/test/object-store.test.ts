import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ObjectNotFoundError } from "@tollgate/core/errors";
import { beforeEach, describe, expect, it } from "vitest";
import { FolderObjectStore, InvalidObjectKeyError } from "../src/stores/object-store.ts";

describe("FolderObjectStore", () => {
  let root: string;
  let store: FolderObjectStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "tollgate-objects-"));
    store = new FolderObjectStore(root, "data");
  });

  it("round-trips strings and bytes, and overwrites", async () => {
    await store.put("raw/ds/a.jsonl", '{"text":"héllo","label":"x"}\n');
    expect(new TextDecoder().decode(await store.get("raw/ds/a.jsonl"))).toBe('{"text":"héllo","label":"x"}\n');
    await store.put("bin/b", new Uint8Array([0, 1, 255]));
    expect(Array.from(await store.get("bin/b"))).toEqual([0, 1, 255]);
    await store.put("bin/b", "new");
    expect(new TextDecoder().decode(await store.get("bin/b"))).toBe("new");
  });

  it("throws ObjectNotFoundError for missing keys and folders", async () => {
    await store.put("a/b/c", "x");
    await expect(store.get("a/nope")).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.get("a/b")).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.get("a/b/c/d")).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await store.exists("a/b/c")).toBe(true);
    expect(await store.exists("a/b")).toBe(false);
    expect(await store.exists("zzz")).toBe(false);
  });

  it("lists by string prefix, sorted, across folders", async () => {
    for (const k of ["m/foo/2/model.onnx", "m/foo/1/model.onnx", "m/foobar/1/x", "m/bar/1/x", "top"])
      await store.put(k, k);
    expect(await store.list("m/foo/")).toEqual(["m/foo/1/model.onnx", "m/foo/2/model.onnx"]);
    expect(await store.list("m/foo")).toEqual(["m/foo/1/model.onnx", "m/foo/2/model.onnx", "m/foobar/1/x"]);
    expect(await store.list("")).toEqual([
      "m/bar/1/x",
      "m/foo/1/model.onnx",
      "m/foo/2/model.onnx",
      "m/foobar/1/x",
      "top",
    ]);
    expect(await store.list("nothing/here/")).toEqual([]);
  });

  it("lists with sizes, and deletes keys and the folders they leave empty (a missing key is no error)", async () => {
    await store.put("runs/r1/a.json", "12345");
    await store.put("runs/r1/sub/b.json", "12");
    await store.put("runs/r2/c.json", "1");
    expect(await store.listSized("runs/r1/")).toEqual([
      { key: "runs/r1/a.json", size: 5 },
      { key: "runs/r1/sub/b.json", size: 2 },
    ]);
    await store.delete(["runs/r1/a.json", "runs/r1/sub/b.json", "runs/r1/never.json"]);
    expect(await store.list("runs/")).toEqual(["runs/r2/c.json"]);
    expect(readdirSync(join(store.root, "runs"))).toEqual(["r2"]);
    await expect(store.delete(["../escape"])).rejects.toBeInstanceOf(InvalidObjectKeyError);
  });

  it("rejects keys that could escape the folder", async () => {
    for (const bad of ["", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a\\b", "a/", "x\0y"]) {
      await expect(store.put(bad, "x"), bad).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.get(bad), bad).rejects.toBeInstanceOf(InvalidObjectKeyError);
    }
    await expect(store.list("../")).rejects.toBeInstanceOf(InvalidObjectKeyError);
    expect(readdirSync(join(root, ".."))).not.toContain("x");
  });

  it("leaves no temporary files and hides in-flight ones from listings", async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put("same/key", `value ${i}`.repeat(1000))));
    expect(readdirSync(join(root, "same"))).toEqual(["key"]);
    expect(new TextDecoder().decode(await store.get("same/key"))).toMatch(/^(value \d+)+$/);
    writeFileSync(join(root, "same", "key.123.abc.tollgate-partial"), "half");
    expect(await store.list("same/")).toEqual(["same/key"]);
  });

  it("readers never see a half-written object while a writer replaces it", async () => {
    const big = (c: string) => c.repeat(2_000_000);
    await store.put("big", big("a"));
    let stop = false;
    const seen = new Set<string>();
    const reader = (async () => {
      while (!stop) {
        const text = new TextDecoder().decode(await store.get("big"));
        seen.add(text.length === 2_000_000 && (text === big("a") || text === big("b")) ? "whole" : "torn");
      }
    })();
    for (let i = 0; i < 6; i++) await store.put("big", big(i % 2 ? "a" : "b"));
    stop = true;
    await reader;
    expect([...seen]).toEqual(["whole"]);
  });
});
