/**
 * A model's training state as a file: the weights and bias of a linear model, optionally its
 * AdaGrad step-size accumulators, and what produced it (examples, mean training loss). Sharded
 * training passes these between rounds through the object store: a child writes one after its
 * pass, the merge reads them and writes the merged one the next round starts from.
 *
 * Layout (little-endian): "TGS1", u32 header length, the header (UTF-8 JSON), zero padding to a
 * multiple of 8, then float32 weights [features × classes], float32 bias [classes], and with
 * accumulators float64 [features] and float64 [classes].
 */
import { z } from "zod";
import { ModelFormatError } from "../errors.ts";
import type { Accumulators } from "./adagrad.ts";

export interface ModelState {
  weights: Float32Array;
  bias: Float32Array;
  accumulators?: Accumulators | undefined;
  /** Training examples behind it (the merge's weight). */
  examples: number;
  /** Mean training loss of the pass that produced it (NaN when none). */
  loss: number;
}

const MAGIC = "TGS1";
const Header = z.object({
  features: z.number().int().nonnegative(),
  classes: z.number().int().positive(),
  accumulators: z.boolean(),
  examples: z.number().nonnegative(),
  loss: z.number().nullable(),
});

/**
 * Encodes a training state.
 * @example const bytes = encodeModelState({ weights, bias, examples: 1000, loss: 0.8 });
 */
export function encodeModelState(state: ModelState): Uint8Array {
  const classes = state.bias.length;
  const features = state.weights.length / classes;
  const header = new TextEncoder().encode(
    JSON.stringify({
      features,
      classes,
      accumulators: state.accumulators !== undefined,
      examples: state.examples,
      loss: Number.isFinite(state.loss) ? state.loss : null,
    }),
  );
  const start = Math.ceil((8 + header.length) / 8) * 8;
  const floats = (features + 1) * classes * 4;
  const doubles = state.accumulators ? (features + classes) * 8 : 0;
  const bytes = new Uint8Array(start + Math.ceil(floats / 8) * 8 + doubles);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, header.length, true);
  bytes.set(header, 8);
  bytes.set(new Uint8Array(state.weights.buffer, state.weights.byteOffset, state.weights.byteLength), start);
  bytes.set(
    new Uint8Array(state.bias.buffer, state.bias.byteOffset, state.bias.byteLength),
    start + features * classes * 4,
  );
  if (state.accumulators) {
    const at = start + Math.ceil(floats / 8) * 8;
    const { weights, bias } = state.accumulators;
    bytes.set(new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength), at);
    bytes.set(new Uint8Array(bias.buffer, bias.byteOffset, bias.byteLength), at + features * 8);
  }
  return bytes;
}

/**
 * Decodes a training state (the arrays are copies, aligned, owned by the caller).
 * @throws ModelFormatError when the bytes are not one.
 */
export function decodeModelState(bytes: Uint8Array): ModelState {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new ModelFormatError("not a tollgate training state (no TGS1 header)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(4, true);
  let header: z.infer<typeof Header>;
  try {
    header = Header.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))));
  } catch (err) {
    throw new ModelFormatError("the training state's header is unreadable", { cause: err });
  }
  const { features, classes } = header;
  const start = Math.ceil((8 + length) / 8) * 8;
  const floats = (features + 1) * classes * 4;
  const doubles = header.accumulators ? (features + classes) * 8 : 0;
  const expected = start + Math.ceil(floats / 8) * 8 + doubles;
  if (bytes.length !== expected) {
    throw new ModelFormatError(`the training state has ${bytes.length} bytes, its header says ${expected}`);
  }
  // a copy into a fresh buffer (a Node Buffer's slice() is a view on its pool, whose .buffer is the pool)
  const copy = (offset: number, byteLength: number) =>
    new Uint8Array(bytes.subarray(offset, offset + byteLength)).buffer;
  const at = start + Math.ceil(floats / 8) * 8;
  return {
    weights: new Float32Array(copy(start, features * classes * 4)),
    bias: new Float32Array(copy(start + features * classes * 4, classes * 4)),
    accumulators: header.accumulators
      ? {
          weights: new Float64Array(copy(at, features * 8)),
          bias: new Float64Array(copy(at + features * 8, classes * 8)),
        }
      : undefined,
    examples: header.examples,
    loss: header.loss ?? Number.NaN,
  };
}
