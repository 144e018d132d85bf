/**
 * A promotion under load: while concurrent clients keep predicting over HTTP, a second version is
 * made live. Every request succeeds, each names the version whose numbers it carries, and once
 * the pointer TTL has passed and the new model is loaded, every answer comes from the new version.
 * The test is driven by counts of answered requests, not by wall-clock windows, so a loaded machine
 * makes it slower, not different.
 */

import { logger } from "@tollgate/core/logger";
import { OnnxTextClassifier } from "@tollgate/core/ml/onnx/runtime";
import { servingConfigFromEnv } from "@tollgate/core/serving/config";
import { serveLocal } from "@tollgate/local/server";
import { openLocalStores } from "@tollgate/local/stores";
import { expect, it } from "vitest";
import { topicRows } from "../helpers/topics.ts";
import { expectSameProbabilities, MODEL, twoModels } from "./models.ts";

const TTL_MS = 200;
const CLIENTS = 16;
/** Answers before the swap, and answers started after the new version's first one. */
const ROUNDS = 4 * CLIENTS;
/** Gives up (and fails below) if the new version has not answered this long after the swap. */
const GIVE_UP_MS = 60_000;

interface Observation {
  started: number;
  ended: number;
  status: number;
  version: string | undefined;
  probabilities: Record<string, number>[];
  texts: string[];
}

it("swaps the live model under concurrent load without failing a request", async () => {
  const { home, first, second } = await twoModels();
  const stores = openLocalStores(home);
  const load = async (key: string) => OnnxTextClassifier.load(await stores.objects.models.get(key));
  const offline = { [first.version]: await load(first.modelKey), [second.version]: await load(second.modelKey) };
  const config = servingConfigFromEnv({}, { modelName: MODEL, pointerTtlMs: TTL_MS });
  const server = await serveLocal({ home, config, port: 0, logger: logger.child({}, { level: "silent" }) });
  const texts = topicRows(64, 5).map((r) => r.text);
  const observations: Observation[] = [];
  let swappedAt = Number.POSITIVE_INFINITY;
  let firstNewEnded = Number.POSITIVE_INFINITY;
  let stop = false;
  let enoughBefore: () => void = () => {};
  const warmedUp = new Promise<void>((resolve) => {
    enoughBefore = resolve;
  });

  const client = async (id: number) => {
    for (let i = 0; !stop; i++) {
      const sample = [texts[(id * 7 + i) % texts.length]!, texts[(id + i * 3) % texts.length]!].slice(0, 1 + (i % 2));
      const started = performance.now();
      const res = await fetch(`${server.url}/predict`, { method: "POST", body: JSON.stringify({ texts: sample }) });
      const body = (await res.json()) as {
        modelVersion?: string;
        predictions?: { probabilities: Record<string, number> }[];
      };
      observations.push({
        started,
        ended: performance.now(),
        status: res.status,
        version: body.modelVersion,
        probabilities: (body.predictions ?? []).map((p) => p.probabilities),
        texts: sample,
      });
      if (observations.length >= ROUNDS) enoughBefore();
      if (body.modelVersion === second.version) firstNewEnded = Math.min(firstNewEnded, observations.at(-1)!.ended);
      const startedAfterNew = observations.filter((o) => o.started > firstNewEnded).length;
      if (startedAfterNew >= ROUNDS || performance.now() - swappedAt > GIVE_UP_MS) stop = true;
    }
  };

  try {
    const clients = Array.from({ length: CLIENTS }, (_, id) => client(id));
    await warmedUp;
    await stores.registry.swapLive(MODEL, first.version, second.version, "test:swap");
    swappedAt = performance.now();
    await Promise.all(clients);

    // every request succeeded and named one of the two versions
    expect(observations.filter((o) => o.status !== 200)).toEqual([]);
    const before = observations.filter((o) => o.ended < swappedAt);
    expect(before.length).toBeGreaterThanOrEqual(ROUNDS);
    expect(new Set(before.map((o) => o.version))).toEqual(new Set([first.version]));

    // requests kept being answered, by the old version, between the swap and the pointer's next read
    expect(observations.some((o) => o.ended > swappedAt && o.version === first.version)).toBe(true);

    // the new version answers (after the TTL and its load), and from then on it alone answers
    const firstNew = observations.filter((o) => o.version === second.version).sort((a, b) => a.ended - b.ended)[0];
    expect(firstNew, `no answer from ${second.version} within ${GIVE_UP_MS} ms of the swap`).toBeDefined();
    const after = observations.filter((o) => o.started > firstNew!.ended);
    expect(after.length).toBeGreaterThanOrEqual(ROUNDS);
    expect(after.filter((o) => o.version !== second.version)).toEqual([]);

    // each answer's numbers are those of the version it names (checked on a sample of each version)
    for (const version of [first.version, second.version]) {
      const sample = observations.filter((o) => o.version === version).slice(0, 40);
      for (const o of sample) {
        const expected = await offline[version]!.predict(o.texts);
        for (const [i, p] of o.probabilities.entries()) {
          expectSameProbabilities(p, offline[version]!.labels, expected.probabilities[i]!);
        }
      }
    }
    // the two models do differ on these texts, so the check above can tell them apart
    const a = await offline[first.version]!.predict(texts);
    const b = await offline[second.version]!.predict(texts);
    expect(a.probabilities.some((row, i) => Math.abs(row[0]! - b.probabilities[i]![0]!) > 1e-4)).toBe(true);
  } finally {
    await server.close();
    for (const model of Object.values(offline)) await model.release();
    stores.close();
  }
});
