/** packages/core/src/workflow/upload-trigger.ts: execution names that make repeats no-ops and bursts one run. */
import { datasetOf, executionName, planRuns, type TriggerSettings } from "@tollgate/core/workflow/upload-trigger";
import { describe, expect, it } from "vitest";
import { objectCreated } from "./events.ts";

const settings = (coalesceSeconds: number): TriggerSettings => ({
  coalesceSeconds,
  gate: { minAccuracy: 0.5, minGain: 0, minTestRows: 200 },
  seed: 42,
});
const VALID_NAME = /^[A-Za-z0-9_-]{1,80}$/;

describe("datasetOf", () => {
  it("is the first folder under raw/", () => {
    expect(datasetOf("raw/reviews/2025/03/a.jsonl")).toBe("reviews");
  });

  it("is undefined for keys outside raw/<dataset>/, folder markers and invalid dataset names", () => {
    for (const key of ["curated/reviews/a.jsonl", "raw/a.jsonl", "raw/reviews/", "raw/Reviews/a.csv", "raw//a.csv"]) {
      expect(datasetOf(key), key).toBeUndefined();
    }
  });
});

describe("executionName without coalescing (one run per object version)", () => {
  it("is the same for a repeated event, so the second StartExecution is a no-op", () => {
    const event = objectCreated("raw/reviews/a.jsonl");
    expect(executionName(event, 0)).toBe(executionName(structuredClone(event), 0));
  });

  it("differs for another version of the same key, and for another key", () => {
    const first = executionName(objectCreated("raw/reviews/a.jsonl", { versionId: "v1" }), 0);
    expect(executionName(objectCreated("raw/reviews/a.jsonl", { versionId: "v2" }), 0)).not.toBe(first);
    expect(executionName(objectCreated("raw/reviews/b.jsonl", { versionId: "v1" }), 0)).not.toBe(first);
  });

  it("is a valid Step Functions name of at most 80 characters, even for the longest dataset name", () => {
    const longest = "d".repeat(63);
    const name = executionName(objectCreated(`raw/${longest}/${"x".repeat(900)}.csv`), 0);
    expect(name).toMatch(VALID_NAME);
    expect(name).toMatch(/^d{63}-[0-9a-f]{16}$/);
  });
});

describe("executionName with a coalescing window", () => {
  it("names every upload of one dataset within one window alike", () => {
    const a = objectCreated("raw/reviews/a.jsonl", { time: "2025-03-01T12:00:00Z" });
    const b = objectCreated("raw/reviews/b.jsonl", { time: "2025-03-01T12:01:59Z", versionId: "v7" });
    expect(executionName(a, 120)).toBe("reviews-20250301T120000Z");
    expect(executionName(b, 120)).toBe("reviews-20250301T120000Z");
  });

  it("starts a new run in the next window, and keeps datasets apart", () => {
    expect(executionName(objectCreated("raw/reviews/c.jsonl", { time: "2025-03-01T12:02:00Z" }), 120)).toBe(
      "reviews-20250301T120200Z",
    );
    expect(executionName(objectCreated("raw/spam/a.jsonl", { time: "2025-03-01T12:00:30Z" }), 120)).toBe(
      "spam-20250301T120000Z",
    );
  });

  it("stays within 80 valid characters for the longest dataset name", () => {
    const name = executionName(objectCreated(`raw/${"d".repeat(63)}/a.csv`), 900);
    expect(name).toMatch(VALID_NAME);
    expect(name?.length).toBe(80);
  });
});

describe("planRuns", () => {
  it("groups a burst into one run whose input lists its objects, sorted, and drops other keys", () => {
    const events = [
      objectCreated("raw/reviews/b.jsonl", { time: "2025-03-01T12:00:10Z" }),
      objectCreated("raw/reviews/a.jsonl", { time: "2025-03-01T12:00:20Z" }),
      objectCreated("raw/notes.txt"),
    ];
    const runs = planRuns(events, settings(120));
    expect(runs).toEqual([
      {
        name: "reviews-20250301T120000Z",
        eventIds: [events[0]!.id, events[1]!.id],
        input: {
          dataset: "reviews",
          modelName: "reviews",
          gate: { minAccuracy: 0.5, minGain: 0, minTestRows: 200 },
          seed: 42,
          trainingOptions: { selectionBudget: 3 },
          sources: ["s3://tollgate-data/raw/reviews/a.jsonl#v1", "s3://tollgate-data/raw/reviews/b.jsonl#v1"],
          force: false,
        },
      },
    ]);
  });

  it("gives the same names and inputs for the same events in any order (redelivery is idempotent)", () => {
    const events = [objectCreated("raw/reviews/a.jsonl"), objectCreated("raw/reviews/b.jsonl")];
    const forward = planRuns(events, settings(120));
    const backward = planRuns([...events].reverse(), settings(120));
    expect(backward.map(({ name, input }) => ({ name, input }))).toEqual(
      forward.map(({ name, input }) => ({ name, input })),
    );
  });
});
