/** Where `ingest` puts a file: named by its content, so the same file ingested twice is one object. */
import { createHash } from "node:crypto";
import { basename } from "node:path";

/**
 * The object key of an ingested file (the local backend names its objects the same way).
 * @example rawKeyFor("topics", "/tmp/a b.jsonl", body) // "raw/topics/3f9c2a1b0d4e5f67-a_b.jsonl"
 */
export function rawKeyFor(dataset: string, file: string, body: Uint8Array): string {
  const digest = createHash("sha256").update(body).digest("hex").slice(0, 16);
  return `raw/${dataset}/${digest}-${basename(file).replace(/[^A-Za-z0-9._-]/g, "_")}`;
}
