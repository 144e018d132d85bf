/**
 * Reading the rows of `predict --file`: JSON Lines or CSV (with a header), streamed from a file or
 * stdin. Every row comes with its line number; a row that cannot be read is yielded as a failure
 * (never dropped), and reading goes on at the next one.
 */
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { parse } from "csv-parse";

export type FileFormat = "jsonl" | "csv";

/** A row as read: its fields, or why it could not be read. */
export type InputRow =
  | { line: number; fields: Record<string, unknown>; error?: undefined }
  | { line: number; fields?: undefined; error: string };

/** The format a path names by its extension (`.csv`, else JSON Lines); undefined for stdin (`-`). */
export function formatOfPath(path: string): FileFormat | undefined {
  if (path === "-") return undefined;
  return /\.csv$/i.test(path) ? "csv" : "jsonl";
}

async function* jsonLines(input: Readable): AsyncGenerator<InputRow> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { line, error: `not JSON: ${(err as Error).message}` };
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      yield { line, error: "not a JSON object" };
    } else yield { line, fields: value as Record<string, unknown> };
  }
}

/**
 * CSV with a header. Quotes inside an unquoted field are kept as text (`relax_quotes`). A record
 * csv-parse cannot read is reported with the lines it covered: from the line after the previous
 * record to the line where the parser gave up (a quote never closed runs to the end of the file).
 */
async function* csvRows(input: Readable): AsyncGenerator<InputRow> {
  const failed: InputRow[] = [];
  let lastLine = 1; // the header's
  const parser = input.pipe(
    parse({
      columns: true,
      bom: true,
      relax_quotes: true,
      skip_records_with_error: true,
      // Runs as the parser reads (ahead of this generator): where the last good record ended. The
      // context gives the line without `info: true`, whose object per record halved the throughput
      // (bench/README.md, "Batch prediction").
      on_record: (fields: Record<string, string>, context: { lines: number }): InputRow => {
        lastLine = context.lines;
        return { line: context.lines, fields };
      },
    }),
  );
  parser.on("skip", (err: Error & { lines?: number }) => {
    const end = err.lines ?? lastLine + 1;
    const from = Math.min(lastLine + 1, end);
    failed.push({
      line: from,
      error: `malformed CSV record${end > from ? ` (lines ${from}–${end})` : ""}: ${err.message}`,
    });
    lastLine = end;
  });
  for await (const row of parser as AsyncIterable<InputRow>) {
    // Failures in file order, before the record that follows them.
    while (failed.length && (failed[0]?.line ?? 0) < row.line) yield failed.shift() as InputRow;
    yield row;
  }
  while (failed.length) yield failed.shift() as InputRow;
}

/**
 * The rows of `input` in `format`.
 * @example for await (const row of readRows(createReadStream("in.jsonl"), "jsonl")) …
 */
export function readRows(input: Readable, format: FileFormat): AsyncGenerator<InputRow> {
  return format === "csv" ? csvRows(input) : jsonLines(input);
}
