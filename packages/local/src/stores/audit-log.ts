import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { appendFile, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { AuditRecord, AuditRecordInput } from "@tollgate/core/contracts";
import type { AuditLog } from "@tollgate/core/ports";

/** What {@link JsonlAuditLog.readAudit} can filter on. */
export interface AuditFilter {
  runId?: string;
  eventName?: string;
  eventSource?: string;
}

/** CloudTrail's time format: ISO 8601 in UTC, whole seconds. */
function cloudTrailTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * The local {@link AuditLog}: one CloudTrail-shaped record per line of a JSON Lines file.
 * Each record is written by a single `write` on a file opened with O_APPEND, so records from
 * several processes never overwrite or split each other; nothing ever rewrites the file.
 */
export class JsonlAuditLog implements AuditLog {
  /**
   * @param path the `.jsonl` file (created with its folder on first use)
   * @param region the value of `awsRegion` in every record
   */
  constructor(
    readonly path: string,
    private readonly region = "local",
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  async record(input: AuditRecordInput): Promise<void> {
    const parsed = AuditRecordInput.parse(input);
    const record: AuditRecord = {
      eventVersion: "1.08",
      eventID: randomUUID(),
      eventTime: cloudTrailTime(new Date()),
      eventSource: parsed.eventSource,
      eventName: parsed.eventName,
      awsRegion: this.region,
      eventType: "AwsApiCall",
      userIdentity: parsed.userIdentity,
      requestParameters: parsed.requestParameters,
      resources: parsed.resources,
      ...(parsed.runId === undefined ? {} : { runId: parsed.runId }),
    };
    await appendFile(this.path, `${JSON.stringify(record)}\n`, { flag: "a" });
  }

  /** Records in the order they were written, optionally filtered (see {@link readAudit}). */
  readAudit(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    return readAudit(this.path, filter);
  }
}

/**
 * Reads an audit log file (see {@link JsonlAuditLog}) in write order, optionally filtered.
 * A missing file reads as empty; a torn last line (a writer that crashed mid-write) is skipped;
 * any other unreadable line throws.
 */
export async function readAudit(path: string, filter: AuditFilter = {}): Promise<AuditRecord[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  // The piece after the last newline is empty, or a torn record.
  return text
    .split("\n")
    .slice(0, -1)
    .filter((line) => line.trim() !== "")
    .map((line) => AuditRecord.parse(JSON.parse(line)))
    .filter(
      (r) =>
        (filter.runId === undefined || r.runId === filter.runId) &&
        (filter.eventName === undefined || r.eventName === filter.eventName) &&
        (filter.eventSource === undefined || r.eventSource === filter.eventSource),
    );
}
