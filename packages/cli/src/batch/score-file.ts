/**
 * `predict --file`: streams rows in, scores them in batches with one loaded model, streams rows out.
 * Memory is bounded by one batch (read, scored and written before the next is read; writes wait
 * for the output to drain). Each output row is its input row with a `prediction`; a row that
 * fails (unreadable, no text) is reported with its line number through `onFailure` and counted.
 */
import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { predictionsOf, type Ranked, topClasses } from "@tollgate/core/serving/prediction";
import { type FileFormat, type InputRow, readRows } from "./rows.ts";

/** Rows scored per onnxruntime call batch (the classifier splits it further by length). */
export const BATCH_ROWS = 2048;

/** What scoring needs of a loaded model (an OnnxTextClassifier). */
export interface BatchModel {
  readonly version: string;
  readonly labels: readonly string[];
  predict(texts: string[]): Promise<{ labels: string[]; probabilities: Float32Array[] }>;
}

export interface ScoreFileOptions {
  input: Readable;
  inputFormat: FileFormat;
  output: Writable;
  outputFormat: FileFormat;
  /** The field (JSON) or column (CSV) holding the text. */
  textField: string;
  /** Classes with their probabilities per row, most likely first (0: none). */
  topK: number;
  onFailure: (line: number, reason: string) => void;
  /** Called after each batch with the rows read so far. */
  onProgress?: (rows: number) => void;
}

export interface ScoreFileSummary {
  rows: number;
  scored: number;
  failed: number;
  modelVersion: string;
  seconds: number;
}

/** Where one output row's prediction goes. */
interface Prediction {
  label: string;
  probability: number;
  modelVersion: string;
  top?: Ranked[];
}

/** Output rows in JSON Lines: the input fields and `prediction`. */
function jsonLine(fields: Record<string, unknown>, prediction: Prediction): string {
  return `${JSON.stringify({ ...fields, prediction })}\n`;
}

/** CSV columns added after the input's: `prediction_label`, `prediction_probability`, … */
function csvColumns(topK: number): string[] {
  const top = Array.from({ length: topK }, (_, i) => [
    `prediction_top${i + 1}_label`,
    `prediction_top${i + 1}_probability`,
  ]);
  return ["prediction_label", "prediction_probability", "prediction_model_version", ...top.flat()];
}

function csvValues(prediction: Prediction, topK: number): unknown[] {
  const top = Array.from({ length: topK }, (_, i) => {
    const t = prediction.top?.[i];
    return t ? [t.label, t.probability] : ["", ""];
  });
  return [prediction.label, prediction.probability, prediction.modelVersion, ...top.flat()];
}

const cell = (value: unknown) =>
  value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : value;

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV record (RFC 4180): a field is quoted, its quotes doubled, only when it holds a quote, a
 * comma or a line break; csv-stringify's output for the same values. Written here because
 * csv-stringify cost more per row than scoring (43k rows/s for 12 columns; bench/README.md) and the
 * rule is this one line; a test parses the output back with csv-parse.
 * @example csvRecord(["a", 'say "hi"', 1.5]) // 'a,"say ""hi""",1.5\n'
 */
export function csvRecord(values: unknown[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) {
    const text = String(values[i] ?? "");
    line += (i ? "," : "") + (NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  }
  return `${line}\n`;
}

/** Writes `text`, waiting for the stream to drain when its buffer is full (bounded memory). */
async function write(output: Writable, text: string): Promise<void> {
  if (text && !output.write(text)) await once(output, "drain");
}

/**
 * Scores every row of `options.input` with `model`.
 * @example const summary = await scoreFile(model, { input, inputFormat: "jsonl", output, outputFormat: "jsonl", textField: "text", topK: 0, onFailure });
 */
export async function scoreFile(model: BatchModel, options: ScoreFileOptions): Promise<ScoreFileSummary> {
  const started = performance.now();
  const { textField, topK, outputFormat } = options;
  let columns: string[] | undefined;
  let rows = 0;
  let failed = 0;
  const added = outputFormat === "jsonl" ? ["prediction"] : csvColumns(topK);
  let batch: { fields: Record<string, unknown>; text: string }[] = [];

  const fail = (line: number, reason: string) => {
    failed++;
    options.onFailure(line, reason);
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const scored = predictionsOf(model.labels, await model.predict(batch.map((r) => r.text)));
    let out = "";
    batch.forEach(({ fields }, i) => {
      const { label, probability, probabilities } = scored[i]!;
      const prediction: Prediction = { label, probability, modelVersion: model.version };
      if (topK > 0) prediction.top = topClasses(model.labels, probabilities, topK);
      if (outputFormat === "jsonl") out += jsonLine(fields, prediction);
      else {
        if (!columns) {
          columns = Object.keys(fields);
          out += csvRecord([...columns, ...csvColumns(topK)]);
        }
        out += csvRecord([...columns.map((c) => cell(fields[c])), ...csvValues(prediction, topK)]);
      }
    });
    batch = [];
    await write(options.output, out);
    options.onProgress?.(rows);
  };

  for await (const row of readRows(options.input, options.inputFormat) as AsyncIterable<InputRow>) {
    rows++;
    if (row.error !== undefined) {
      fail(row.line, row.error);
      continue;
    }
    const text = row.fields[textField];
    if (typeof text !== "string" || text.trim() === "") {
      fail(row.line, `no text: field "${textField}" is ${text === undefined ? "missing" : "empty or not a string"}`);
      continue;
    }
    const taken = added.find((name) => name in row.fields);
    if (taken !== undefined) {
      fail(row.line, `the row already has a "${taken}" field (the prediction would overwrite it)`);
      continue;
    }
    batch.push({ fields: row.fields, text });
    if (batch.length >= BATCH_ROWS) await flush();
  }
  await flush();
  return {
    rows,
    scored: rows - failed,
    failed,
    modelVersion: model.version,
    seconds: (performance.now() - started) / 1000,
  };
}
