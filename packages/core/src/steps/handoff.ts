/**
 * Tokenize once (docs/adr/0005-hyperparameter-selection.md item 9): Preprocess, which tokenizes
 * every training row of the shards it reads whole to count terms, hands Train the token ids of
 * those rows, so that Train neither parses the shards' JSON, nor hashes each row for its split, nor
 * tokenizes again. Beside the feature spec (`prepared/<dataset>/<version>/tokens/`):
 * - `shard-<index>.bin`: the shard's training rows in order, as little-endian int32s: a header
 *   (magic, format, rows, tokens, labels, token list size when written), then per row its label's
 *   index, its token count and its token ids;
 * - `tokens.txt`: the token list, one token a line (ids are line numbers; a token has no space);
 * - `index.json`: the labels, the token count and checksum, and each shard's key, rows, bytes and
 *   checksum. Written last: a Train child trusts only what it lists.
 * A shard, a token list or an index that is missing, or does not match its checksum or shape, is
 * not used: Train reads the curated shard's text instead (the same rows, so the same model) and
 * logs why (`HandoffError` when damaged). The handoff is derived from the curated shards, which stay
 * the truth; failing the run over it would stop retraining for nothing.
 */
import { z } from "zod";
import type { ShardItem } from "../contracts.ts";
import { ObjectNotFoundError, TollgateError } from "../errors.ts";
import { readJson } from "../json-lines.ts";
import type { Logger } from "../logger.ts";
import type { Rows, TokenRow } from "../ml/examples.ts";
import { murmur3 } from "../ml/split.ts";
import type { ObjectStore } from "../ports.ts";
import { padded } from "./shards.ts";

/** A token handoff file is damaged or does not belong to this data (logged; Train reads the text). */
export class HandoffError extends TollgateError {}

const MAGIC = 0x4b544754; // "TGTK"
const FORMAT = 1;
const HEADER = 6;

/**
 * The most handoff bytes one Train child holds in memory (its shards' token ids and the token
 * list); beyond it the child reads the text as before, streaming if the rows pass the cache bound.
 */
export const MAX_HANDOFF_BYTES = 512 * 1024 * 1024;

/** Where the handoff of the data whose feature spec is at `featureSpecKey` lives (beside it). */
export function handoffKeys(featureSpecKey: string) {
  const base = `${featureSpecKey.slice(0, featureSpecKey.lastIndexOf("/") + 1)}tokens/`;
  return {
    index: `${base}index.json`,
    tokens: `${base}tokens.txt`,
    shard: (index: number) => `${base}shard-${padded(index)}.bin`,
  };
}

const HandoffIndex = z.object({
  format: z.literal(FORMAT),
  labels: z.array(z.string()),
  tokens: z.object({ count: z.number().int().nonnegative(), hash: z.number().int() }),
  shards: z.record(
    z.string(),
    z.object({
      key: z.string(),
      rows: z.number().int().nonnegative(),
      bytes: z.number().int().nonnegative(),
      hash: z.number().int(),
    }),
  ),
});
type HandoffIndex = z.infer<typeof HandoffIndex>;

const bytesOf = (ints: Int32Array) => new Uint8Array(ints.buffer, ints.byteOffset, ints.byteLength);

/**
 * Preprocess's side: one shard at a time, the token ids of its training rows as `FeatureSpecBuilder`
 * scanned them; then the token list and the index.
 * @example
 * const handoff = new HandoffWriter(labels, handoffKeys(featureSpecKey));
 * handoff.begin(); for (const row of trainRows) handoff.row(row.label, spec.add(row));
 * await handoff.endShard(store, 0, shardKey); await handoff.finish(store, spec.tokens);
 */
export class HandoffWriter {
  private readonly labelIndex: Map<string, number>;
  private readonly shards: HandoffIndex["shards"] = {};
  private ints = new Int32Array(1 << 16);
  private used = 0;
  private rows = 0;
  private tokenCount = 0;

  constructor(
    private readonly labels: readonly string[],
    private readonly keys: ReturnType<typeof handoffKeys>,
  ) {
    this.labelIndex = new Map(labels.map((label, i) => [label, i]));
  }

  /** Starts a shard. */
  begin(): void {
    this.used = HEADER;
    this.rows = 0;
    this.tokenCount = 0;
  }

  /** The next training row of the shard: its label and its token ids (`FeatureSpecBuilder.add`'s). */
  row(label: string, ids: Int32Array): void {
    const n = ids.length;
    this.reserve(this.used + 2 + n);
    this.ints[this.used++] = this.labelIndex.get(label)!;
    this.ints[this.used++] = n;
    this.ints.set(ids, this.used);
    this.used += n;
    this.rows++;
    this.tokenCount += n;
  }

  /** Writes the shard begun last (every training row of the shard `key`, manifest index `index`). */
  async endShard(store: ObjectStore, index: number, key: string, tokenListSize: number): Promise<void> {
    this.ints.set([MAGIC, FORMAT, this.rows, this.tokenCount, this.labels.length, tokenListSize], 0);
    const bytes = bytesOf(this.ints.subarray(0, this.used));
    this.shards[String(index)] = { key, rows: this.rows, bytes: bytes.byteLength, hash: murmur3(bytes) };
    await store.put(this.keys.shard(index), bytes);
  }

  /** Writes the token list (every id the shards use) and the index, which makes them usable. */
  async finish(store: ObjectStore, tokens: readonly string[]): Promise<void> {
    const text = new TextEncoder().encode(tokens.join("\n"));
    await store.put(this.keys.tokens, text);
    const index: HandoffIndex = {
      format: FORMAT,
      labels: [...this.labels],
      tokens: { count: tokens.length, hash: murmur3(text) },
      shards: this.shards,
    };
    await store.put(this.keys.index, JSON.stringify(index));
  }

  private reserve(n: number): void {
    if (n <= this.ints.length) return;
    const next = new Int32Array(Math.max(n, 2 * this.ints.length));
    next.set(this.ints.subarray(0, this.used));
    this.ints = next;
  }
}

/** One shard's rows, decoded and checked: label index, token offsets into `ids`. */
interface ShardTokens {
  labels: Int32Array;
  starts: Int32Array;
  ids: Int32Array;
}

/** Checks and decodes a shard file against its index entry. */
function decodeShard(bytes: Uint8Array, entry: HandoffIndex["shards"][string], labels: number, tokens: number) {
  const where = entry.key;
  if (bytes.byteLength !== entry.bytes || murmur3(bytes) !== entry.hash) {
    throw new HandoffError(
      `token handoff of shard ${where}: ${bytes.byteLength} bytes, not the indexed ${entry.bytes} with its checksum`,
    );
  }
  const ints =
    bytes.byteOffset % 4 === 0
      ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2)
      : new Int32Array(bytes.slice().buffer);
  const [magic, format, rows, count, labelCount, listSize] = ints;
  if (magic !== MAGIC || format !== FORMAT || rows !== entry.rows || labelCount !== labels || listSize! > tokens) {
    throw new HandoffError(`token handoff of shard ${where}: header does not match its index`);
  }
  const out: ShardTokens = {
    labels: new Int32Array(rows),
    starts: new Int32Array(rows + 1),
    ids: new Int32Array(count!),
  };
  let at = HEADER;
  let m = 0;
  for (let r = 0; r < rows; r++) {
    const label = ints[at++]!;
    const n = ints[at++]!;
    if (!(label >= 0 && label < labels) || !(n >= 0 && m + n <= count!)) {
      throw new HandoffError(`token handoff of shard ${where}: row ${r} is malformed`);
    }
    out.labels[r] = label;
    for (let k = 0; k < n; k++) {
      const id = ints[at++]!;
      if (!(id >= 0 && id < listSize!))
        throw new HandoffError(`token handoff of shard ${where}: row ${r} has token id ${id}`);
      out.ids[m++] = id;
    }
    out.starts[r + 1] = m;
  }
  if (at !== ints.length || m !== count)
    throw new HandoffError(`token handoff of shard ${where}: length does not match its header`);
  return out;
}

/**
 * Train's side: the training rows of `items` (curated shards) as Preprocess tokenized them, when
 * it handed every one of them over, for labels `labels`; else undefined (read the text), with a
 * log line saying why. Each call of the result yields the rows in shard order (what `splitRows`
 * yields for "train", as token ids).
 * @example const rows = (await handoffRows(ports.data, featureSpecKey, items, spec.labels, log)) ?? textRows;
 */
export async function handoffRows(
  store: ObjectStore,
  featureSpecKey: string,
  items: readonly ShardItem[],
  labels: readonly string[],
  log: Logger,
): Promise<Rows | undefined> {
  const keys = handoffKeys(featureSpecKey);
  const shards = items.map((item) => item.key);
  if (!(await store.exists(keys.index))) {
    log.info({ index: keys.index }, "no token handoff from Preprocess: Train reads the shards' text");
    return undefined;
  }
  try {
    const index = await readIndex(store, keys.index);
    if (index.labels.join("\n") !== labels.join("\n"))
      throw new HandoffError(`token handoff ${keys.index}: other labels than the feature spec's`);
    const entries = items.map((item) => index.shards[String(item.index)]);
    const missing = items.filter((item, i) => entries[i]?.key !== item.key);
    if (missing.length > 0) {
      const reason =
        "Preprocess did not read these shards whole (the spec of a large corpus is counted by the CountTerms Map)";
      log.info(
        { shards: missing.map((item) => item.key) },
        `no token handoff for ${missing.length} of the child's shards: Train reads their text (${reason})`,
      );
      return undefined;
    }
    const bytes = entries.reduce((sum, e) => sum + e!.bytes, 0) + 16 * index.tokens.count;
    if (bytes > MAX_HANDOFF_BYTES) {
      log.info(
        { bytes, limit: MAX_HANDOFF_BYTES },
        "token handoff larger than a child holds: Train reads the shards' text",
      );
      return undefined;
    }
    const tokens = await readTokens(store, keys.tokens, index.tokens);
    const decoded: ShardTokens[] = [];
    for (const [i, item] of items.entries()) {
      decoded.push(decodeShard(await store.get(keys.shard(item.index)), entries[i]!, labels.length, tokens.length));
    }
    log.debug(
      { shards: shards.length, rows: decoded.reduce((sum, d) => sum + d.labels.length, 0) },
      "training rows from Preprocess's token handoff",
    );
    return () => rowsOf(decoded, labels, tokens);
  } catch (err) {
    if (!(err instanceof HandoffError || err instanceof ObjectNotFoundError)) throw err;
    log.warn(
      { err: { name: err.name, message: err.message }, shards },
      "token handoff unusable: Train reads the shards' text",
    );
    return undefined;
  }
}

async function readIndex(store: ObjectStore, key: string): Promise<HandoffIndex> {
  try {
    return await readJson(store, key, HandoffIndex);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw err;
    throw new HandoffError(`token handoff index ${key} is not one: ${(err as Error).message.slice(0, 200)}`, {
      cause: err,
    });
  }
}

async function readTokens(store: ObjectStore, key: string, expected: HandoffIndex["tokens"]): Promise<string[]> {
  const bytes = await store.get(key);
  const tokens = bytes.byteLength === 0 ? [] : new TextDecoder().decode(bytes).split("\n");
  if (murmur3(bytes) !== expected.hash || tokens.length !== expected.count) {
    throw new HandoffError(
      `token list ${key}: ${tokens.length} tokens, not the indexed ${expected.count} with its checksum`,
    );
  }
  return tokens;
}

function* rowsOf(
  shards: readonly ShardTokens[],
  labels: readonly string[],
  tokens: readonly string[],
): Generator<TokenRow> {
  for (const shard of shards) {
    for (let r = 0; r < shard.labels.length; r++) {
      yield {
        label: labels[shard.labels[r]!]!,
        ids: shard.ids.subarray(shard.starts[r]!, shard.starts[r + 1]!),
        tokens,
      };
    }
  }
}
