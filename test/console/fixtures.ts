/**
 * A home with the three kinds of finished run the console shows (promoted, rejected, failed),
 * made by the real workflow as in test/e2e/workflow.test.ts, and a console serving it.
 */
import { type ConsoleServer, startConsole } from "@tollgate/console";
import { openTollgate, type Tollgate } from "@tollgate/local/app";
import { fixtureGate, type Row, tempHome, topicRows } from "../helpers/topics.ts";

/** The runs {@link seedRuns} makes, and the model versions they trained. */
export interface SeededHome {
  home: string;
  runs: { promoted: string; rejected: string; failed: string };
  versions: { promoted: string; rejected: string; failed: string };
}

const GATE = fixtureGate(0.8);

async function runOnce(home: string, faults: string[], name: string, rows: Row[]): Promise<string> {
  const tg = openTollgate({ home, faults });
  try {
    const key = `raw/topics/${name}.jsonl`;
    await tg.portsFor("test").data.put(key, rows.map((r) => JSON.stringify(r)).join("\n"));
    const input = { dataset: "topics", modelName: "topics", gate: GATE, seed: 7, sources: [key] };
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
 * 0.8) and a run with a fault injected into Score (failed, caught, recorded).
 */
export async function seedRuns(home = tempHome()): Promise<SeededHome> {
  const runs = { promoted: "run-clean", rejected: "run-noisy", failed: "run-fault" };
  const promoted = await runOnce(home, [], runs.promoted, topicRows(600, 1));
  const rejected = await runOnce(home, [], runs.rejected, topicRows(1200, 3, 1));
  const failed = await runOnce(home, ["Score"], runs.failed, topicRows(300, 5));
  return { home, runs, versions: { promoted, rejected, failed } };
}

/** A console on a free loopback port over `home`, with the CLI's renderers. */
export function serveConsole(home: string): Promise<ConsoleServer> {
  return startConsole({ home, user: "console:test", port: 0 });
}

/** Opens the stores of `home` for a test to read or write directly. */
export function openHome(home: string): Tollgate {
  return openTollgate({ home });
}
