/**
 * Spill files: the local runner's intermediate data (JSON Lines in a temporary folder), written
 * with buffered appends and read back line by line, so no phase holds more than its share.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";

/** Bytes per read of a file. */
export const READ_CHUNK = 1 << 20;

/** The bytes of a file (or of `[start, end)` of it) as a stream of chunks (the buffer is reused). */
export function* readChunks(path: string, start = 0, end = Number.POSITIVE_INFINITY): Generator<Uint8Array> {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    let at = start;
    while (at < end) {
      const n = readSync(fd, buffer, 0, Math.min(READ_CHUNK, end - at), at);
      if (n === 0) break;
      at += n;
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** The lines of a spill file (UTF-8, LF-terminated), one string at a time. */
export function* readSpill(path: string): Generator<string> {
  let carry: Buffer[] = []; // bytes after the last LF (copied: the chunk's buffer is reused)
  for (const chunk of readChunks(path)) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const last = bytes.lastIndexOf(0x0a);
    if (last === -1) {
      carry.push(Buffer.from(bytes));
      continue;
    }
    const head = carry.length > 0 ? Buffer.concat([...carry, bytes.subarray(0, last)]) : bytes.subarray(0, last);
    carry = last + 1 < bytes.length ? [Buffer.from(bytes.subarray(last + 1))] : [];
    yield* head.toString("utf8").split("\n");
  }
  if (carry.length > 0) yield Buffer.concat(carry).toString("utf8");
}

/** Appends lines to a file through a buffer (`flushAt` bytes); `close()` writes the rest. */
export class SpillWriter {
  private fd: number | undefined;
  private parts: string[] = [];
  private size = 0;
  /** Lines written. */
  count = 0;

  constructor(
    readonly path: string,
    private readonly flushAt = 1 << 16,
  ) {}

  write(line: string): void {
    this.parts.push(line, "\n");
    this.size += line.length + 1;
    this.count++;
    if (this.size >= this.flushAt) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.fd ??= openSync(this.path, "a");
    writeSync(this.fd, this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
