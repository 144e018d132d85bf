import { Buffer } from "node:buffer";
import type { z } from "zod";
import { InvalidDatasetError } from "./errors.ts";
import type { ObjectStore } from "./ports.ts";

/*
 * Reading JSON Lines, apart from json-lines.ts because it decodes with node's Buffer: the
 * console's web page type-checks the registry and workflow modules (they read JSON through
 * json-lines.ts) under a tsconfig with no node types.
 */

/**
 * Streams the rows of JSON Lines objects, parsing each with `schema`.
 * @example for await (const row of readJsonLines(store, keys, CuratedRow)) count++;
 * @throws InvalidDatasetError when a line does not match (curated data is written by us, so this is a bug or tampering).
 */
export async function* readJsonLines<S extends z.ZodType>(
  store: ObjectStore,
  keys: readonly string[],
  schema: S,
): AsyncGenerator<z.infer<S>> {
  for (const key of keys) yield* jsonLinesOf(await store.get(key), key, schema);
}

/**
 * The rows of one JSON Lines object (`bytes`, read from `key`), parsed with `schema`: synchronous, so a
 * caller that filters rows pays no promise per row it drops (an async generator costs ~1 µs a row).
 * @example for (const row of jsonLinesOf(await store.get(key), key, CuratedRow)) if (keep(row)) yield row;
 * @throws InvalidDatasetError as {@link readJsonLines}.
 */
export function* jsonLinesOf<S extends z.ZodType>(bytes: Uint8Array, key: string, schema: S): Generator<z.infer<S>> {
  let lineNo = 0;
  for (const line of jsonLines(bytes)) {
    lineNo++;
    if (line === "") continue;
    const parsed = schema.safeParse(JSON.parse(line));
    if (!parsed.success)
      throw new InvalidDatasetError(`${key}:${lineNo} does not match its schema: ${parsed.error.message}`);
    yield parsed.data;
  }
}

const BOM = [0xef, 0xbb, 0xbf];
const NEWLINE = 0x0a;

/**
 * The lines of UTF-8 `bytes` (the strings of `new TextDecoder().decode(bytes).split("\n")`), each
 * decoded on its own: a newline byte is never part of a multi-byte character, and an ASCII line
 * then becomes a one-byte string, where decoding the whole text gives every line two bytes a
 * character as soon as one line has a non-ASCII one (SpamAssassin: 15.5 MB decoded, JSON-parsed
 * and tokenized faster).
 */
export function* jsonLines(bytes: Uint8Array): Generator<string> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = BOM.every((byte, i) => bytes[i] === byte) ? BOM.length : 0;
  for (;;) {
    const end = buffer.indexOf(NEWLINE, start);
    if (end < 0) break;
    yield buffer.toString("utf8", start, end);
    start = end + 1;
  }
  yield buffer.toString("utf8", start);
}
