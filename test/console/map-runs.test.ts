/**
 * A run's Distributed Map states in the console, in a real browser, over a run made by the real engine
 * with 3 curated shards (the ETL's shard-size limit, as test/e2e/sharded.test.ts): each Map state's child
 * counts in the states table, the selected Map state's Map Runs with their children, a child opened in
 * the run view (its own URL, history and ItemProcessor graph) and back to its parent.
 * Screenshots: test-results/console/run-map.png, run-map-child.png.
 */
import type { RunView } from "@tollgate/console";
import { openTollgate } from "@tollgate/local/app";
import { executionArn, mapRunArn } from "@tollgate/local/engine/runner";
import { emptyCounts } from "@tollgate/local/stores/map-run-store";
import { describe, expect, it } from "vitest";
import { fixtureGate, tempHome } from "../helpers/topics.ts";
import { addRaw, SHARDED } from "../reliability/inputs.ts";
import { screenshot } from "./browser.ts";
import { browserSession, openHome, startRunning } from "./fixtures.ts";

const RUN = "run-sharded";

/** One run of the workflow over 3 curated shards: CountTerms, MergeTerms (6 term partitions, 2 a child), Train (every round) and Evaluate have 3 children. */
async function seedSharded() {
  const home = tempHome();
  const tg = openTollgate({ home, ...SHARDED.options });
  try {
    const key = await addRaw(tg, "sharded", SHARDED.rows, 11);
    const input = { dataset: "topics", modelName: "topics", gate: fixtureGate(0.8), seed: 7, sources: [key] };
    const done = await (await tg.workflow.start(RUN, input, { startedBy: "test" })).done;
    if (done.status !== "SUCCEEDED") throw new Error(`${RUN} ended ${done.status}: ${done.cause}`);
  } finally {
    tg.close();
  }
  return { home };
}

const session = browserSession(seedSharded);
const soon = { timeout: 10_000 };
const api = async (name: string) =>
  (await (await fetch(new URL(`/api/runs/${encodeURIComponent(name)}`, session.server.url))).json()) as RunView;

describe("a run's Distributed Map states in the console", () => {
  it("shows each Map state's child counts and Map Runs, opens a child in the run view and goes back", async () => {
    const { page, server } = session;
    const view = await api(RUN);
    const train = view.mapRuns.filter((r) => r.stateName === "Train");
    expect(train.length).toBeGreaterThan(0);
    expect(view.mapRuns.map((r) => r.stateName)).toEqual([
      "CountTerms",
      "MergeTerms",
      ...train.map(() => "Train"),
      "Evaluate",
    ]);

    // the states table: a Map row's children, nothing on other rows
    await page.goto(`${server.url}#/runs/${RUN}?state=Train&tab=states`);
    await page.locator(".map-run").first().waitFor();
    const countsOf = (state: string) =>
      page.locator(`.states-table tr[data-state-row="${state}"] td.child-counts`).allTextContents();
    expect(await countsOf("CountTerms")).toEqual(["3 children: 3 ✓"]);
    expect(await countsOf("MergeTerms")).toEqual(["3 children: 3 ✓"]);
    expect(await countsOf("Train")).toEqual(train.map(() => "3 children: 3 ✓"));
    expect(await countsOf("Evaluate")).toEqual(["3 children: 3 ✓"]);
    expect(await countsOf("Merge")).toEqual(train.map(() => ""));

    // the selected Map state: every Map Run (round) with its counts, ResultWriter location and children
    const runs = page.locator(".state-panel .map-run");
    expect(await runs.count()).toBe(train.length);
    for (const [i, r] of train.entries()) {
      const panel = runs.nth(i);
      expect(await panel.getAttribute("data-map-run")).toBe(r.mapRunArn);
      expect(await panel.locator(".child-counts").textContent()).toBe("3 children: 3 ✓");
      expect(await panel.textContent()).toContain(`results s3://tollgate-data/runs/${RUN}/maps/train/`);
      expect(await panel.locator("tr[data-child]").evaluateAll((rows) => rows.map((r) => r.dataset.status))).toEqual([
        "SUCCEEDED",
        "SUCCEEDED",
        "SUCCEEDED",
      ]);
    }
    // the graph's Map nodes: the last Map Run's children ended out of total
    for (const state of ["CountTerms", "MergeTerms", "Train", "Evaluate"])
      expect(await page.locator(`.graph [data-state="${state}"] .node-sub`).textContent()).toBe("Map · 3/3 children");
    await screenshot(page, "run-map");

    // a child opens in the run view, at its own URL
    const child = train[0]?.children?.[1];
    expect(child?.index).toBe(1);
    await runs.first().locator(`tr[data-child="${child?.name}"] a`).click();
    await page.locator(`.run[data-run="${child?.name}"]`).waitFor();
    expect(decodeURIComponent(page.url())).toContain(`#/runs/${child?.name}`);
    expect(await page.locator(".crumbs").textContent()).toBe(`Runs / ${RUN} / Train #1 / ${child?.name}`);
    expect(await page.locator('.graph [data-state="TrainShard"]').getAttribute("data-status")).toBe("succeeded");
    expect(await page.locator(".graph [data-state]").count()).toBe(1); // the child's own state machine
    expect(await page.locator('.states-table tr[data-state-row="TrainShard"]').count()).toBe(1);
    await expect.poll(() => page.locator(".state-panel .json pre").first().textContent(), soon).toContain(RUN);
    expect(await page.locator(".stats").first().textContent()).toContain(`Map Run of${RUN} · Train`);
    expect(await page.getByRole("tab", { name: "Data quality" }).count()).toBe(0); // the run's, not a child's
    await screenshot(page, "run-map-child");

    // its API answer: the parent, its own history and ItemProcessor graph, no Map Runs of its own
    const childView = await api(child?.name ?? "");
    expect(childView.parent).toEqual({ name: RUN, stateName: "Train", mapRunArn: train[0]?.mapRunArn, index: 1 });
    expect(childView.events.map((e) => e.type)).toContain("TaskSucceeded");
    expect(childView.mapRuns).toEqual([]);

    // a deep link opens it too; the crumbs lead back to the parent with the Map state selected
    await page.goto(`${server.url}#/runs/${encodeURIComponent(child?.name ?? "")}`);
    await page.locator(`.run[data-run="${child?.name}"]`).waitFor();
    await page.locator(".crumbs a.parent-link").click();
    await page.locator(`.run[data-run="${RUN}"] .state-panel[data-selected-state="Train"]`).waitFor();
  });

  it("updates a running Map state's child counts without a reload", async () => {
    const { page, server } = session;
    const tg = openHome(session.seeded.home);
    const name = "run-live-map";
    const at = () => new Date().toISOString();
    const input = JSON.stringify({ dataset: "topics", modelName: "topics" });
    const arn = mapRunArn(name, "Train", 3);
    const counts = (running: number, succeeded: number, failed = 0) => ({
      ...emptyCounts(),
      total: 3,
      pending: 3 - running - succeeded - failed,
      running,
      succeeded,
      failed,
    });
    try {
      startRunning(tg, name, input, [
        { timestamp: at(), type: "ExecutionStarted", executionStartedEventDetails: { input } },
        { timestamp: at(), type: "MapStateEntered", stateEnteredEventDetails: { name: "Train", input } },
        { timestamp: at(), type: "MapRunStarted", mapRunStartedEventDetails: { mapRunArn: arn } },
      ]);
      tg.stores.mapRuns.start(
        {
          mapRunArn: arn,
          executionArn: executionArn(name),
          stateName: "Train",
          startDate: at(),
          maxConcurrency: 2,
          toleratedFailurePercentage: 0,
          toleratedFailureCount: 0,
          itemCounts: counts(2, 0),
          executionCounts: counts(2, 0),
        },
        name,
      );
      await page.goto(`${server.url}#/runs/${name}?state=Train`);
      const sub = page.locator('.graph [data-state="Train"] .node-sub');
      await expect.poll(() => sub.textContent(), soon).toBe("Map · 0/3 children");
      expect(await page.locator(".state-panel .child-counts").textContent()).toBe("3 children: 2 running 1 pending");

      tg.stores.mapRuns.count(arn, counts(1, 1, 1), counts(1, 1, 1));
      await expect.poll(() => sub.textContent(), soon).toBe("Map · 2/3 children");
      expect(await page.locator(".state-panel .child-counts").textContent()).toBe("3 children: 1 ✓ 1 ✗ 1 running");
    } finally {
      tg.stores.executions.finish(name, { status: "ABORTED" });
      tg.close();
    }
  });
});
