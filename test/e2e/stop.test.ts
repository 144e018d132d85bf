/**
 * `tollgate stop <run>` (StopExecution) through the real engine and stores: a run held in its
 * Preprocess task by one open runtime is stopped by the CLI (another runtime over the same home,
 * as another process would be); the runtime that runs it notices, ends it ABORTED with an
 * `ExecutionAborted` event, leaves the live model alone, and the run can be redriven.
 */
import { openTollgate } from "@tollgate/local/app";
import { STOP_POLL_MS } from "@tollgate/local/engine/runner";
import { afterAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { FIXTURE_ENV, fixtureGate, tempHome } from "../helpers/topics.ts";
import { addRaw } from "../reliability/inputs.ts";

const home = tempHome();
const cli = localCli({ ...FIXTURE_ENV, TOLLGATE_HOME: home });
let release: () => void = () => undefined;
const held = new Promise<void>((resolve) => {
  release = resolve;
});
let reached: () => void = () => undefined;
const inPreprocess = new Promise<void>((resolve) => {
  reached = resolve;
});
const tg = openTollgate({
  home,
  // Preprocess waits until the test lets it go (after the stop), then fails: its result is never used
  lambdas: {
    Preprocess: async () => {
      reached();
      await held;
      throw new Error("released after the stop");
    },
  },
});

afterAll(async () => {
  release();
  await tg.workflow.idle();
  tg.close();
});

describe("tollgate stop", () => {
  it("stops a run another runtime is running: ABORTED, ExecutionAborted recorded once, audited, the live model untouched", async () => {
    const key = await addRaw(tg, "a", 300, 1);
    const input = { dataset: "topics", modelName: "topics", gate: fixtureGate(0.5), seed: 7, sources: [key] };
    const handle = await tg.workflow.start("run-held", input, { startedBy: "test" });
    await inPreprocess;

    const stopped = await cli.json<{ status: string; error: string; input: unknown }>("stop", "run-held");
    expect(stopped).toMatchObject({ status: "ABORTED", error: "States.Aborted" });
    // the --json contract (docs/cli-json.md; test/e2e/cli-json.test.ts walks the other commands)
    expect(Object.keys(stopped)[0]).toBe("schemaVersion");
    expect(stopped.input).toMatchObject({ dataset: "topics" });
    const done = await handle.done; // the running runtime noticed within its poll interval
    expect(done.status).toBe("ABORTED");
    const types = tg.stores.executions.history("run-held").map((e) => e.type);
    expect(types.at(-1)).toBe("ExecutionAborted");
    expect(types.filter((t) => t === "ExecutionAborted")).toHaveLength(1);
    expect(await tg.stores.registry.getLive("topics")).toBeUndefined();
    const audit = await cli.json<{ records: { eventName: string }[] }>("audit", "run-held");
    expect(audit.records.map((r) => r.eventName)).toContain("StopExecution");

    await expect(cli.tollgate("stop", "run-held")).rejects.toMatchObject({ name: "ExecutionNotRunningError" });
    await expect(cli.tollgate("stop", "run-nope")).rejects.toMatchObject({ name: "ExecutionNotFoundError" });
    release();
    await tg.workflow.idle();
    expect(tg.stores.executions.get("run-held")?.status).toBe("ABORTED");
  });

  it("a run whose stores are closed under it stops watching for a stop, with no uncaught error", async () => {
    let entered: () => void = () => undefined;
    const entering = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let letGo: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const other = openTollgate({
      home: tempHome(),
      lambdas: {
        Preprocess: async () => {
          entered();
          await holding;
          throw new Error("released after the stores closed");
        },
      },
    });
    const key = await addRaw(other, "a", 100, 1);
    const input = { dataset: "topics", modelName: "topics", gate: fixtureGate(0.5), seed: 7, sources: [key] };
    const handle = await other.workflow.start("run-closed", input, { startedBy: "test" });
    await entering;
    other.close();
    // the watcher fires a few times on a closed database: before the guard, each was an uncaught TypeError
    await new Promise((resolve) => setTimeout(resolve, STOP_POLL_MS * 3));
    letGo();
    await handle.done.catch(() => undefined);
  });
});
