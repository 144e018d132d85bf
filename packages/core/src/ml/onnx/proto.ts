/**
 * A hand-written subset of the ONNX protobuf schema (onnx/onnx.proto, IR version 10),
 * enough to write models, and small helpers to build nodes, attributes and tensors.
 * Encoded with protobufjs; byte fields (`s`, `strings`, `stringData`, `rawData`) are Uint8Array.
 */
import protobuf from "protobufjs";

const SCHEMA = `
syntax = "proto3";
package onnx;
message StringStringEntryProto { string key = 1; string value = 2; }
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } string denotation = 3; }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message ValueInfoProto { string name = 1; TypeProto type = 2; string doc_string = 3; }
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4;
  repeated int32 int32_data = 5;
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7;
  string name = 8;
  bytes raw_data = 9;
}
message AttributeProto {
  string name = 1;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  int32 type = 20;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
  string domain = 7;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
message ModelMetadata { repeated StringStringEntryProto metadata_props = 14; }
`;

const root = protobuf.parse(SCHEMA, { keepCase: false }).root;
const ModelProto = root.lookupType("onnx.ModelProto");
const ModelMetadata = root.lookupType("onnx.ModelMetadata");

/** ONNX TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7, STRING: 8 } as const;
/** ONNX AttributeProto.AttributeType values used here. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface Tensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData?: Uint8Array;
  stringData?: Uint8Array[];
}
export interface Attribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: Tensor;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}
export interface Node {
  opType: string;
  domain?: string;
  name: string;
  input: string[];
  output: string[];
  attribute: Attribute[];
}
export interface ValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: Array<{ dimValue: number } | { dimParam: string }> } } };
}
export interface Graph {
  name: string;
  node: Node[];
  initializer: Tensor[];
  input: ValueInfo[];
  output: ValueInfo[];
}
export interface Model {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: Graph;
  opsetImport: Array<{ domain: string; version: number }>;
  metadataProps: Array<{ key: string; value: string }>;
}

const utf8 = new TextEncoder();
const bytes = (s: string): Uint8Array => utf8.encode(s);

/** Attribute builders, e.g. `attr.int("axis", 1)`. */
export const attr = {
  int: (name: string, i: number): Attribute => ({ name, type: AttrType.INT, i }),
  float: (name: string, f: number): Attribute => ({ name, type: AttrType.FLOAT, f }),
  string: (name: string, s: string): Attribute => ({ name, type: AttrType.STRING, s: bytes(s) }),
  ints: (name: string, ints: number[]): Attribute => ({ name, type: AttrType.INTS, ints }),
  floats: (name: string, floats: number[]): Attribute => ({ name, type: AttrType.FLOATS, floats }),
  strings: (name: string, strings: string[]): Attribute => ({
    name,
    type: AttrType.STRINGS,
    strings: strings.map(bytes),
  }),
  tensor: (name: string, t: Tensor): Attribute => ({ name, type: AttrType.TENSOR, t }),
};

/** Tensor builders (little-endian raw data; ONNX requires little-endian). */
export const tensor = {
  float: (name: string, dims: number[], data: Float32Array): Tensor => ({
    name,
    dims,
    dataType: DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  }),
  /** Integers (each a safe integer) as little-endian int64 raw data, without BigInt (vocabulary-sized tables). */
  int64: (name: string, dims: number[], data: ArrayLike<number>): Tensor => {
    const words = new Uint32Array(2 * data.length);
    for (let i = 0; i < data.length; i++) {
      const high = Math.floor(data[i]! / 0x1_0000_0000);
      words[2 * i] = data[i]! - high * 0x1_0000_0000;
      words[2 * i + 1] = high; // two's complement of a negative high word (Uint32Array wraps it)
    }
    return { name, dims, dataType: DataType.INT64, rawData: new Uint8Array(words.buffer) };
  },
  string: (name: string, dims: number[], data: string[]): Tensor => ({
    name,
    dims,
    dataType: DataType.STRING,
    stringData: data.map(bytes),
  }),
};

/**
 * A graph node (named after its first output).
 * @example
 * node("Softmax", ["logits"], ["probabilities"], [attr.int("axis", -1)])
 */
export function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: Attribute[] = [],
  domain = "",
): Node {
  return { opType, domain, name: `${output[0]}_${opType}`, input, output, attribute };
}

/**
 * A graph input or output description; a string dimension is symbolic.
 * @example
 * valueInfo("text", DataType.STRING, ["N"])
 */
export function valueInfo(name: string, elemType: number, dims: Array<number | string>): ValueInfo {
  const dim = dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/**
 * Serialises a model to ONNX protobuf bytes.
 * @example
 * const bytes = encodeModel({ irVersion: 10, producerName: "x", producerVersion: "1", graph, opsetImport: [{ domain: "", version: 21 }], metadataProps: [] });
 */
export function encodeModel(model: Model): Uint8Array {
  const message = ModelProto.fromObject(model);
  return ModelProto.encode(message).finish();
}

/**
 * Reads a model's metadata_props without decoding its graph (other fields are skipped).
 * @example
 * decodeMetadata(bytes)["tollgate.labels"] // '["a","b"]'
 */
export function decodeMetadata(bytes: Uint8Array): Record<string, string> {
  const decoded = ModelMetadata.toObject(ModelMetadata.decode(bytes)) as {
    metadataProps?: Array<{ key: string; value: string }>;
  };
  return Object.fromEntries((decoded.metadataProps ?? []).map((e) => [e.key, e.value]));
}
