/**
 * A home with the three kinds of finished run the console shows (promoted, rejected, failed),
 * made by the real workflow as in test/e2e/workflow.test.ts, and a console serving it.
 */
import { type ConsoleServer, startConsole } from "@tollgate/console";
import type { NewHistoryEvent } from "@tollgate/core/workflow/executions";
import { openTollgate, type Tollgate } from "@tollgate/local/app";
import { executionArn, STATE_MACHINE_ARN } from "@tollgate/local/engine/runner";
import type { Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { fixtureGate, type Row, tempHome, topicRows } from "../helpers/topics.ts";
import { launchBrowser, type TestBrowser } from "./browser.ts";

/** The runs {@link seedRuns} makes, and the model versions they trained. */
export interface SeededHome {
  home: string;
  runs: { promoted: string; rejected: string; failed: string };
  versions: { promoted: string; rejected: string; failed: string };
}

const GATE = fixtureGate(0.8);

/** One run of the workflow on `raw/<dataset>/<name>.jsonl` (`rows`, or these `lines` as they are). */
async function runOnce(
  home: string,
  faults: string[],
  name: string,
  rows: Row[],
  lines = rows.map((r) => JSON.stringify(r)),
  dataset = "topics",
  trainingOptions?: { selectionBudget: number; learningRate?: number },
): Promise<string> {
  const tg = openTollgate({ home, faults });
  try {
    const key = `raw/${dataset}/${name}.jsonl`;
    await tg.portsFor("test").data.put(key, lines.join("\n"));
    const input = { dataset, modelName: dataset, gate: GATE, seed: 7, sources: [key], trainingOptions };
    const done = await (await tg.workflow.start(name, input, { startedBy: "test" })).done;
    const record = await tg.stores.registry.getRun(name);
    if (!record?.modelVersion) throw new Error(`run ${name} ended ${done.status} without a model version`);
    return record.modelVersion;
  } finally {
    tg.close();
  }
}

/**
 * A clean run (promoted: nothing was live), a run on random labels (rejected under minAccuracy
 * 0.8) and a run with a fault injected into Score (failed, caught, recorded), which trains with a
 * pinned learning rate and no search (selection budget 1).
 */
export async function seedRuns(home = tempHome()): Promise<SeededHome> {
  const runs = { promoted: "run-clean", rejected: "run-noisy", failed: "run-fault" };
  const promoted = await runOnce(home, [], runs.promoted, topicRows(600, 1));
  const rejected = await runOnce(home, [], runs.rejected, topicRows(1200, 3, 1));
  const failed = await runOnce(home, ["Score"], runs.failed, topicRows(300, 5), undefined, "topics", {
    selectionBudget: 1,
    learningRate: 0.25,
  });
  return { home, runs, versions: { promoted, rejected, failed } };
}

/**
 * A home with one run whose model is the exact solver race's winner: random labels (the gate
 * rejects it) and a selection budget of 6, which leaves the race room for a candidate that beats
 * the SGD fit on validation.
 */
export async function seedRaced(home = tempHome()): Promise<{ home: string; version: string }> {
  const version = await runOnce(home, [], "run-raced", topicRows(1200, 3, 1), undefined, "topics", {
    selectionBudget: 6,
  });
  return { home, version };
}

/** A console on a free loopback port over `home`; its Start button uses the fixtures' gate. */
export function serveConsole(home: string): Promise<ConsoleServer> {
  const settings = { ...GATE, minGain: 0, approval: "auto" as const, seed: 7 };
  return startConsole({ home, user: "console:test", port: 0, settings });
}

/** Opens the stores of `home` for a test to read or write directly. */
export function openHome(home: string): Tollgate {
  return openTollgate({ home });
}

/**
 * A RUNNING execution written into the stores as the engine would start it (created, then these
 * first events), for the views that follow a run while it goes; the test appends the rest.
 */
export function startRunning(tg: Tollgate, name: string, input: string, events: NewHistoryEvent[]): void {
  tg.stores.executions.tryCreate({
    executionArn: executionArn(name),
    name,
    stateMachineArn: STATE_MACHINE_ARN,
    input,
    startDate: new Date().toISOString(),
  });
  tg.stores.executions.appendEvents(name, events);
}

/** The home {@link seedDailyHome} makes. */
export interface DailyHome {
  home: string;
  /** topics: `first` (promoted, with quarantined rows), `second` (mostly one label: a label shift); other: `failed`. */
  runs: { first: string; second: string; failed: string };
  versions: { first: string; second: string };
  /** How many synthetic finished runs fill the list (started 2026-01-01T00:00Z + i hours). */
  bulk: number;
  quarantined: { malformed_json: number; missing_label: number };
}

const BAD_LINES = [
  "{not json",
  "[1, 2",
  '{"text": "no label here"}',
  '{"text": "none either"}',
  '{"text": "nor here"}',
];

/** Synthetic finished runs, one an hour from 2026-01-01T00:00Z: enough to page the runs list. */
function seedBulk(home: string, n: number): void {
  const tg = openHome(home);
  try {
    const input = JSON.stringify({ dataset: "topics", modelName: "topics" });
    for (let i = 0; i < n; i++) {
      const name = `bulk-${String(i).padStart(3, "0")}`;
      const startDate = new Date(Date.UTC(2026, 0, 1, i)).toISOString();
      tg.stores.executions.tryCreate({
        executionArn: executionArn(name),
        name,
        stateMachineArn: STATE_MACHINE_ARN,
        input,
        startDate,
      });
      tg.stores.executions.finish(name, { status: "SUCCEEDED", output: "{}" });
    }
  } finally {
    tg.close();
  }
}

/**
 * Runs made by the real workflow for the daily-tool views: two versions of `topics` (the second
 * on data that is mostly `sport`, a label shift) and a failed run of `other` (a fault in Score) to
 * redrive; plus {@link DailyHome.bulk} synthetic finished runs to page through.
 */
export async function seedDailyHome(home = tempHome()): Promise<DailyHome> {
  const runs = { first: "run-first", second: "run-second", failed: "run-other-fault" };
  const first = topicRows(600, 1).map((r) => JSON.stringify(r));
  const firstVersion = await runOnce(
    home,
    [],
    runs.first,
    [],
    [...first.slice(0, 300), ...BAD_LINES, ...first.slice(300)],
  );
  const sport = topicRows(2000, 2).filter((r) => r.label === "sport");
  const secondVersion = await runOnce(home, [], runs.second, sport);
  await runOnce(home, ["Score"], runs.failed, topicRows(300, 5), undefined, "other");
  const bulk = 120;
  seedBulk(home, bulk);
  return {
    home,
    runs,
    versions: { first: firstVersion, second: secondVersion },
    bulk,
    quarantined: { malformed_json: 2, missing_label: 3 },
  };
}

/** A seeded home, a console over it and a browser on the console: one per test file. */
export interface BrowserSession<T extends { home: string }> {
  seeded: T;
  server: ConsoleServer;
  browser: TestBrowser;
  page: Page;
}

/**
 * Seeds a home, serves a console over it and opens a browser on it before the file's tests (once),
 * and closes both after them. The fields are set once `beforeAll` has run.
 */
export function browserSession<T extends { home: string }>(seed: () => Promise<T>): BrowserSession<T> {
  const session = {} as BrowserSession<T>;
  beforeAll(async () => {
    session.seeded = await seed();
    session.server = await serveConsole(session.seeded.home);
    session.browser = await launchBrowser(session.server.url.replace(/\/$/, ""));
    session.page = session.browser.page;
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}
