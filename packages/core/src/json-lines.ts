import type { z } from "zod";
import type { ObjectStore } from "./ports.ts";

const decoder = new TextDecoder();

/** Encodes rows as JSON Lines (one JSON value per line, trailing newline). */
export function encodeJsonLines(rows: readonly unknown[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join("");
}

/** Reads one JSON object and parses it with `schema`. */
export async function readJson<S extends z.ZodType>(store: ObjectStore, key: string, schema: S): Promise<z.infer<S>> {
  return schema.parse(JSON.parse(decoder.decode(await store.get(key))));
}
