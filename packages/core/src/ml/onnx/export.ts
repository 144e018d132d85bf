/**
 * Export of a linear model to a self-contained ONNX graph (string in → label + probabilities out):
 *
 * text [N] → StringNormalizer(LOWER, C.UTF-8) → Tokenizer(com.microsoft, [\p{L}\p{M}\p{N}]+, pad "#") → tokens [N,T]
 * → t = LabelEncoder(tokens; each token of the vocabulary's terms → its id, default K) [N,T] int64
 * → unigrams = Gather(unigram_ids, t); bigrams = LabelEncoder(t[:, :-1] · (K + 1) + t[:, 1:]; pair key → term id);
 *   first = Gather(first_ids, t[:, :1]) (every lookup's default: V = the out-of-vocabulary row)
 * → ids = Concat(unigrams, bigrams, first) [N,L]
 * → norm = max(sqrt(ReduceSum(Gather(idf, ids)²)), 1e-12)   (sublinear tf: see `sublinearNodes`)
 * → logits = ReduceSum(Gather(idf ⊙ W, ids), axis 1) / norm + bias → Softmax → probabilities [N,C]
 * → ArgMax → LabelEncoder(index → label) → label [N]
 *
 * Padding ("#", never a token) and unknown terms map to row V, whose idf and weights are 0, so
 * the graph computes exactly the features of `features.ts`, summed over token positions: no
 * dense N × vocabulary matrix. Strings are hashed once per token; bigrams are found by integer
 * keys, never built as strings (a third less CPU per document than concatenating them). Opsets: ai.onnx 21, ai.onnx.ml 4 (LabelEncoder tables as raw tensors), com.microsoft 1; IR 10.
 */
import { checkModel, type LinearModel } from "../linear-model.ts";
import { TOKEN_PATTERN } from "../text.ts";
import { attr, DataType, encodeModel, type Node, node, tensor, valueInfo } from "./proto.ts";
import { knownTermTables, type TermTables, termTables } from "./term-tables.ts";

export { knownTermTables, rememberTermTables, type TermTables, termTables } from "./term-tables.ts";

const PAD = "#";
const ML = "ai.onnx.ml";
const MS = "com.microsoft";

/** metadata_props keys written into every exported model. */
export const METADATA = { labels: "tollgate.labels", format: "tollgate.format", spec: "tollgate.spec" } as const;
export const FORMAT = "tollgate-linear-tfidf-v1";

/** StringNormalizer + Tokenizer: input "text" [N] → "tokens" [N, T] padded with "#". */
function textNodes(): Node[] {
  return [
    node(
      "StringNormalizer",
      ["text"],
      ["normalized"],
      [attr.string("case_change_action", "LOWER"), attr.string("locale", "C.UTF-8")],
    ),
    node(
      "Tokenizer",
      ["normalized"],
      ["tokens"],
      [
        attr.string("tokenexp", TOKEN_PATTERN),
        attr.int("mark", 0),
        attr.int("mincharnum", 1),
        attr.string("pad_value", PAD),
      ],
      MS,
    ),
  ];
}

/**
 * The exported graph's text front end alone: "text" [N] → "normalized" [N] and "tokens" [N, T]
 * (padded with "#", which is never a token). For checking `tokenize` against onnxruntime.
 * @example
 * const session = await ort.InferenceSession.create(exportTokenizerOnnx());
 */
export function exportTokenizerOnnx(): Uint8Array {
  return encodeModel({
    irVersion: 10,
    producerName: "tollgate",
    producerVersion: "1",
    graph: {
      name: "tollgate_tokenizer",
      node: textNodes(),
      initializer: [],
      input: [valueInfo("text", DataType.STRING, ["N"])],
      output: [valueInfo("normalized", DataType.STRING, ["N"]), valueInfo("tokens", DataType.STRING, ["N", "T"])],
    },
    opsetImport: [
      { domain: "", version: 21 },
      { domain: MS, version: 1 },
    ],
    metadataProps: [],
  });
}

/**
 * "tokens" [N, T] → "ids" [N, K]: the term ids of each document's unigrams, bigrams and
 * first-token term, in `termsOf` order (V for padding and unknown terms). Tokens become ids by one
 * string LabelEncoder; unigram and first-token ids are Gathers from per-token tables; bigram ids
 * are a LabelEncoder over integer pair keys `left · (K + 1) + right`.
 */
/**
 * A LabelEncoder's int64 values and default as raw tensors (ai.onnx.ml opset 4): vocabulary-sized
 * tables are written as one byte block instead of a varint per entry (a tenth of the export's time).
 */
function int64Values(values: ArrayLike<number>, fallback: number) {
  return [
    attr.tensor("values_tensor", tensor.int64("values", [values.length], values)),
    attr.tensor("default_tensor", tensor.int64("default", [1], [fallback])),
  ];
}

function termIdNodes(table: TermTables, V: number): Node[] {
  const K = table.tokens.length;
  const nodes: Node[] = [
    node(
      "LabelEncoder",
      ["tokens"],
      ["token_ids"],
      [
        attr.tensor("keys_tensor", tensor.string("keys", [table.tokens.length], table.tokens)),
        ...int64Values(
          Array.from(table.tokens, (_, t) => t),
          K,
        ),
      ],
      ML,
    ),
    node("Gather", ["unigram_ids", "token_ids"], ["unigram_term_ids"], [attr.int("axis", 0)]),
  ];
  const parts = ["unigram_term_ids"];
  if (table.pairKeys.length > 0) {
    nodes.push(
      node("Slice", ["token_ids", "zero", "minus_one", "one"], ["left"]),
      node("Slice", ["token_ids", "one", "int_max", "one"], ["right"]),
      node("Mul", ["left", "pair_stride"], ["left_key"]),
      node("Add", ["left_key", "right"], ["pair_keys"]),
      node(
        "LabelEncoder",
        ["pair_keys"],
        ["bigram_term_ids"],
        [
          attr.tensor("keys_tensor", tensor.int64("keys", [table.pairKeys.length], table.pairKeys)),
          ...int64Values(table.pairIds, V),
        ],
        ML,
      ),
    );
    parts.push("bigram_term_ids");
  }
  if (table.first.some((j) => j !== V)) {
    nodes.push(
      node("Slice", ["token_ids", "zero", "one", "one"], ["first_token_id"]),
      node("Gather", ["first_ids", "first_token_id"], ["first_term_ids"], [attr.int("axis", 0)]),
    );
    parts.push("first_term_ids");
  }
  nodes.push(
    parts.length > 1 ? node("Concat", parts, ["ids"], [attr.int("axis", 1)]) : node("Identity", parts, ["ids"]),
  );
  return nodes;
}

/** "ids" [N, L] → "scores" [N, C] and "norm" [N, 1]: every token position counts (the spec's default form). */
function termFrequencyNodes(): Node[] {
  return [
    node("Gather", ["idf", "ids"], ["term_idf"], [attr.int("axis", 0)]),
    node("Mul", ["term_idf", "term_idf"], ["term_idf2"]),
    node("ReduceSum", ["term_idf2", "one"], ["norm2"], [attr.int("keepdims", 1)]),
    node("Sqrt", ["norm2"], ["norm_raw"]),
    node("Max", ["norm_raw", "epsilon"], ["norm"]),
    node("Gather", ["weights", "ids"], ["term_weights"], [attr.int("axis", 0)]),
    node("ReduceSum", ["term_weights", "one"], ["scores"], [attr.int("keepdims", 0)]),
  ];
}

/**
 * "ids" [N, L] → "scores" [N, C] and "norm" [N, 1] with sublinear tf: each position's term count c
 * in its row comes from Unique over the keys `row · (V + 1) + id`; a position then carries
 * `(1 + ln c) / c` of its term's `(1 + ln c) · idf` (the c positions of a term sum to it once), and
 * `((1 + ln c) · idf)² / c` of the squared norm. Padding and unknown terms (row V) have idf and weights 0.
 */
function sublinearNodes(): Node[] {
  return [
    node("Shape", ["ids"], ["ids_shape"]),
    node("Gather", ["ids_shape", "zero_scalar"], ["rows"], [attr.int("axis", 0)]),
    node("Range", ["zero_scalar", "rows", "one_scalar"], ["row_index"]),
    node("Unsqueeze", ["row_index", "one"], ["row_column"]),
    node("Mul", ["row_column", "row_stride"], ["row_base"]),
    node("Add", ["row_base", "ids"], ["row_keys"]),
    node("Reshape", ["row_keys", "minus_one"], ["flat_keys"]),
    node(
      "Unique",
      ["flat_keys"],
      ["unique_keys", "unique_first", "unique_inverse", "unique_counts"],
      [attr.int("sorted", 0)],
    ),
    node("Gather", ["unique_counts", "unique_inverse"], ["flat_counts"], [attr.int("axis", 0)]),
    node("Reshape", ["flat_counts", "ids_shape"], ["counts"]),
    node("Cast", ["counts"], ["count"], [attr.int("to", DataType.FLOAT)]),
    node("Log", ["count"], ["log_count"]),
    node("Add", ["log_count", "one_float"], ["tf"]),
    node("Div", ["tf", "count"], ["share"]),
    node("Gather", ["idf", "ids"], ["term_idf"], [attr.int("axis", 0)]),
    node("Mul", ["term_idf", "tf"], ["tf_idf"]),
    node("Mul", ["tf_idf", "tf_idf"], ["tf_idf2"]),
    node("Div", ["tf_idf2", "count"], ["position_norm2"]),
    node("ReduceSum", ["position_norm2", "one"], ["norm2"], [attr.int("keepdims", 1)]),
    node("Sqrt", ["norm2"], ["norm_raw"]),
    node("Max", ["norm_raw", "epsilon"], ["norm"]),
    node("Gather", ["weights", "ids"], ["term_weights"], [attr.int("axis", 0)]),
    node("Unsqueeze", ["share", "two"], ["share_column"]),
    node("Mul", ["term_weights", "share_column"], ["shared_weights"]),
    node("ReduceSum", ["shared_weights", "one"], ["scores"], [attr.int("keepdims", 0)]),
  ];
}

/**
 * Serialises a trained model as ONNX bytes; class order = `model.labels`.
 * @example
 * const bytes = exportOnnx(model);
 * const classifier = await OnnxTextClassifier.load(bytes);
 */
export function exportOnnx(model: LinearModel): Uint8Array {
  checkModel(model);
  const { spec, labels } = model;
  const C = labels.length;
  const V = spec.vocabulary.length;
  const idf = new Float32Array(V + 1);
  const scaled = new Float32Array((V + 1) * C);
  const { weights } = model;
  for (let j = 0; j < V; j++) {
    const f = spec.idf[j]!;
    idf[j] = f;
    for (let k = j * C, end = k + C; k < end; k++) scaled[k] = f * weights[k]!;
  }
  const table = knownTermTables(spec) ?? termTables(spec.vocabulary, spec.options);
  const nodes: Node[] = [...textNodes(), ...termIdNodes(table, V)];
  nodes.push(...(spec.options.sublinearTf ? sublinearNodes() : termFrequencyNodes()));
  nodes.push(
    node("Div", ["scores", "norm"], ["scaled_scores"]),
    node("Add", ["scaled_scores", "bias"], ["logits"]),
    node("Softmax", ["logits"], ["probabilities"], [attr.int("axis", -1)]),
    node("ArgMax", ["logits"], ["class"], [attr.int("axis", 1), attr.int("keepdims", 0)]),
    node(
      "LabelEncoder",
      ["class"],
      ["label"],
      [
        attr.ints(
          "keys_int64s",
          labels.map((_, c) => c),
        ),
        attr.strings("values_strings", labels),
        attr.string("default_string", ""),
      ],
      ML,
    ),
  );
  const graph = {
    name: "tollgate_text_classifier",
    node: nodes,
    // Only the constants some node uses (onnxruntime warns about unused initializers).
    initializer: [
      tensor.int64("zero", [1], [0]),
      tensor.int64("one", [1], [1]),
      tensor.int64("minus_one", [1], [-1]),
      tensor.int64("int_max", [1], [Number.MAX_SAFE_INTEGER]),
      tensor.int64("pair_stride", [], [table.tokens.length + 1]),
      tensor.int64("unigram_ids", [table.unigram.length], table.unigram),
      tensor.int64("first_ids", [table.first.length], table.first),
      tensor.float("epsilon", [], Float32Array.of(1e-12)),
      tensor.float("idf", [V + 1], idf),
      tensor.float("weights", [V + 1, C], scaled),
      tensor.float("bias", [C], model.bias),
      tensor.int64("zero_scalar", [], [0]),
      tensor.int64("one_scalar", [], [1]),
      tensor.int64("two", [1], [2]),
      tensor.int64("row_stride", [], [V + 1]),
      tensor.float("one_float", [], Float32Array.of(1)),
    ].filter((t) => nodes.some((n) => n.input.includes(t.name))),
    input: [valueInfo("text", DataType.STRING, ["N"])],
    output: [valueInfo("label", DataType.STRING, ["N"]), valueInfo("probabilities", DataType.FLOAT, ["N", C])],
  };
  const { vocabulary: _v, idf: _i, ...specSummary } = spec;
  return encodeModel({
    irVersion: 10,
    producerName: "tollgate",
    producerVersion: "1",
    docString: "Text classifier: tf-idf unigrams/bigrams + multinomial logistic regression",
    graph,
    opsetImport: [
      { domain: "", version: 21 },
      { domain: ML, version: 4 },
      { domain: MS, version: 1 },
    ],
    metadataProps: [
      { key: METADATA.labels, value: JSON.stringify(labels) },
      { key: METADATA.format, value: FORMAT },
      { key: METADATA.spec, value: JSON.stringify({ ...specSummary, vocabularySize: V }) },
    ],
  });
}
