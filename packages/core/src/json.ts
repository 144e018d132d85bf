/** JSON at the boundaries where bad JSON is expected, and records read back from a store. */
import { z } from "zod";
import { CorruptRecordError } from "./errors.ts";

/**
 * Parses JSON where bad or missing JSON is an expected outcome (a history event's input, a
 * message body, a failure's cause): `undefined` instead of a SyntaxError.
 * @example tryJsonParse('{"a":1}') // { a: 1 }; tryJsonParse("{oops") // undefined; tryJsonParse(42) // undefined
 */
export function tryJsonParse(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A record read back from a store (a registry row or item), checked against its contract.
 * @throws CorruptRecordError naming where it was read and every problem.
 * @example const run = parseRecord(RunRecord, JSON.parse(row.record), `run ${runId}`);
 */
export function parseRecord<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new CorruptRecordError(`${where} does not match its schema: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
