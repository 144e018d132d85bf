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
import { afterEach } from "vitest";
import { type Row, tempHome } from "../helpers/topics.ts";

const opened: (() => void)[] = [];
afterEach(() => {
  for (const close of opened.splice(0)) close();
});

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

/** Writes `rows` as the curated dataset and its manifest; returns the manifest key. */
export async function putCurated(ports: StepPorts, dataset: string, rows: Row[]): Promise<string> {
  const curatedKey = `curated/${dataset}/v1/part-00000.jsonl`;
  const labels: Record<string, number> = {};
  for (const row of rows) labels[row.label] = (labels[row.label] ?? 0) + 1;
  const body = encodeJsonLines(rows);
  const manifest: Manifest = {
    dataset,
    datasetVersion: "v1",
    createdAt: "2025-03-01T11:00:00.000Z",
    sources: [{ key: `raw/${dataset}/data.jsonl`, rows: rows.length, quarantined: 0 }],
    counts: { read: rows.length, valid: rows.length, duplicates: 0, quarantined: 0 },
    labels,
    shards: [
      {
        key: curatedKey,
        rows: rows.length,
        bytes: Buffer.byteLength(body),
        sha256: createHash("sha256").update(body).digest("hex"),
        labels,
      },
    ],
    quarantineKeys: [],
  };
  await ports.data.put(curatedKey, body);
  const manifestKey = `runs/run-1/manifest.json`;
  await ports.data.put(manifestKey, JSON.stringify(manifest));
  return manifestKey;
}

/** A debug-level logger that keeps its lines as objects. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const { logger } = createLogger({ level: "debug", destination: { write: (line) => lines.push(JSON.parse(line)) } });
  return { logger, lines };
}
