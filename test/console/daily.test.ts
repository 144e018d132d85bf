/**
 * The console as a daily tool, in a real browser (Debian's Chromium) over a home made by the real
 * workflow: runs list paging, filters and deep links; Start, Stop and Redrive; a run's data
 * quality; comparing two versions; a version's lineage; the selection candidates' plot.
 * One home, one console and one browser for the whole file. Screenshots: test-results/console/.
 */
import type { ConsoleServer, VersionMetrics } from "@tollgate/console";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { screenshot, type TestBrowser } from "./browser.ts";
import { browserSession, type DailyHome, openHome, seedDailyHome } from "./fixtures.ts";

const session = browserSession(seedDailyHome);
let seeded: DailyHome;
let server: ConsoleServer;
let browser: TestBrowser;
let page: Page;
const soon = { timeout: 10_000 };
const runRows = () => page.locator("table.runs tbody tr");
const goto = async (hash: string, ready: string) => {
  await page.goto(`${server.url}${hash}`);
  await page.locator(ready).first().waitFor();
};
const metricsOf = async (version: string) => {
  const res = await fetch(new URL(`/api/models/topics/versions/${version}/metrics`, server.url));
  return (await res.json()) as VersionMetrics;
};

beforeAll(() => {
  ({ seeded, server, browser, page } = session);
});

describe("the console as a daily tool", () => {
  it("pages past 100 runs, filters by name and start date, and every page is a link", async () => {
    const total = seeded.bulk + 3;
    await goto("#/runs", "table.runs");
    await expect.poll(() => runRows().count(), soon).toBe(100);
    expect(await page.locator(".runs-page").getAttribute("data-total")).toBe(String(total));
    expect(await page.locator(".pager").textContent()).toContain(`1–100 of ${total}`);
    await page.getByRole("link", { name: "Older →" }).click();
    await expect.poll(() => runRows().count(), soon).toBe(total - 100);
    expect(page.url()).toContain("page=2");
    expect(await runRows().last().getAttribute("data-run")).toBe("bulk-000"); // the oldest

    await goto("#/runs?name=BULK-01", "table.runs"); // a deep link; the name filter ignores case
    await expect.poll(() => runRows().count(), soon).toBe(10);
    expect(await page.getByLabel("filter name").inputValue()).toBe("BULK-01");

    await page.goto(`${server.url}#/runs`);
    await page.getByLabel("filter from").fill("2026-01-02");
    await page.getByLabel("filter to").fill("2026-01-02");
    await page.getByLabel("filter to").press("Enter");
    await expect.poll(() => runRows().count(), soon).toBe(24); // bulk-024 … bulk-047: that day's runs
    expect(page.url()).toMatch(/from=2026-01-02.*to=2026-01-02/);
    expect(await runRows().first().getAttribute("data-run")).toBe("bulk-047");
    await screenshot(page, "runs-filtered");
  });

  it("shows a run's data quality: ETL counts, quarantine per reason and its rows, filtered by reason", async () => {
    const { first } = seeded.runs;
    await goto(`#/runs/${first}?tab=quality`, ".quality");
    expect(await page.locator(".quality").getAttribute("data-quarantined")).toBe("5");
    const stat = (label: string) => page.locator(".quality .stat", { hasText: label }).locator(".stat-value");
    expect(await stat("Rows read").textContent()).toBe("605");
    expect(await stat("Kept (valid)").textContent()).toBe("600");
    expect(await page.locator('tr[data-reason="missing_label"] td.num').textContent()).toBe("3");
    expect(await page.locator('tr[data-reason="malformed_json"] td.num').textContent()).toBe("2");
    expect(await page.locator("table.quarantine tbody tr").count()).toBe(5);
    expect(await page.locator("table.quarantine").textContent()).toContain("{not json");
    await page.getByRole("link", { name: "missing_label" }).click();
    await expect.poll(() => page.locator("table.quarantine tbody tr").count(), soon).toBe(3);
    expect(page.url()).toContain("reason=missing_label");
    expect(await page.locator("table.quarantine tbody tr").first().getAttribute("data-line")).toBe("303");
    await screenshot(page, "run-quality");
  });

  it("warns of a label shift against the model the run was compared with", async () => {
    await goto(`#/runs/${seeded.runs.second}?tab=quality`, `section.run[data-run="${seeded.runs.second}"] .quality`);
    const shift = page.locator(".label-shift");
    expect(await shift.getAttribute("data-warning")).toBe("true");
    expect(await shift.textContent()).toContain(seeded.versions.first);
    const tvd = Number((await shift.locator("strong").nth(1).textContent()) ?? "");
    expect(tvd).toBeGreaterThanOrEqual(0.2);
    await screenshot(page, "run-quality-shift");
  });

  it("compares two versions on the same test split: the numbers Evaluate recorded, McNemar, per-class F1", async () => {
    const { first, second } = seeded.versions;
    await goto(`#/models/topics?version=${second}`, ".compare-link");
    expect(await page.locator(".compare-link").textContent()).toBe(`compare with ${first}`);
    await page.locator(".compare-link").click();
    const result = page.locator(".comparison");
    await result.waitFor();
    expect(page.url()).toContain(`a=${first}&b=${second}`);
    // Evaluate scored the live version (first) on the candidate's (second's) test split too
    const evaluated = await metricsOf(second);
    const cells = (metric: string) => page.locator(`tr[data-metric="${metric}"] td`).allTextContents();
    const [, a, b] = await cells("accuracy");
    expect(Number(b)).toBeCloseTo(evaluated.candidate.accuracy, 4);
    expect(Number(a)).toBeCloseTo(evaluated.live?.accuracy ?? Number.NaN, 4);
    expect(Number(await result.getAttribute("data-rows"))).toBe(evaluated.candidate.count);
    expect((await cells("accuracy"))[4]).toMatch(/^\[[+−]\d\.\d{4}, [+−]\d\.\d{4}\]$/);
    expect(await page.locator(".mcnemar").textContent()).toMatch(/McNemar χ² \(corrected\)\d+\.\d{4}/);
    expect(await page.locator("table.per-class-diff tbody tr").count()).toBe(3);
    await screenshot(page, "compare");

    // on the first version's dataset instead: its test split, scored by Evaluate when it was trained
    await page.getByLabel("compare on").selectOption({ index: 1 }); // after "the newer version's": first's dataset
    await expect.poll(() => page.url(), soon).toContain("on=");
    const own = await metricsOf(first);
    await expect.poll(async () => Number(await result.getAttribute("data-rows")), soon).toBe(own.candidate.count);
    await expect.poll(async () => Number((await cells("accuracy"))[1]), soon).toBeCloseTo(own.candidate.accuracy, 4);
  });

  it("traces a version's lineage from its run, and shows who moved the live pointer", async () => {
    const { first, second } = seeded.versions;
    await goto(`#/models/topics?version=${second}`, ".live-card");
    await page.getByRole("button", { name: `Roll back to ${first}` }).click();
    await expect.poll(() => page.locator(".live-card").getAttribute("data-live-version"), soon).toBe(first);

    await goto(`#/runs/${seeded.runs.first}`, `section.run[data-run="${seeded.runs.first}"] .lineage-link`);
    await page.locator(`section.run[data-run="${seeded.runs.first}"] .lineage-link`).click();
    await page.locator(`section.lineage[data-version="${first}"] table.raw-files`).waitFor();
    expect(page.url()).toContain(`#/models/topics/lineage/${first}`);
    expect(await page.locator("table.raw-files tbody tr").count()).toBe(1);
    expect(await page.locator("table.raw-files").textContent()).toMatch(/raw\/topics\/run-first\.jsonl\s*6055/);
    expect(await page.locator('[data-step="run"] a').first().textContent()).toBe(seeded.runs.first);
    const decisions = page.locator('[data-step="decisions"] table.decisions tbody tr');
    await expect.poll(() => decisions.count(), soon).toBe(3); // promoted, replaced by second, rolled back to
    expect(await decisions.first().textContent()).toContain("console:test");
    expect(await decisions.first().getAttribute("data-decision")).toBe("rollback");
    await screenshot(page, "lineage");

    await page.goto(`${server.url}#/models/topics/lineage/${second}`);
    await expect.poll(() => page.locator("table.raw-files tbody tr").count(), soon).toBe(2); // Etl read both files
  });

  it("plots the selection's candidates with their validation scores beside the loss curve", async () => {
    await goto(`#/models/topics?version=${seeded.versions.first}`, ".training");
    const candidates = Number(await page.locator(".training").getAttribute("data-candidates"));
    expect(candidates).toBeGreaterThan(1);
    expect(await page.locator(".candidates-chart rect.candidate-bar").count()).toBe(candidates);
    expect(await page.locator(".candidates-chart rect.candidate-bar.chosen").count()).toBe(1);
    const heights = await page
      .locator(".candidates-chart rect.candidate-bar")
      .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute("height"))));
    expect(new Set(heights).size).toBeGreaterThan(1); // the bars follow the scores
    const losses = await page
      .locator(".candidates-chart circle.candidate-loss")
      .evaluateAll((dots) => dots.map((d) => Number(d.getAttribute("cy"))));
    expect(losses).toHaveLength(candidates);
    expect(new Set(losses).size).toBeGreaterThan(1);
    expect(await page.locator(".loss-curve path.series-loss").getAttribute("d")).toMatch(/^M [\d.]+ [\d.]+ L /);
    await page.locator(".candidates-chart").screenshot({ path: "test-results/console/model-candidates.png" });
    await screenshot(page, "model-training");
  });

  it("redrives a failed run from the list: it succeeds as the same execution", async () => {
    const { failed } = seeded.runs;
    await goto("#/runs?status=FAILED", `tr[data-run="${failed}"]`);
    await page.locator(`tr[data-run="${failed}"]`).getByRole("button", { name: "Redrive" }).click();
    await expect.poll(() => page.locator("[data-outcome]").textContent(), soon).toBe(`${failed} redriven`);
    await goto(`#/runs/${failed}`, "section.run");
    await expect
      .poll(() => page.locator("section.run").getAttribute("data-status"), { timeout: 60_000 })
      .toBe("SUCCEEDED");
    const tg = openHome(seeded.home);
    try {
      expect(tg.stores.executions.get(failed)?.redriveCount).toBe(1);
    } finally {
      tg.close();
    }
  });

  it("starts a run from the list and stops it: ABORTED, the live model untouched", async () => {
    const live = async () => {
      const tg = openHome(seeded.home);
      try {
        return (await tg.stores.registry.getLive("other"))?.version;
      } finally {
        tg.close();
      }
    };
    const before = await live();
    await goto("#/runs", "form.start-run");
    await page.getByLabel("dataset").fill("other");
    await page.getByLabel("force").check();
    await page.getByRole("button", { name: "Start run" }).click();
    await expect.poll(() => page.locator("[data-outcome]").textContent(), soon).toMatch(/^started run-other-\d+$/);
    const name = ((await page.locator("[data-outcome]").textContent()) ?? "").replace("started ", "");
    const row = page.locator(`tr[data-run="${name}"]`);
    await row.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => row.locator(".badge").first().textContent(), soon).toBe("ABORTED");
    await goto(`#/runs/${name}?tab=events`, ".events-table");
    await expect
      .poll(() => page.locator(".events-table tr.event").last().getAttribute("data-event-type"), soon)
      .toBe("ExecutionAborted");
    expect(await page.getByRole("button", { name: "Redrive" }).count()).toBe(1);
    await screenshot(page, "run-stopped");
    expect(await live()).toBe(before);
  });

  it("loaded everything from the console itself, without errors on the page", () => {
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
