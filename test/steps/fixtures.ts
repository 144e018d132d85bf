import { createHash } from "node:crypto";
/**
 * Fixtures of the core steps' unit tests: the real local stores (a folder, SQLite) under a fresh
 * home as the ports, a fixed clock, curated data as the Etl state leaves it, and a logger whose
 * lines the test can read.
 */
import type { Manifest } from "@tollgate/core/contracts";
import { encodeJsonLines } from "@tollgate/core/json-lines";
import { createLogger, type Logger } from "@tollgate/core/logger";
import type { StepPorts } from "@tollgate/core/steps";
import { openLocalStores } from "@tollgate/local/stores";
import { type Row, tempHome } from "../helpers/topics.ts";

const opened: (() => void)[] = [];
// under vitest, each test's stores are closed after it (bench/scale/spec-check.ts uses these without vitest)
if (process.env.VITEST) {
  const { afterEach } = await import("vitest");
  afterEach(() => {
    for (const close of opened.splice(0)) close();
  });
}

/** Ports over the local stores in a fresh home; the clock reads 2025-03-01T12:00:00Z. */
export function freshPorts(): StepPorts {
  const stores = openLocalStores(tempHome());
  opened.push(() => stores.close());
  return {
    data: stores.objects.data,
    models: stores.objects.models,
    registry: stores.registry,
    now: () => new Date("2025-03-01T12:00:00Z"),
  };
}

/**
 * Writes `rows` as the curated dataset (in `shards` shards, round robin) and its manifest;
 * returns the manifest key.
 */
export async function putCurated(ports: StepPorts, dataset: string, rows: Row[], shards = 1): Promise<string> {
  const labels: Record<string, number> = {};
  for (const row of rows) labels[row.label] = (labels[row.label] ?? 0) + 1;
  const parts = Array.from({ length: shards }, (_, k) => rows.filter((_, i) => i % shards === k));
  const manifest: Manifest = {
    dataset,
    datasetVersion: "v1",
    createdAt: "2025-03-01T11:00:00.000Z",
    sources: [{ key: `raw/${dataset}/data.jsonl`, rows: rows.length, quarantined: 0 }],
    counts: { read: rows.length, valid: rows.length, duplicates: 0, quarantined: 0 },
    labels,
    shards: [],
    quarantineKeys: [],
  };
  for (const [k, part] of parts.entries()) {
    const key = `curated/${dataset}/v1/part-${String(k).padStart(5, "0")}.jsonl`;
    const body = encodeJsonLines(part);
    const partLabels: Record<string, number> = {};
    for (const row of part) partLabels[row.label] = (partLabels[row.label] ?? 0) + 1;
    await ports.data.put(key, body);
    manifest.shards.push({
      key,
      rows: part.length,
      bytes: Buffer.byteLength(body),
      sha256: createHash("sha256").update(body).digest("hex"),
      labels: partLabels,
    });
  }
  const manifestKey = `runs/run-1/manifest.json`;
  await ports.data.put(manifestKey, JSON.stringify(manifest));
  return manifestKey;
}

/**
 * Writes child outputs as a Distributed Map's ResultWriter does on S3
 * (`<prefix>/<id>/manifest.json`, `SUCCEEDED_0.json`, children in the given order) and returns the
 * Map state's result.
 */
export async function putMapResults(ports: StepPorts, prefix: string, outputs: unknown[]) {
  const id = `map-${Math.random().toString(36).slice(2, 10)}`;
  const key = `${prefix}/${id}/SUCCEEDED_0.json`;
  const entries = outputs.map((output, i) => ({
    ExecutionArn: `arn:aws:states:local:000000000000:execution:test/Map:${id}/${i}`,
    Name: `${id}/${i}`,
    Status: "SUCCEEDED",
    Output: JSON.stringify(output),
    OutputDetails: { Included: true },
  }));
  await ports.data.put(key, JSON.stringify(entries));
  const manifestKey = `${prefix}/${id}/manifest.json`;
  await ports.data.put(
    manifestKey,
    JSON.stringify({
      DestinationBucket: "tollgate-data",
      MapRunArn: `arn:aws:states:local:000000000000:mapRun:test/Map:${id}`,
      ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [{ Key: key, Size: 0 }] },
    }),
  );
  return {
    MapRunArn: `arn:aws:states:local:000000000000:mapRun:test/Map:${id}`,
    ResultWriterDetails: { Bucket: "tollgate-data", Key: manifestKey },
  };
}

/** A debug-level logger that keeps its lines as objects. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const { logger } = createLogger({ level: "debug", destination: { write: (line) => lines.push(JSON.parse(line)) } });
  return { logger, lines };
}
