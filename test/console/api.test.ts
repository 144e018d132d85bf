/**
 * The console's JSON API over a home with a promoted, a rejected and a failed run: what each
 * endpoint answers, the same compare-and-swap as the CLI, and the requests it refuses.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {
  ConsoleServer,
  ModelView,
  RunQuality,
  RunsPage,
  RunView,
  SwapResult,
  VersionMetrics,
  VersionTraining,
} from "@tollgate/console";
import { bundleIsStale, DIST_DIR, ensureBundle } from "@tollgate/console/bundle";
import type { ConsoleApi } from "@tollgate/console/server/api";
import { startHttp } from "@tollgate/console/server/http";
import { LiveModelChangedError } from "@tollgate/core/errors";
import { logger } from "@tollgate/core/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAsl } from "../helpers/asl-path.ts";
import { type SeededHome, seedRuns, serveConsole } from "./fixtures.ts";

let seeded: SeededHome;
let server: ConsoleServer;
const api = async <T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
  const res = await fetch(new URL(path, server.url), init);
  return { status: res.status, body: (await res.json()) as T };
};
const post = <T>(path: string, body: unknown) =>
  api<T>(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

beforeAll(async () => {
  seeded = await seedRuns();
  server = await serveConsole(seeded.home);
});
afterAll(async () => {
  await server?.close();
});

describe("the console API", () => {
  it("lists runs newest first with their gate decision, filtered by status", async () => {
    const all = await api<RunsPage>("/api/runs");
    expect(all.body).toMatchObject({ total: 3, offset: 0, limit: 100 });
    expect(all.body.runs.map((r) => [r.name, r.status, r.decision])).toEqual([
      [seeded.runs.failed, "FAILED", "failed"],
      [seeded.runs.rejected, "SUCCEEDED", "rejected"],
      [seeded.runs.promoted, "SUCCEEDED", "promoted"],
    ]);
    expect(all.body.runs[0]?.durationMs).toBeGreaterThan(0);
    const failed = await api<RunsPage>("/api/runs?status=FAILED");
    expect(failed.body.runs.map((r) => r.name)).toEqual([seeded.runs.failed]);
    expect((await api<RunsPage>("/api/runs?status=RUNNING")).body).toMatchObject({ runs: [], total: 0 });
  });

  it("refuses an unknown status filter with a named error", async () => {
    const res = await api<{ error: string; message: string }>("/api/runs?status=DONE");
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("InvalidInputError");
    expect(res.body.message).toMatch(/status/);
  });

  it("shows a failed run: the failed state caught, the Fail state failed, the rest not reached", async () => {
    const { body: run } = await api<RunView>(`/api/runs/${seeded.runs.failed}`);
    expect(run.execution.error).toBe("InjectedFaultError");
    expect(run.stateStatus).toMatchObject({
      Train: "succeeded",
      Evaluate: "succeeded",
      Score: "caught",
      Gate: "not-reached",
      Promote: "not-reached",
      RecordFailure: "succeeded",
      Failed: "failed",
    });
    const score = run.states.find((s) => s.name === "Score");
    expect(score).toMatchObject({ error: "InjectedFaultError", attempts: 1 });
    expect(score?.cause).toMatch(/fault injected/);
    expect(score?.input).toMatchObject({ trained: { modelVersion: seeded.versions.failed } });
    expect(run.events.at(-1)?.type).toBe("ExecutionFailed");
    expect(run.graph.nodes.map((n) => n.name).sort()).toEqual(Object.keys(readAsl().States).sort());
  });

  it("shows a rejected run's gate numbers, durations and audit records", async () => {
    const { body: run } = await api<RunView>(`/api/runs/${seeded.runs.rejected}`);
    expect(run.gate).toMatchObject({
      decision: "rejected",
      minAccuracy: 0.8,
      candidateVersion: seeded.versions.rejected,
    });
    expect(run.gate.accuracy).toBeLessThan(0.8);
    expect(run.gate.live?.version).toBe(seeded.versions.promoted);
    expect(run.gate.reason).toMatch(/< minAccuracy 0\.8000/);
    expect(run.stateStatus).toMatchObject({ Gate: "succeeded", Reject: "succeeded", Promote: "not-reached" });
    expect(run.states.every((s) => s.durationMs !== null && s.durationMs >= 0)).toBe(true);
    expect(run.audit.map((r) => r.eventName)).toContain("StartExecution");
    expect(run.audit.every((r) => r.runId === seeded.runs.rejected)).toBe(true);
  });

  it("refuses bad run filters, a comparison of a version with itself, a stop of a finished run, by name", async () => {
    const cases: Array<[string, number, string, RegExp]> = [
      ["/api/runs?from=yesterday", 400, "InvalidInputError", /from/],
      ["/api/runs?to=2026-13-45", 400, "InvalidInputError", /not a date/],
      ["/api/runs?offset=-1", 400, "InvalidInputError", /offset/],
      [
        `/api/models/topics/compare?a=${seeded.versions.promoted}&b=${seeded.versions.promoted}`,
        400,
        "InvalidInputError",
        /two different versions/,
      ],
      ["/api/models/topics/compare?a=x", 400, "InvalidInputError", /b/],
      ["/api/models/topics/versions/nope/lineage", 404, "ModelNotFoundError", /no version nope/],
    ];
    for (const [path, status, error, message] of cases) {
      const res = await api<{ error: string; message: string }>(path);
      expect([path, res.status, res.body.error]).toEqual([path, status, error]);
      expect(res.body.message).toMatch(message);
    }
    const stop = await post<{ error: string }>(`/api/runs/${seeded.runs.promoted}/stop`, {});
    expect([stop.status, stop.body.error]).toEqual([409, "ExecutionNotRunningError"]);
    const redrive = await post<{ error: string }>(`/api/runs/${seeded.runs.promoted}/redrive`, {});
    expect([redrive.status, redrive.body.error]).toEqual([409, "ExecutionNotRedrivable"]);
    const start = await post<{ error: string }>("/api/runs", { dataset: "no/such" });
    expect([start.status, start.body.error]).toEqual([400, "InvalidInputError"]);
    const quality = await api<RunQuality>(`/api/runs/${seeded.runs.failed}/quality?reason=missing_label`);
    expect(quality.body.quarantine).toEqual({ total: 0, rows: [] });
    expect(quality.body.quality?.counts.read).toBe(2100); // Etl read all three files under raw/topics/
  });

  it("answers 404 ExecutionNotFoundError for an unknown run", async () => {
    const res = await api<{ error: string }>("/api/runs/nope");
    expect([res.status, res.body.error]).toEqual([404, "ExecutionNotFoundError"]);
  });

  it("lists a model's versions with the live pointer and a version's confusion matrix", async () => {
    const { body: model } = await api<ModelView>("/api/models/topics");
    expect(model.live?.version).toBe(seeded.versions.promoted);
    expect(model.versions.map((v) => [v.version, v.status])).toEqual([
      [seeded.versions.promoted, "live"],
      [seeded.versions.rejected, "rejected"],
      [seeded.versions.failed, "failed"],
    ]);
    const { body: metrics } = await api<VersionMetrics>(
      `/api/models/topics/versions/${seeded.versions.rejected}/metrics`,
    );
    expect(metrics.candidate.labels).toEqual(["animal", "food", "sport"]);
    const cells = metrics.candidate.confusion.flat().reduce((a, b) => a + b, 0);
    expect(cells).toBe(metrics.candidate.count);
    expect(metrics.live?.version).toBe(seeded.versions.promoted);
    const never = await api<{ error: string }>(`/api/models/topics/versions/${seeded.versions.failed}/metrics`);
    expect([never.status, never.body.error]).toEqual([404, "ObjectNotFoundError"]);
  });

  it("shows how a version was trained: the choice among the selection's candidates, the loss per epoch", async () => {
    const { status, body } = await api<VersionTraining>(
      `/api/models/topics/versions/${seeded.versions.promoted}/training`,
    );
    expect(status).toBe(200);
    const lastRung = Math.max(...body.candidates.map((c) => c.rung));
    expect(lastRung).toBeGreaterThan(0);
    expect(body.candidates.filter((c) => c.rung === lastRung)).toContainEqual(expect.objectContaining(body.chosen!));
    expect(body.per).toBe("epoch");
    expect(body.curve.map((p) => p.step)).toEqual(body.curve.map((_, i) => i + 1));
    expect(body.curve.length).toBeGreaterThanOrEqual(2);
    const best = body.curve.find((p) => p.step === body.best);
    expect(best?.validationLoss).toBe(Math.min(...body.curve.map((p) => p.validationLoss)));
    expect(best?.validationAccuracy).toBe(body.validation.accuracy);
    expect(body.pinned).toEqual({});
    // the race was considered but not run: the SGD fit is the model
    expect(body.exact).toMatchObject({ candidates: [], skipped: expect.stringMatching(/^pass budget/) });
    // the failed run's version was fitted once with a pinned learning rate (selection budget 1)
    const pinned = await api<VersionTraining>(`/api/models/topics/versions/${seeded.versions.failed}/training`);
    expect(pinned.body).toMatchObject({ pinned: { learningRate: 0.25 }, candidates: [] });
    expect(pinned.body.chosen?.learningRate).toBe(0.25);
    const unknown = await api<{ error: string }>("/api/models/topics/versions/v0/training");
    expect([unknown.status, unknown.body.error]).toEqual([404, "ModelNotFoundError"]);
  });

  it("promotes and rolls back through the registry's compare-and-swap, audited as the console user", async () => {
    const noReason = await post<{ error: string; message: string }>("/api/models/topics/promote", {
      version: seeded.versions.rejected,
    });
    expect([noReason.status, noReason.body.error]).toEqual([400, "InvalidInputError"]);
    expect(noReason.body.message).toMatch(/did not pass the gate .* needs a reason/);
    const promoted = await post<SwapResult>("/api/models/topics/promote", {
      version: seeded.versions.rejected,
      reason: "checked by hand",
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body.live).toMatchObject({
      version: seeded.versions.rejected,
      previous: seeded.versions.promoted,
      by: "console:test",
    });
    const again = await post<{ error: string; message: string }>("/api/models/topics/promote", {
      version: seeded.versions.rejected,
    });
    expect([again.status, again.body.error]).toEqual([400, "InvalidInputError"]);
    expect(again.body.message).toMatch(/already live/);
    const back = await post<SwapResult>("/api/models/topics/rollback", { reason: "too many complaints" });
    expect(back.body.live).toMatchObject({ version: seeded.versions.promoted, previous: seeded.versions.rejected });
    const { body: model } = await api<ModelView>("/api/models/topics");
    expect(model.decisions.slice(-2).map((d) => [d.action, d.by, d.reason])).toEqual([
      ["promote", "console:test", "checked by hand"],
      ["rollback", "console:test", "too many complaints"],
    ]);
  });

  it("refuses to promote a failed or unknown version, with the rule's named error", async () => {
    const failed = await post<{ error: string }>("/api/models/topics/promote", {
      version: seeded.versions.failed,
    });
    expect([failed.status, failed.body.error]).toEqual([400, "InvalidInputError"]);
    const unknown = await post<{ error: string }>("/api/models/topics/promote", { version: "v0" });
    expect([unknown.status, unknown.body.error]).toEqual([404, "ModelNotFoundError"]);
    const noBody = await post<{ error: string }>("/api/models/topics/promote", {});
    expect([noBody.status, noBody.body.error]).toEqual([400, "InvalidInputError"]);
  });

  it("refuses writes that are not JSON or come from another origin, and wrong methods", async () => {
    const form = await api<{ error: string }>("/api/models/topics/rollback", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "x=1",
    });
    expect([form.status, form.body.error]).toEqual([415, "UnsupportedMediaTypeError"]);
    const foreign = await api<{ error: string }>("/api/models/topics/rollback", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: "{}",
    });
    expect([foreign.status, foreign.body.error]).toEqual([403, "ForbiddenRequestError"]);
    const get = await api<{ error: string }>("/api/models/topics/promote");
    expect([get.status, get.body.error]).toEqual([405, "MethodNotAllowedError"]);
  });

  it("answers only requests addressed to it by name (no DNS rebinding)", async () => {
    // fetch cannot set Host, node:http can.
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) =>
        request(new URL("/api/models", server.url), { headers: { host } }, (res) => resolve(res.statusCode ?? 0))
          .on("error", reject)
          .end(),
      );
    expect(await statusFor(`evil.example:${server.port}`)).toBe(403);
    expect(await statusFor(`localhost:${server.port}`)).toBe(200);
  });

  it("serves the page and its bundle itself, and nothing outside its folder", async () => {
    const page = await fetch(server.url);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    const js = await fetch(new URL("/app.js", server.url));
    expect([js.status, js.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"]);
    // A raw path (fetch would normalize it away) that leaves dist/ for the page's sources.
    const escaped = await new Promise<number>((resolve, reject) =>
      request(new URL(server.url), { path: "/../web/index.html" }, (res) => resolve(res.statusCode ?? 0))
        .on("error", reject)
        .end(),
    );
    expect(escaped).toBe(404);
  });
});

describe("the console API's error answers", () => {
  it("answers 409 with the name when the live pointer moved during a promote", async () => {
    const moved = new LiveModelChangedError("live model topics is v2, not v1: someone promoted meanwhile");
    const api = { promote: () => Promise.reject(moved) } as unknown as ConsoleApi;
    const http = await startHttp({ api, staticDir: DIST_DIR, host: "127.0.0.1", port: 0, logger });
    try {
      const res = await fetch(new URL("/api/models/topics/promote", http.url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ version: "v3" }),
      });
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ error: "LiveModelChangedError", message: moved.message });
    } finally {
      await http.close();
    }
  });
});

describe("the console's bundle", () => {
  it("is built when missing and left alone when up to date", async () => {
    const dist = mkdtempSync(join(tmpdir(), "tollgate-console-dist-"));
    try {
      expect(bundleIsStale(dist)).toBe(true);
      expect((await ensureBundle(dist)).built).toBe(true);
      const built = statSync(join(dist, "app.js")).mtimeMs;
      expect(statSync(join(dist, "index.html")).size).toBeGreaterThan(0);
      expect(statSync(join(dist, "app.css")).size).toBeGreaterThan(0);
      expect(await ensureBundle(dist)).toEqual({ dir: dist, built: false });
      expect(statSync(join(dist, "app.js")).mtimeMs).toBe(built);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
