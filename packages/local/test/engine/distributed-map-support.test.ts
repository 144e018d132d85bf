/**
 * What the local map runner does not implement is refused by name when the definition is loaded
 * (other emulators ignore such fields silently; their users then meet the difference at run time),
 * and the S3 Inventory manifest reader.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnsupportedAslFeatureError } from "@tollgate/core/errors";
import { describe, expect, it } from "vitest";
import { assertSupported, assertValid } from "../../src/engine/definition.ts";
import { readItems } from "../../src/engine/map-run/items.ts";
import { MemoryObjectStore } from "../helpers/memory-store.ts";

const processor = {
  ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
  StartAt: "P",
  States: { P: { Type: "Pass", End: true } },
};
const reader = {
  Resource: "arn:aws:states:::s3:getObject",
  ReaderConfig: { InputType: "JSON", MaxItems: 10 },
  Parameters: { Bucket: "tollgate-data", Key: "items.json" },
};
const writer = { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "tollgate-data", Prefix: "out" } };
const withMap = (fields: object) => ({
  StartAt: "M",
  States: { M: { Type: "Map", ItemProcessor: processor, End: true, ...fields } },
});

describe("the loader and Distributed Map fields", () => {
  it("accepts the fields the local map runner implements", () => {
    const definition = withMap({
      ItemReader: reader,
      ItemSelector: { "v.$": "$$.Map.Item.Value" },
      ItemBatcher: { MaxItemsPerBatch: 10, MaxInputBytesPerBatch: 1024, BatchInput: { a: 1 } },
      MaxConcurrency: 4,
      ToleratedFailurePercentage: 5,
      ToleratedFailureCount: 2,
      Label: "Shards",
      ResultWriter: writer,
      Retry: [{ ErrorEquals: ["States.ItemReaderFailed"] }],
    });
    expect(() => assertValid(definition as never)).not.toThrow();
    expect(() => assertSupported(definition as never)).not.toThrow();
  });

  it("checks a definition once per process, and still refuses a changed one that is not valid ASL", () => {
    // Prepare
    const definition = withMap({ ItemReader: reader, MaxConcurrency: 4 });
    const changed = withMap({ ItemReader: reader, MaxConcurrency: "four" });

    // Act
    assertValid(definition as never);

    // Assess
    expect(() => assertValid(definition as never)).not.toThrow();
    expect(() => assertValid(changed as never)).toThrow(/not valid ASL/);
    expect(() => assertValid(changed as never)).toThrow(UnsupportedAslFeatureError);
  });

  it("remembers a definition found valid in a cache folder, for the next process, and nothing else", () => {
    // Prepare
    const cache = mkdtempSync(join(tmpdir(), "tollgate-asl-cache-"));
    const definition = withMap({ ItemReader: reader, MaxConcurrency: 3 });
    const changed = withMap({ ItemReader: reader, MaxConcurrency: "three" });

    // Act
    assertValid(definition as never, cache);

    // Assess
    const markers = readdirSync(cache);
    expect(markers).toEqual([expect.stringMatching(/^asl-valid-[0-9a-f]{64}$/)]);
    expect(readFileSync(join(cache, markers[0]!), "utf8")).toMatch(/^asl-validator@\d+\.\d+\.\d+\n$/);
    expect(() => assertValid(changed as never, cache)).toThrow(/not valid ASL/);
    expect(readdirSync(cache)).toEqual(markers);
    rmSync(cache, { recursive: true });
  });

  it("skips asl-validator in a new process for a definition its cache folder marks valid", () => {
    const cache = mkdtempSync(join(tmpdir(), "tollgate-asl-cache-"));
    const script = `
      import { assertValid } from ${JSON.stringify(new URL("../../src/engine/definition.ts", import.meta.url).href)};
      assertValid(${JSON.stringify(withMap({ ItemReader: reader, MaxConcurrency: 2 }))}, ${JSON.stringify(cache)});`;
    const run = () => execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
    run();
    const marker = readdirSync(cache);
    expect(marker).toHaveLength(1);
    // a second process finds the marker and does not run the validator (which would write the marker again)
    writeFileSync(join(cache, marker[0]!), "asl-validator@0.0.0\n");
    run();
    expect(readFileSync(join(cache, marker[0]!), "utf8")).toBe("asl-validator@0.0.0\n");
    rmSync(cache, { recursive: true });
  });

  it.each([
    ["a CSV ItemReader", { ItemReader: { ...reader, ReaderConfig: { InputType: "CSV" } } }, /InputType CSV/],
    [
      "a Parquet ItemReader",
      { ItemReader: { ...reader, ReaderConfig: { InputType: "PARQUET" } } },
      /InputType PARQUET/,
    ],
    [
      "a CSV header setting",
      { ItemReader: { ...reader, ReaderConfig: { InputType: "JSON", CSVHeaderLocation: "FIRST_ROW" } } },
      /ReaderConfig.CSVHeaderLocation/,
    ],
    [
      "an Athena manifest",
      { ItemReader: { ...reader, ReaderConfig: { InputType: "MANIFEST", ManifestType: "ATHENA_DATA" } } },
      /ReaderConfig.ManifestType/,
    ],
    [
      "listing a prefix",
      { ItemReader: { ...reader, Resource: "arn:aws:states:::s3:listObjectsV2" } },
      /ItemReader.Resource .*listObjectsV2/,
    ],
    [
      "an object version",
      { ItemReader: { ...reader, Parameters: { ...reader.Parameters, VersionId: "v1" } } },
      /ItemReader.Parameters.VersionId/,
    ],
    [
      "a ResultWriter WriterConfig",
      { ResultWriter: { ...writer, WriterConfig: { OutputType: "JSONL" } } },
      /ResultWriter.WriterConfig/,
    ],
    [
      "Express children",
      { ItemProcessor: { ...processor, ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" } } },
      /ExecutionType EXPRESS/,
    ],
    ["Parameters instead of ItemSelector", { Parameters: { a: 1 } }, /uses Parameters \(use ItemSelector\)/],
  ])("refuses %s by name", (_, fields, message) => {
    expect(() => assertSupported(withMap(fields) as never)).toThrow(UnsupportedAslFeatureError);
    expect(() => assertSupported(withMap(fields) as never)).toThrow(message);
  });

  it("refuses a Distributed Map inside another one's children, and Distributed Map fields on an inline Map", () => {
    const nested = withMap({
      ItemProcessor: {
        ...processor,
        StartAt: "Inner",
        States: { Inner: { Type: "Map", ItemProcessor: processor, End: true } },
      },
    });
    expect(() => assertSupported(nested as never)).toThrow(
      /"M > Inner" runs inside another Distributed Map's children/,
    );
    const inline = {
      StartAt: "M",
      States: {
        M: { Type: "Map", ItemReader: reader, ItemProcessor: { StartAt: "P", States: processor.States }, End: true },
      },
    };
    expect(() => assertSupported(inline as never)).toThrow(/uses ItemReader, which only a Distributed Map may have/);
  });
});

describe("the S3 Inventory (MANIFEST) reader", () => {
  it("reads the rows of the manifest's CSV files as items named by its fileSchema", async () => {
    const store = new MemoryObjectStore();
    await store.put(
      "inventory/manifest.json",
      JSON.stringify({
        sourceBucket: "tollgate-data",
        fileFormat: "CSV",
        fileSchema: "Bucket, Key, Size",
        files: [{ key: "inventory/data/a.csv" }, { key: "inventory/data/b.csv" }],
      }),
    );
    await store.put(
      "inventory/data/a.csv",
      '"tollgate-data","curated/s0.jsonl","10"\n"tollgate-data","curated/s1.jsonl","20"\n',
    );
    await store.put("inventory/data/b.csv", '"tollgate-data","curated/s2.jsonl","30"\n');
    const state = {
      Type: "Map",
      ItemReader: {
        ...reader,
        ReaderConfig: { InputType: "MANIFEST" },
        Parameters: { Bucket: "tollgate-data", Key: "inventory/manifest.json" },
      },
    };
    const context = {
      Execution: { Id: "e", Name: "e", StartTime: "", Input: {}, RoleArn: "", RedriveCount: 0 },
      StateMachine: { Id: "s", Name: "s" },
    };
    const items = await readItems(state, {}, context, { "tollgate-data": store });
    expect(items).toEqual([
      { Bucket: "tollgate-data", Key: "curated/s0.jsonl", Size: "10" },
      { Bucket: "tollgate-data", Key: "curated/s1.jsonl", Size: "20" },
      { Bucket: "tollgate-data", Key: "curated/s2.jsonl", Size: "30" },
    ]);
    await expect(readItems(state, {}, context, {})).rejects.toMatchObject({ name: "States.ItemReaderFailed" });
  });
});
