/**
 * Debian's Chromium driven by playwright-core, as the machine notes prescribe: no browser
 * download, headless, no background networking, a fresh profile per launch.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's chromium (`.ci/run` installs it when missing); override with TOLLGATE_CHROMIUM. */
export const CHROMIUM = process.env.TOLLGATE_CHROMIUM ?? "/usr/bin/chromium";
/** Where screenshots go (gitignored; CI keeps them as artifacts). */
export const SCREENSHOTS = join(process.cwd(), "test-results", "console");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A running browser with a fresh profile; `close()` stops it and removes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Requests the page made to any origin other than `allowedOrigin`. */
  foreignRequests: string[];
  /** Uncaught errors, console errors (CSP violations show up here) and error responses of the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Launches Chromium with a persistent, fresh --user-data-dir and one page. */
export async function launchBrowser(allowedOrigin: string): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run), or set TOLLGATE_CHROMIUM`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "tollgate-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1360, height: 900 },
    timeout: 30_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  page.on("response", (response) => {
    if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
  });
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      pageErrors.push(message.text());
  });
  context.on("request", (request) => {
    if (!request.url().startsWith(allowedOrigin)) foreignRequests.push(request.url());
  });
  return {
    context,
    page,
    foreignRequests,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as test-results/console/<name>.png and answers its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The browser type, for callers that only need it (re-exported to keep one import site). */
export type { Browser, Page };
