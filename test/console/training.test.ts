/**
 * A version whose model is the exact solver race's winner (issue 17: the chosen values and every
 * candidate scored on validation are shown and plotted): the console's training view over the API
 * and in a real browser, and the run's output (`tollgate show`) and `models show` in the CLI.
 */
import type { VersionTraining } from "@tollgate/console";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { localCli } from "../helpers/cli.ts";
import { screenshot } from "./browser.ts";
import { browserSession, seedRaced } from "./fixtures.ts";

const session = browserSession(seedRaced);
let page: Page;
let url: string;

beforeAll(() => {
  page = session.page;
  url = session.server.url;
});

describe("the training view of a model chosen by the exact solver's race", () => {
  it("answers the race's candidates with the winner marked, the model's validation figures being the winner's", async () => {
    const res = await fetch(new URL(`/api/models/topics/versions/${session.seeded.version}/training`, url));
    const body = (await res.json()) as VersionTraining;
    const won = body.exact?.candidates.filter((k) => k.chosen) ?? [];
    expect(won).toHaveLength(1);
    expect(won[0]?.validationAccuracy).toBeGreaterThan(body.exact!.sgdValidationAccuracy);
    expect(body.validation.accuracy).toBe(won[0]?.validationAccuracy);
    expect(body.refit?.solver).toMatch(/^dual coordinate descent, c = /);
  });

  it("shows the race's line, plots and lists its candidates, and marks the winner, not an SGD candidate", async () => {
    await page.goto(`${url}#/models/topics?version=${session.seeded.version}`);
    const training = page.locator('.training[data-model="exact"]');
    await training.waitFor();
    expect(await training.locator("p.chosen-exact").textContent()).toMatch(
      /^chosen on validation: dual coordinate descent, c = \d+ on Preprocess's features, validation accuracy [\d.]+ against the SGD fit's [\d.]+$/,
    );
    expect(await training.locator("p.chosen").textContent()).toMatch(/^the SGD fit it beat: learning rate /);
    const race = training.locator("table.race tbody tr");
    expect(await race.count()).toBeGreaterThan(0);
    expect(await training.locator("table.race tr.chosen").count()).toBe(1);
    expect(await training.locator("table.candidates tr.chosen").count()).toBe(0);
    const bars = training.locator('.candidates-chart rect[data-group="exact race"]');
    expect(await bars.count()).toBe(await race.count());
    expect(await training.locator('.candidates-chart rect[data-group="exact race"].chosen').count()).toBe(1);
    await screenshot(page, "model-training-exact");
  });

  it("names the race's winner in the run's output and in models show, the SGD fit it beat beside it", async () => {
    const { tollgate } = localCli({ TOLLGATE_HOME: session.seeded.home });
    const run = await tollgate("show", "run-raced");
    expect(run).toMatch(/^chosen\s+dual coordinate descent, c = \d+\s+\(best of \d+ on validation, [\d.]+ passes\)$/m);
    expect(run).toMatch(
      /^sgd fit\s+learning rate [\d.]+\s+L2 [\d.e-]+\s+n-grams 1–[12]\s+min df \d+\s+\(the fit it beat\)$/m,
    );
    const card = await tollgate("models", "show", session.seeded.version);
    expect(card).toMatch(
      /^algorithm\s+one-vs-rest L2 logistic regression, dual coordinate descent \(LIBLINEAR -s 7\), c = \d+$/m,
    );
  });
});
