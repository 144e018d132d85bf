/**
 * The console in a real browser (Debian's Chromium via playwright-core) over a home with a
 * promoted, a rejected and a failed run. Screenshots go to test-results/console/.
 */
import type { ConsoleServer } from "@tollgate/console";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { screenshot, type TestBrowser } from "./browser.ts";
import { browserSession, openHome, type SeededHome, seedRuns, startRunning } from "./fixtures.ts";

const session = browserSession(seedRuns);
let seeded: SeededHome;
let server: ConsoleServer;
let browser: TestBrowser;
let page: Page;
/** The page polls a running execution every second; give a change a few polls to show. */
const soon = { timeout: 5000 };

const node = (state: string) => page.locator(`.graph [data-state="${state}"]`);
const runRows = () => page.locator("table.runs tbody tr");
const openRun = async (name: string, query = "") => {
  await page.goto(`${server.url}#/runs/${name}${query}`);
  await page.locator(`section.run[data-run="${name}"]`).waitFor();
};

beforeAll(() => {
  ({ seeded, server, browser, page } = session);
});

describe("the console in a browser", () => {
  it("lists the runs newest first and filters them by status", async () => {
    await page.goto(`${server.url}#/runs`);
    await expect.poll(() => runRows().count(), soon).toBe(3);
    expect(await runRows().locator("td:first-child").allInnerTexts()).toEqual([
      seeded.runs.failed,
      seeded.runs.rejected,
      seeded.runs.promoted,
    ]);
    await screenshot(page, "runs");
    await page.locator('.filters [data-status="FAILED"]').click();
    await expect.poll(() => runRows().count(), soon).toBe(1);
    expect(await runRows().first().getAttribute("data-run")).toBe(seeded.runs.failed);
    expect(page.url()).toContain("status=FAILED");
    await page.locator('.filters [data-status="ABORTED"]').click();
    await page.getByText("No ABORTED runs.").waitFor();
    await page.locator('.filters [data-status="ALL"]').click();
    await expect.poll(() => runRows().count(), soon).toBe(3);
  });

  it("opens a failed run from the list: the failed state is marked on the graph", async () => {
    await page.locator('.filters [data-status="FAILED"]').click();
    await page.getByRole("link", { name: seeded.runs.failed }).click();
    await page.locator(`section.run[data-run="${seeded.runs.failed}"]`).waitFor();
    expect(await node("Score").getAttribute("data-status")).toBe("caught");
    expect(await node("Score").textContent()).toContain("InjectedFaultError");
    expect(await node("Failed").getAttribute("data-status")).toBe("failed");
    expect(await node("RecordFailure").getAttribute("data-status")).toBe("succeeded");
    expect(await node("Gate").getAttribute("data-status")).toBe("not-reached");
    const panel = page.locator(".state-panel");
    expect(await panel.getAttribute("data-selected-state")).toBe("Score");
    expect(await panel.textContent()).toMatch(/InjectedFaultError: fault injected/);
    expect(await page.locator(".run-error").textContent()).toMatch(/^InjectedFaultError/);
    await screenshot(page, "run-failed");
  });

  it("opens the event history and searches it", async () => {
    await page.getByRole("tab", { name: /Event history/ }).click();
    const rows = page.locator(".events-table tr.event");
    await expect.poll(() => rows.count(), soon).toBeGreaterThan(20);
    expect(await rows.first().getAttribute("data-event-type")).toBe("ExecutionStarted");
    expect(await rows.last().getAttribute("data-event-type")).toBe("ExecutionFailed");
    await page.getByRole("searchbox", { name: "search events" }).fill("TaskFailed");
    await expect.poll(() => rows.count(), soon).toBe(1);
    await rows.first().click();
    expect(await page.locator(".event-details").textContent()).toContain('"error": "InjectedFaultError"');
    await screenshot(page, "run-failed-events");
  });

  it("shows a successful run: every state to Promote succeeded, the decision and the gate", async () => {
    await openRun(seeded.runs.promoted);
    for (const state of ["Etl", "Preprocess", "Train", "Merge", "Export", "Evaluate", "Score", "Gate", "Promote"])
      expect(await node(state).getAttribute("data-status"), state).toBe("succeeded");
    for (const state of ["Reject", "RecordFailure", "Failed"])
      expect(await node(state).getAttribute("data-status"), state).toBe("not-reached");
    expect(await page.locator(".toolbar .decision-promoted").textContent()).toMatch(/promoted/i);
    await node("Export").click();
    await expect.poll(() => page.locator(".state-panel").getAttribute("data-selected-state"), soon).toBe("Export");
    expect(await page.locator(".state-panel").textContent()).toContain('"modelVersion"');
    await screenshot(page, "run-succeeded");
  });

  it("shows a rejected run with the gate's numbers and reason", async () => {
    await openRun(seeded.runs.rejected);
    expect(await node("Reject").getAttribute("data-status")).toBe("succeeded");
    expect(await node("Promote").getAttribute("data-status")).toBe("not-reached");
    expect(await page.locator(".reason").textContent()).toMatch(/< minAccuracy 0\.8000/);
    expect(await page.locator(".gate-bar .fill-fail").count()).toBe(1);
    await page.getByRole("tab", { name: /Audit/ }).click();
    await page.locator('.audit-table [data-audit-event="StartExecution"]').waitFor();
    await screenshot(page, "run-rejected");
  });

  it("promotes a gate-rejected version only with a reason, the live marker moves, the decision is listed; rollback moves it back", async () => {
    const { promoted, rejected, failed } = seeded.versions;
    const liveRow = page.locator("table.versions tr.is-live");
    await page.goto(`${server.url}#/models/topics`);
    await expect.poll(() => liveRow.getAttribute("data-version"), soon).toBe(promoted);
    expect(await page.locator(`tr[data-version="${failed}"] button`).isDisabled()).toBe(true);
    await page.locator(".heatmap").waitFor();
    // How the version was trained: the candidates with the chosen one marked, and the loss curve.
    const candidates = Number(await page.locator(".training").getAttribute("data-candidates"));
    expect(candidates).toBeGreaterThan(1);
    expect(await page.locator(".training table.candidates tbody tr").count()).toBe(candidates);
    expect(await page.locator(".training table.candidates tr.chosen").count()).toBe(1);
    expect(await page.locator(".loss-curve path.series-loss").getAttribute("d")).toMatch(/^M [\d.]+ [\d.]+ L /);
    await screenshot(page, "models");

    const row = page.locator(`tr[data-version="${rejected}"]`);
    await row.getByRole("button", { name: "Promote" }).click();
    // the gate rejected it: no reason, no swap
    expect(await row.getByRole("button", { name: "Make live" }).isDisabled()).toBe(true);
    await row.getByLabel("reason").fill("labels fixed upstream");
    await row.getByRole("button", { name: "Make live" }).click();
    await expect
      .poll(() => page.locator("[data-outcome]").textContent(), soon)
      .toBe(`topics@${rejected} is live (was ${promoted})`);
    await expect.poll(() => liveRow.getAttribute("data-version"), soon).toBe(rejected);
    expect(await page.locator(".live-card").getAttribute("data-live-version")).toBe(rejected);
    await expect
      .poll(() => page.locator('table.decisions tr[data-decision="promote"]').first().textContent(), soon)
      .toContain("labels fixed upstream");
    await screenshot(page, "models-promoted");
    const tg = openHome(seeded.home);
    try {
      expect((await tg.stores.registry.getLive("topics"))?.by).toBe("console:test");
    } finally {
      tg.close();
    }

    await page.getByRole("button", { name: `Roll back to ${promoted}` }).click();
    await expect.poll(() => liveRow.getAttribute("data-version"), soon).toBe(promoted);
    expect(await page.locator("[data-outcome]").textContent()).toBe(`topics@${promoted} is live (was ${rejected})`);
  });

  it("marks the values a version was fitted with that the user pinned (no search)", async () => {
    await page.goto(`${server.url}#/models/topics?version=${seeded.versions.failed}`);
    const chosen = page.locator(".training p.chosen");
    await expect.poll(() => chosen.textContent(), soon).toMatch(/^fitted with: learning rate 0\.25 \(pinned\) · L2/);
    expect(await chosen.locator(".pinned").count()).toBe(1);
    expect(await chosen.textContent()).toContain("(no search: every value pinned, or selection budget 1)");
    await page.goto(`${server.url}#/models/topics?version=${seeded.versions.rejected}`);
    await expect.poll(() => chosen.textContent(), soon).toMatch(/^chosen on validation: /);
    expect(await chosen.locator(".pinned").count()).toBe(0);
  });

  it("updates a running execution's view without a reload", async () => {
    const tg = openHome(seeded.home);
    const name = "run-live";
    const at = () => new Date().toISOString();
    const input = JSON.stringify({ dataset: "topics", modelName: "topics" });
    try {
      startRunning(tg, name, input, [
        { timestamp: at(), type: "ExecutionStarted", executionStartedEventDetails: { input } },
        { timestamp: at(), type: "TaskStateEntered", stateEnteredEventDetails: { name: "Etl", input } },
        { timestamp: at(), type: "TaskScheduled", taskScheduledEventDetails: {} },
      ]);
      await openRun(name);
      expect(await node("Etl").getAttribute("data-status")).toBe("running");
      await screenshot(page, "run-running");

      tg.stores.executions.appendEvents(name, [
        { timestamp: at(), type: "TaskSucceeded", taskSucceededEventDetails: {} },
        { timestamp: at(), type: "TaskStateExited", stateExitedEventDetails: { name: "Etl", output: input } },
        { timestamp: at(), type: "TaskStateEntered", stateEnteredEventDetails: { name: "Preprocess", input } },
      ]);
      await expect.poll(() => node("Preprocess").getAttribute("data-status"), soon).toBe("running");
      expect(await node("Etl").getAttribute("data-status")).toBe("succeeded");

      tg.stores.executions.appendEvents(name, [
        { timestamp: at(), type: "ExecutionAborted", executionAbortedEventDetails: {} },
      ]);
      tg.stores.executions.finish(name, { status: "ABORTED" });
      await expect.poll(() => page.locator("section.run").getAttribute("data-status"), soon).toBe("ABORTED");
      expect(await page.locator(".live-dot").count()).toBe(0);
    } finally {
      tg.close();
    }
  });

  it("loaded everything from the console itself, without errors on the page", () => {
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
