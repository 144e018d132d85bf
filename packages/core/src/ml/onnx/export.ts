/**
 * Export of a linear model to a self-contained ONNX graph (string in → label + probabilities out):
 *
 * text [N] → StringNormalizer(LOWER, C.UTF-8) → Tokenizer(com.microsoft, [\p{L}\p{M}\p{N}]+, pad "#") → tokens [N,T]
 * → bigrams = StringConcat(tokens[:, :-1], " ", tokens[:, 1:]); first = StringConcat("^ ", tokens[:, :1])
 * → terms = Concat(tokens, bigrams, first) [N,K]
 * → ids = LabelEncoder(terms; vocabulary → index, default V = the out-of-vocabulary row)
 * → norm = max(sqrt(ReduceSum(Gather(idf, ids)²)), 1e-12)
 * → logits = ReduceSum(Gather(idf ⊙ W, ids), axis 1) / norm + bias → Softmax → probabilities [N,C]
 * → ArgMax → LabelEncoder(index → label) → label [N]
 *
 * Padding ("#", never a token) and unknown terms map to row V, whose idf and weights are 0, so
 * the graph computes exactly the features of `features.ts`, summed over token positions: no
 * dense N × vocabulary matrix. Opsets: ai.onnx 21, ai.onnx.ml 3, com.microsoft 1; IR 10.
 */
import { FIRST_TOKEN_PREFIX } from "../feature-spec.ts";
import { checkModel, type LinearModel } from "../linear-model.ts";
import { TOKEN_PATTERN } from "../text.ts";
import { attr, DataType, encodeModel, type Node, node, tensor, valueInfo } from "./proto.ts";

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
  for (let j = 0; j < V; j++) {
    idf[j] = spec.idf[j]!;
    for (let c = 0; c < C; c++) scaled[j * C + c] = spec.idf[j]! * model.weights[j * C + c]!;
  }
  const nodes: Node[] = textNodes();
  const parts = ["tokens"];
  if (spec.options.ngramMax >= 2) {
    nodes.push(
      node("Slice", ["tokens", "zero", "minus_one", "one"], ["left"]),
      node("Slice", ["tokens", "one", "int_max", "one"], ["right"]),
      node("StringConcat", ["left", "space"], ["left_space"]),
      node("StringConcat", ["left_space", "right"], ["bigrams"]),
    );
    parts.push("bigrams");
  }
  if (spec.options.firstToken) {
    nodes.push(
      node("Slice", ["tokens", "zero", "one", "one"], ["first"]),
      node("StringConcat", ["first_prefix", "first"], ["first_term"]),
    );
    parts.push("first_term");
  }
  const terms = parts.length > 1 ? "terms" : "tokens";
  if (parts.length > 1) nodes.push(node("Concat", parts, ["terms"], [attr.int("axis", 1)]));
  nodes.push(
    node(
      "LabelEncoder",
      [terms],
      ["ids"],
      [
        attr.strings("keys_strings", spec.vocabulary),
        attr.ints(
          "values_int64s",
          spec.vocabulary.map((_, j) => j),
        ),
        attr.int("default_int64", V),
      ],
      ML,
    ),
    node("Gather", ["idf", "ids"], ["term_idf"], [attr.int("axis", 0)]),
    node("Mul", ["term_idf", "term_idf"], ["term_idf2"]),
    node("ReduceSum", ["term_idf2", "one"], ["norm2"], [attr.int("keepdims", 1)]),
    node("Sqrt", ["norm2"], ["norm_raw"]),
    node("Max", ["norm_raw", "epsilon"], ["norm"]),
    node("Gather", ["weights", "ids"], ["term_weights"], [attr.int("axis", 0)]),
    node("ReduceSum", ["term_weights", "one"], ["scores"], [attr.int("keepdims", 0)]),
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
      tensor.string("space", [], [" "]),
      tensor.string("first_prefix", [], [FIRST_TOKEN_PREFIX]),
      tensor.float("epsilon", [], Float32Array.of(1e-12)),
      tensor.float("idf", [V + 1], idf),
      tensor.float("weights", [V + 1, C], scaled),
      tensor.float("bias", [C], model.bias),
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
      { domain: ML, version: 3 },
      { domain: MS, version: 1 },
    ],
    metadataProps: [
      { key: METADATA.labels, value: JSON.stringify(labels) },
      { key: METADATA.format, value: FORMAT },
      { key: METADATA.spec, value: JSON.stringify({ ...specSummary, vocabularySize: V }) },
    ],
  });
}
