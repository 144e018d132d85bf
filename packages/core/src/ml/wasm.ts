/**
 * Instances of the WebAssembly modules the core embeds (packages/core/assembly, built by
 * `pnpm build:wasm` into `*-wasm.ts` constants): each module compiled once per thread, and each
 * instance with its own memory.
 */

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
  return new api.Instance(module, { env: { abort, ...env } }).exports as T;
}
