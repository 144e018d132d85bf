/**
 * Instances of the WebAssembly modules the core embeds (packages/core/assembly, built by
 * `pnpm build:wasm` into `*-wasm.ts` constants): each module compiled once per thread, and each
 * instance with its own memory. A memory that cannot hold the work is a `WasmMemoryError`.
 */
import { WasmMemoryError } from "../errors.ts";
import type { VectorCache } from "./row-cache.ts";

/** The parts of the WebAssembly API used here (the project's TypeScript lib does not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** Every module's exports hold its memory. */
export interface WasmExports {
  memory: { buffer: ArrayBuffer };
}

const compiled = new Map<string, object>();

/** The most a module's memory may hold (wasm32: 4 GiB). */
export const WASM_MAX_BYTES = 2 ** 32;

/**
 * Throws `WasmMemoryError` when `bytes` (what a module is about to lay out for `what`) cannot fit
 * in a module's memory: checked before the sizes reach it, where they would wrap around 32 bits.
 */
export function checkWasmBytes(bytes: number, what: string): void {
  if (bytes >= WASM_MAX_BYTES) {
    throw new WasmMemoryError(
      `${what} needs ${(bytes / 2 ** 30).toFixed(1)} GiB of WebAssembly memory, more than its 4 GiB: the data is too large for one process`,
    );
  }
}

/** A module's allocator could not grow its memory (the 4 GiB bound or the process's limit). */
const outOfMemory = (bytes: number) => {
  throw new WasmMemoryError(
    `a WebAssembly module could not grow its memory by ${bytes} bytes (4 GiB per module, or the process's limit): the data is too large for one process`,
  );
};

/** A module's regions for cached examples (the addresses of ids, values, offsets and classes). */
export interface ExampleRegions extends WasmExports {
  ids(): number;
  values(): number;
  offsets(): number;
  classes(): number;
}

/** Copies a cache's examples into the regions a module made for them (after it grew its memory). */
export function writeExamples(
  m: ExampleRegions,
  cache: Pick<VectorCache, "ids" | "values" | "offsets" | "classes" | "count">,
): void {
  const nnz = cache.offsets[cache.count]!;
  const { buffer } = m.memory;
  new Int32Array(buffer, m.ids(), nnz).set(cache.ids.subarray(0, nnz));
  new Float64Array(buffer, m.values(), nnz).set(cache.values.subarray(0, nnz));
  new Int32Array(buffer, m.offsets(), cache.count + 1).set(cache.offsets.subarray(0, cache.count + 1));
  new Int32Array(buffer, m.classes(), cache.count).set(cache.classes.subarray(0, cache.count));
}

/** A new instance of the module whose bytes are `base64`, given the functions it imports from `env` besides `abort`. */
export function instantiate<T extends WasmExports>(base64: string, env: Record<string, unknown> = {}): T {
  const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  let module = compiled.get(base64);
  if (!module) {
    module = new api.Module(Buffer.from(base64, "base64"));
    compiled.set(base64, module);
  }
  const abort = () => {
    throw new Error("WebAssembly abort");
  };
  return new api.Instance(module, { env: { abort, outOfMemory, ...env } }).exports as T;
}
