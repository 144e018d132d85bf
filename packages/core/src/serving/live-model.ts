/**
 * The live-model cache: one loaded model per version, reused by every request, swapped when
 * the live pointer moves. Requests hold a lease (a reference count) on the model they started
 * with; a replaced model is released when its last lease ends, never under a running request.
 */
import { ServiceUnavailableError } from "../errors.ts";
import { type Logger, logger as rootLogger } from "../logger.ts";
import { type ClassifierOutput, MicroBatcher } from "./batcher.ts";

/** A loaded model as the cache needs it (an `OnnxTextClassifier`). */
export interface LoadedModel {
  readonly labels: string[];
  predict(texts: string[]): Promise<ClassifierOutput>;
  /** Per row of `probabilities`: whether its text had a term the model knows (`OnnxTextClassifier.knownTerms`). */
  knownTerms(probabilities: Float32Array[]): Promise<boolean[]>;
  release(): Promise<void>;
}

/** Where the cache reads the live version and loads a version's model. */
export interface ModelSource {
  /** The live version, or undefined when nothing is live yet. */
  liveVersion(): Promise<string | undefined>;
  /** Loads one version (slow: reads the artifact, creates the session). */
  load(version: string): Promise<LoadedModel>;
}

/** A request's hold on one loaded version: predict with it, then release it exactly once. */
export interface ModelLease {
  readonly version: string;
  readonly labels: readonly string[];
  predict(texts: string[]): Promise<ClassifierOutput>;
  knownTerms(probabilities: Float32Array[]): Promise<boolean[]>;
  release(): void;
}

interface Entry {
  version: string;
  model: LoadedModel;
  batcher: MicroBatcher;
  refs: number;
  retired: boolean;
}

/** Options of {@link LiveModelCache}. */
export interface LiveModelCacheOptions {
  /** How long a read of the live pointer is trusted, in ms. */
  pointerTtlMs: number;
  /** Most texts per onnxruntime run when batching concurrent requests. */
  maxBatchTexts: number;
  now?: () => number;
  logger?: Logger;
}

/**
 * Serves the live version of one model.
 * While a newer version loads, requests keep using the loaded one (no pause at a promotion);
 * a version that fails to load is logged and retried after the TTL, the old one still serving.
 * @example
 * const cache = new LiveModelCache(source, { pointerTtlMs: 1000, maxBatchTexts: 512 });
 * const lease = await cache.acquire();
 * try { await lease.predict(["a small dog"]); } finally { lease.release(); }
 */
export class LiveModelCache {
  private current: Entry | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private lastFailure: Error | undefined;
  private readonly now: () => number;
  private readonly log: Logger;
  private closed = false;
  private readonly releasing = new Set<Promise<void>>();

  constructor(
    private readonly source: ModelSource,
    private readonly options: LiveModelCacheOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.log = options.logger ?? rootLogger;
  }

  /**
   * A lease on the model to answer with: the loaded one while the pointer read is fresh
   * (or while a newer version loads), else the one the pointer names once loaded.
   * @throws ServiceUnavailableError when nothing is live yet or the live version cannot be loaded.
   */
  async acquire(): Promise<ModelLease> {
    if (this.closed) throw new ServiceUnavailableError("the model server is shutting down");
    if (this.now() - this.checkedAt >= this.options.pointerTtlMs) void this.refresh();
    // Nothing loaded yet: wait for the read (and load) in flight rather than answer 503.
    if (!this.current && this.refreshing) await this.refreshing;
    const entry = this.current;
    if (!entry) {
      throw this.lastFailure ?? new ServiceUnavailableError("no live model yet: promote a model first");
    }
    return this.lease(entry);
  }

  /** The version currently answering, if one is loaded. */
  get version(): string | undefined {
    return this.current?.version;
  }

  /**
   * Stops serving; each loaded model is released once its last lease ends. Resolves when the
   * models without leases are released.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.refreshing;
    if (this.current) this.retire(this.current);
    this.current = undefined;
    await Promise.all(this.releasing);
  }

  private lease(entry: Entry): ModelLease {
    entry.refs++;
    let released = false;
    return {
      version: entry.version,
      labels: entry.model.labels,
      predict: (texts) => entry.batcher.predict(texts),
      knownTerms: (probabilities) => entry.model.knownTerms(probabilities),
      release: () => {
        if (released) return;
        released = true;
        entry.refs--;
        if (entry.retired && entry.refs === 0) this.free(entry);
      },
    };
  }

  /** Reads the pointer and loads a new version if it moved; one refresh at a time. */
  private refresh(): Promise<void> {
    this.refreshing ??= this.check().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async check(): Promise<void> {
    this.checkedAt = this.now();
    try {
      const version = await this.source.liveVersion();
      if (version === this.current?.version) return;
      if (version === undefined) {
        this.lastFailure = undefined;
        if (this.current) this.retire(this.current);
        this.current = undefined;
        return;
      }
      const started = performance.now();
      const model = await this.source.load(version);
      const batcher = new MicroBatcher((texts) => model.predict(texts), this.options.maxBatchTexts);
      const previous = this.current;
      this.current = { version, model, batcher, refs: 0, retired: false };
      this.lastFailure = undefined;
      this.log.info(
        { modelVersion: version, previous: previous?.version ?? null, loadMs: Math.round(performance.now() - started) },
        "model loaded",
      );
      if (previous) this.retire(previous);
    } catch (err) {
      this.lastFailure = new ServiceUnavailableError(`the live model cannot be loaded: ${(err as Error).message}`, {
        cause: err,
      });
      this.log.error({ err, modelVersion: this.current?.version ?? null }, "live model refresh failed");
    }
  }

  private retire(entry: Entry): void {
    if (entry.retired) return;
    entry.retired = true;
    if (entry.refs === 0) this.free(entry);
  }

  private free(entry: Entry): void {
    const done = entry.model.release().then(
      () => this.log.info({ modelVersion: entry.version }, "model released"),
      (err: unknown) => this.log.error({ err, modelVersion: entry.version }, "model release failed"),
    );
    this.releasing.add(done);
    void done.finally(() => this.releasing.delete(done));
  }
}
