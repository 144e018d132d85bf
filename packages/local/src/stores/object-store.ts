import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { ObjectNotFoundError } from "@tollgate/core/errors";
import type { ObjectStore, StoredObject } from "@tollgate/core/ports";

/** Suffix of in-flight temporary files; keys may not end with it and listings skip it. */
const TEMP_SUFFIX = ".tollgate-partial";

/** Thrown for keys that are empty, absolute, or try to leave the store's folder. */
export class InvalidObjectKeyError extends Error {
  constructor(key: string, why: string) {
    super(`invalid object key ${JSON.stringify(key)}: ${why}`);
    this.name = "InvalidObjectKeyError";
  }
}

/**
 * Checks an object key: `/`-separated segments, none empty, `.` or `..`; no backslash,
 * NUL or leading slash. Returns the key unchanged when it is safe.
 * @throws InvalidObjectKeyError
 */
export function validateObjectKey(key: string): string {
  if (key.length === 0) throw new InvalidObjectKeyError(key, "empty");
  if (key.length > 1024) throw new InvalidObjectKeyError(key, "longer than 1024 characters");
  if (key.includes("\\") || key.includes("\0")) throw new InvalidObjectKeyError(key, "backslash or NUL");
  if (key.startsWith("/")) throw new InvalidObjectKeyError(key, "absolute");
  if (key.endsWith(TEMP_SUFFIX)) throw new InvalidObjectKeyError(key, `reserved suffix ${TEMP_SUFFIX}`);
  for (const segment of key.split("/")) {
    if (segment === "" || segment === "." || segment === "..") {
      throw new InvalidObjectKeyError(key, "empty, '.' or '..' path segment");
    }
  }
  return key;
}

function isErrno(err: unknown, ...codes: string[]): boolean {
  return err instanceof Error && "code" in err && codes.includes(String((err as NodeJS.ErrnoException).code));
}

/**
 * An {@link ObjectStore} over a local folder: key `a/b/c.json` is the file `<root>/a/b/c.json`.
 * Writes go to a temporary file in the same folder, are flushed, then renamed over the
 * target, so readers (in this or another process) see the old object or the new one.
 */
export class FolderObjectStore implements ObjectStore {
  /** Absolute path of the folder. */
  readonly root: string;

  /**
   * @param root the folder (created on first write)
   * @param bucket a bucket-like name for this store, used in audit ARNs
   */
  constructor(
    root: string,
    readonly bucket = "local",
  ) {
    this.root = resolve(root);
  }

  /** The absolute file path of a key, after validating it stays inside the root. */
  pathOf(key: string): string {
    validateObjectKey(key);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new InvalidObjectKeyError(key, "outside the store");
    return path;
  }

  localPath(key: string): string {
    return this.pathOf(key);
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}${TEMP_SUFFIX}`;
    try {
      const handle = await open(temp, "wx");
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    const path = this.pathOf(key);
    try {
      return new Uint8Array(await readFile(path));
    } catch (err) {
      if (isErrno(err, "ENOENT", "EISDIR", "ENOTDIR")) {
        throw new ObjectNotFoundError(`no object ${key} in ${this.bucket}`, { cause: err });
      }
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if (isErrno(err, "ENOENT", "ENOTDIR")) return false;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    if (prefix.includes("\\") || prefix.includes("\0") || prefix.startsWith("/")) {
      throw new InvalidObjectKeyError(prefix, "bad prefix");
    }
    // Walk only the deepest folder the prefix fully names; match the rest as a string prefix.
    const folder = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    if (folder.split("/").some((s) => s === "." || s === "..")) throw new InvalidObjectKeyError(prefix, "bad prefix");
    const keys: string[] = [];
    await this.walk(folder, prefix, keys);
    return keys.sort();
  }

  async listSized(prefix: string): Promise<StoredObject[]> {
    const keys = await this.list(prefix);
    const sized: StoredObject[] = [];
    for (const key of keys) {
      try {
        sized.push({ key, size: (await stat(this.pathOf(key))).size });
      } catch (err) {
        if (!isErrno(err, "ENOENT")) throw err; // removed since the listing
      }
    }
    return sized;
  }

  /** Removes the files, then the folders they leave empty (up to the root). */
  async delete(keys: string[]): Promise<void> {
    const folders = new Set<string>();
    for (const key of keys) {
      const path = this.pathOf(key);
      await rm(path, { force: true });
      folders.add(dirname(path));
    }
    // deepest first, so a parent is tried after its children
    for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
      for (let dir = folder; dir.startsWith(this.root + sep); dir = dirname(dir)) {
        try {
          await rmdir(dir);
        } catch (err) {
          if (isErrno(err, "ENOTEMPTY", "EEXIST", "ENOENT")) break;
          throw err;
        }
      }
    }
  }

  private async walk(folder: string, prefix: string, out: string[]): Promise<void> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(folder ? join(this.root, folder) : this.root, { withFileTypes: true });
    } catch (err) {
      if (isErrno(err, "ENOENT", "ENOTDIR")) return;
      throw err;
    }
    for (const entry of entries) {
      const key = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        // Descend only where keys can still match the prefix.
        if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await this.walk(key, prefix, out);
      } else if (entry.isFile() && !entry.name.endsWith(TEMP_SUFFIX) && key.startsWith(prefix)) {
        out.push(key);
      }
    }
  }
}
