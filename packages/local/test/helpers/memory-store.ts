import { ObjectNotFoundError } from "@tollgate/core/errors";
import type { ObjectStore } from "@tollgate/core/ports";

/** An in-memory {@link ObjectStore} for tests. */
export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();

  async put(key: string, body: Uint8Array | string): Promise<void> {
    this.objects.set(key, typeof body === "string" ? new TextEncoder().encode(body) : new Uint8Array(body));
  }

  async get(key: string): Promise<Uint8Array> {
    const body = this.objects.get(key);
    if (!body) throw new ObjectNotFoundError(`no object ${key}`);
    return body;
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }

  async listSized(prefix: string) {
    return (await this.list(prefix)).map((key) => ({ key, size: this.objects.get(key)?.byteLength ?? 0 }));
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }

  /** The object as UTF-8 text. */
  text(key: string): string {
    const body = this.objects.get(key);
    if (!body) throw new ObjectNotFoundError(`no object ${key}`);
    return new TextDecoder().decode(body);
  }
}
