/** The live-model cache: one load per version, pointer TTL, leases, release after the last lease. */
import { ServiceUnavailableError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import { LiveModelCache } from "@tollgate/core/serving/live-model";
import { describe, expect, it } from "vitest";
import { FakeSource, fakeClock } from "./fakes.ts";

const quiet = logger.child({}, { level: "silent" });

function setup(live: string | null = "v1", ttl = 1000) {
  const source = new FakeSource();
  source.live = live ?? undefined;
  const clock = fakeClock();
  const cache = new LiveModelCache(source, { pointerTtlMs: ttl, maxBatchTexts: 64, now: clock.now, logger: quiet });
  return { source, clock, cache };
}

/** Lets pending promise callbacks and setImmediate turns run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("LiveModelCache", () => {
  it("loads the live version once and reuses it for every request", async () => {
    const { source, cache } = setup();
    const leases = await Promise.all([cache.acquire(), cache.acquire(), cache.acquire()]);
    expect(leases.map((l) => l.version)).toEqual(["v1", "v1", "v1"]);
    expect(source.loads).toEqual(["v1"]);
    for (const lease of leases) lease.release();
    (await cache.acquire()).release();
    expect(source.loads).toEqual(["v1"]);
  });

  it("reads the pointer at most once per TTL", async () => {
    const { source, clock, cache } = setup("v1", 1000);
    (await cache.acquire()).release();
    clock.advance(999);
    (await cache.acquire()).release();
    expect(source.pointerReads).toBe(1);
    clock.advance(1);
    (await cache.acquire()).release();
    await settle();
    expect(source.pointerReads).toBe(2);
  });

  it("answers 'no live model' without a pointer read per request, and picks the first promotion up after the TTL", async () => {
    const { source, clock, cache } = setup(null);
    await expect(cache.acquire()).rejects.toThrow(ServiceUnavailableError);
    await expect(cache.acquire()).rejects.toThrow(/no live model yet/);
    expect(source.pointerReads).toBe(1);
    source.live = "v1";
    clock.advance(1000);
    expect((await cache.acquire()).version).toBe("v1");
  });

  it("swaps after the TTL: the in-flight request finishes on the old model, which is released after it", async () => {
    const { source, clock, cache } = setup();
    const old = await cache.acquire();
    source.live = "v2";
    clock.advance(1000);
    const first = await cache.acquire(); // sees the stale pointer, starts loading v2 in the background
    expect(first.version).toBe("v1");
    first.release();
    await settle();
    const next = await cache.acquire();
    expect(next.version).toBe("v2");
    const v1 = source.models.get("v1")!;
    expect(v1.released).toBe(false);
    const answer = await old.predict(["yes please"]);
    expect(answer.labels).toEqual(["yes"]);
    old.release();
    await settle();
    expect(v1.released).toBe(true);
    expect(source.models.get("v2")!.released).toBe(false);
    next.release();
  });

  it("releases the old model only once, however often a lease is released", async () => {
    const { source, clock, cache } = setup();
    const a = await cache.acquire();
    const b = await cache.acquire();
    source.live = "v2";
    clock.advance(1000);
    (await cache.acquire()).release();
    await settle();
    a.release();
    a.release();
    await settle();
    expect(source.models.get("v1")!.released).toBe(false);
    b.release();
    await settle();
    expect(source.models.get("v1")!.released).toBe(true);
  });

  it("keeps serving the loaded version when a new one fails to load, and retries after the TTL", async () => {
    const { source, clock, cache } = setup();
    (await cache.acquire()).release();
    source.live = "v2";
    source.failLoads = true;
    clock.advance(1000);
    (await cache.acquire()).release();
    await settle();
    expect((await cache.acquire()).version).toBe("v1");
    source.failLoads = false;
    clock.advance(1000);
    (await cache.acquire()).release();
    await settle();
    expect((await cache.acquire()).version).toBe("v2");
    expect(source.loads).toEqual(["v1", "v2", "v2"]);
  });

  it("throws ServiceUnavailableError with the reason when the live version cannot be loaded and nothing is loaded", async () => {
    const { source, cache } = setup();
    source.failLoads = true;
    await expect(cache.acquire()).rejects.toThrow("the live model cannot be loaded: cannot load v1");
  });

  it("releases the model on close once the last lease ends, and refuses new requests", async () => {
    const { source, cache } = setup();
    const lease = await cache.acquire();
    await cache.close();
    await expect(cache.acquire()).rejects.toThrow(/shutting down/);
    expect(source.models.get("v1")!.released).toBe(false);
    lease.release();
    await settle();
    expect(source.models.get("v1")!.released).toBe(true);
  });
});
