/**
 * Scoring with onnxruntime-node: one session per model, created once and reused.
 * Texts are scored in batches sorted by length and capped by count and by padded size
 * (the graph's intermediate tensors grow with batch × longest text × classes).
 * Note: session creation and `run` block the event loop.
 */
import * as ort from "onnxruntime-node";
import { ModelFormatError } from "../../errors.ts";
import { METADATA } from "./export.ts";
import { decodeMetadata } from "./proto.ts";

/** At most this many texts per `session.run` (measured: 128–256 is fastest; larger batches lose cache locality). */
const MAX_BATCH = 256;
/** At most this many characters × texts (padded) per `session.run`. */
const MAX_PADDED_CHARS = 1 << 19;

export class OnnxTextClassifier {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly labels: string[],
  ) {}

  /**
   * Loads an exported model (see `exportOnnx`); its labels come from its metadata.
   * @throws ModelFormatError when the bytes are not a tollgate text classifier.
   * @example
   * const classifier = await OnnxTextClassifier.load(bytes);
   * const { labels } = await classifier.predict(["a small dog"]);
   */
  static async load(bytes: Uint8Array): Promise<OnnxTextClassifier> {
    let labels: unknown;
    try {
      labels = JSON.parse(decodeMetadata(bytes)[METADATA.labels] ?? "null");
    } catch (err) {
      throw new ModelFormatError("not an ONNX model with tollgate metadata", { cause: err });
    }
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === "string")) {
      throw new ModelFormatError(`model metadata has no ${METADATA.labels}`);
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        graphOptimizationLevel: "all",
        executionMode: "sequential",
        interOpNumThreads: 1,
        // One thread: the string ops do not parallelise, and threads contend with the host's
        // other work (measured 2–3× slower with 2 threads on a busy 2-core machine).
        intraOpNumThreads: 1,
      });
    } catch (err) {
      throw new ModelFormatError(`onnxruntime cannot load the model: ${String(err)}`, { cause: err });
    }
    return new OnnxTextClassifier(session, labels as string[]);
  }

  /**
   * Scores texts; probabilities are in `labels` order.
   * @example
   * const { labels, probabilities } = await classifier.predict(["first text", "second text"]);
   */
  async predict(texts: string[]): Promise<{ labels: string[]; probabilities: Float32Array[] }> {
    const C = this.labels.length;
    const labels = new Array<string>(texts.length);
    const probabilities = new Array<Float32Array>(texts.length);
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    let start = 0;
    while (start < order.length) {
      let end = start + 1;
      while (
        end < order.length &&
        end - start < MAX_BATCH &&
        (end - start + 1) * Math.max(1, texts[order[end]!]!.length) <= MAX_PADDED_CHARS
      ) {
        end++;
      }
      const batch = order.slice(start, end);
      const input = new ort.Tensor(
        "string",
        batch.map((i) => texts[i]!),
        [batch.length],
      );
      const out = await this.session.run({ text: input });
      const outLabels = out.label!.data as string[];
      const outProbs = out.probabilities!.data as Float32Array;
      batch.forEach((i, k) => {
        labels[i] = outLabels[k]!;
        probabilities[i] = outProbs.slice(k * C, (k + 1) * C);
      });
      input.dispose();
      out.label!.dispose();
      out.probabilities!.dispose();
      start = end;
    }
    return { labels, probabilities };
  }

  private prior: Promise<Float32Array> | undefined;

  /**
   * For each row of `probabilities` (this model's answer for some texts): whether its text had a term
   * the model knows. Out-of-vocabulary terms are ignored, so a text with none scores exactly as the
   * empty text does: the class prior, which says nothing about the text.
   * @example const known = await classifier.knownTerms((await classifier.predict(texts)).probabilities);
   */
  async knownTerms(probabilities: Float32Array[]): Promise<boolean[]> {
    this.prior ??= this.predict([""]).then((out) => out.probabilities[0]!);
    const prior = await this.prior;
    return probabilities.map((row) => row.some((p, c) => Math.abs(p - (prior[c] ?? Number.NaN)) > 1e-6));
  }

  /** Releases the native session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
