/**
 * Both local servers (`tollgate serve` and the console) against requests a browser would never send,
 * over raw sockets: a request target no URL parser takes, malformed percent-encoding, a body that
 * trickles in, headers that never end, wrong methods. Each costs at most its own request, and every
 * error answers in the one envelope `{"error": <name>, "message"}` with the same names on both.
 */
import { DIST_DIR, ensureBundle } from "@tollgate/console/bundle";
import type { ConsoleApi } from "@tollgate/console/server/api";
import { startHttp } from "@tollgate/console/server/http";
import { logger } from "@tollgate/core/logger";
import { servingConfigFromEnv } from "@tollgate/core/serving/config";
import { serveLocal } from "@tollgate/local/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelopeOf, get, raw } from "../helpers/raw-http.ts";
import { tempHome } from "../helpers/topics.ts";

const quiet = logger.child({}, { level: "silent" });
/** Short timeouts so the slow-client cases take a second or two. */
const timeouts = { headersMs: 800, requestMs: 1500, keepAliveMs: 500 };

let consolePort: number;
let servePort: number;
let closeAll: () => Promise<void>;

beforeAll(async () => {
  await ensureBundle();
  const api = { getRun: async (name: string) => ({ name }), listRuns: async () => [] } as unknown as ConsoleApi;
  const console = await startHttp({ api, staticDir: DIST_DIR, host: "127.0.0.1", port: 0, logger: quiet, timeouts });
  const config = servingConfigFromEnv({}, { modelName: "topics" });
  const serve = await serveLocal({ home: tempHome(), config, port: 0, logger: quiet, timeouts });
  consolePort = console.port;
  servePort = serve.port;
  closeAll = async () => {
    await console.close();
    await serve.close();
  };
});
afterAll(async () => closeAll?.());

describe("the console", () => {
  const host = () => `127.0.0.1:${consolePort}`;

  it("answers a request target no URL parser takes with 400, and keeps serving", async () => {
    const bad = await raw(consolePort, [get("http://[/", host())]);
    expect(bad.status).toBe(400);
    expect(envelopeOf(bad)).toMatchObject({
      error: "InvalidInputError",
      message: expect.stringMatching(/request target/),
    });
    expect((await raw(consolePort, [get("/api/runs", host())])).status).toBe(200);
  });

  it("answers malformed percent-encoding in a path with 400, not 500", async () => {
    const bad = await raw(consolePort, [get("/api/runs/%E0%A4%A", host())]);
    expect([bad.status, envelopeOf(bad).error]).toEqual([400, "InvalidInputError"]);
  });

  it("answers a wrong method with 405 and Allow, before looking at the content type", async () => {
    const del = await raw(consolePort, [`DELETE /api/runs HTTP/1.1\r\nhost: ${host()}\r\nconnection: close\r\n\r\n`]);
    expect([del.status, envelopeOf(del).error]).toEqual([405, "MethodNotAllowedError"]);
    expect(del.headers).toMatch(/^allow: GET, POST$/im); // list runs, start one
    const page = await raw(consolePort, [`PUT / HTTP/1.1\r\nhost: ${host()}\r\ncontent-length: 0\r\n\r\n`]);
    expect([page.status, envelopeOf(page).error]).toEqual([405, "MethodNotAllowedError"]);
  });

  it("answers a body that trickles in with 408 once the request timeout passes", async () => {
    const head = `POST /api/models/m/rollback HTTP/1.1\r\nhost: ${host()}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n`;
    const slow = await raw(consolePort, [head, ...Array.from({ length: 20 }, () => " ")], 300);
    expect([slow.status, envelopeOf(slow).error]).toEqual([408, "RequestTimeoutError"]);
    expect(slow.ms).toBeLessThan(timeouts.requestMs + 2000);
  });
});

describe("tollgate serve", () => {
  it("answers a body that trickles in with 408 once the request timeout passes, not after minutes", async () => {
    const head =
      "POST /predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n";
    const slow = await raw(servePort, [head, ...Array.from({ length: 20 }, () => " ")], 300);
    expect([slow.status, envelopeOf(slow).error]).toEqual([408, "RequestTimeoutError"]);
    expect(slow.ms).toBeGreaterThanOrEqual(timeouts.requestMs - 100);
    expect(slow.ms).toBeLessThan(timeouts.requestMs + 2000);
  });

  it("answers headers that never end with 408 once the header timeout passes", async () => {
    const slow = await raw(servePort, ["GET /health HTTP/1.1\r\n", "x-a: 1\r\n", "x-b: 2\r\n", "x-c: 3\r\n"], 300);
    expect([slow.status, envelopeOf(slow).error]).toEqual([408, "RequestTimeoutError"]);
    expect(slow.ms).toBeLessThan(timeouts.headersMs + 2000);
  });

  it("answers HEAD where it answers GET (same status, no body)", async () => {
    const head = await raw(servePort, ["HEAD /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"]);
    const getHealth = await raw(servePort, [get("/health", "x")]);
    expect(head.status).toBe(getHealth.status);
    expect(head.body).toBe("");
  });

  it("answers a malformed request line and oversized headers in the envelope", async () => {
    const garbage = await raw(servePort, ["NOT HTTP AT ALL\r\n\r\n"]);
    expect([garbage.status, envelopeOf(garbage).error]).toEqual([400, "InvalidInputError"]);
    const huge = await raw(servePort, [`GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`]);
    expect([huge.status, envelopeOf(huge).error]).toEqual([431, "RequestHeaderFieldsTooLargeError"]);
  });
});

describe("one envelope and one set of names on both servers", () => {
  it("an unknown path is 404 RouteNotFoundError and a wrong method 405 MethodNotAllowedError on each", async () => {
    const answers = {
      serveMissing: await raw(servePort, [get("/nope", "x")]),
      consoleMissing: await raw(consolePort, [get("/api/nope", `127.0.0.1:${consolePort}`)]),
      serveMethod: await raw(servePort, [`DELETE /predict HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`]),
      consoleMethod: await raw(consolePort, [
        `DELETE /api/runs HTTP/1.1\r\nhost: 127.0.0.1:${consolePort}\r\nconnection: close\r\n\r\n`,
      ]),
    };
    const shapes = Object.fromEntries(
      Object.entries(answers).map(([k, a]) => [k, [a.status, Object.keys(envelopeOf(a)).sort(), envelopeOf(a).error]]),
    );
    expect(shapes).toEqual({
      serveMissing: [404, ["error", "message"], "RouteNotFoundError"],
      consoleMissing: [404, ["error", "message"], "RouteNotFoundError"],
      serveMethod: [405, ["error", "message"], "MethodNotAllowedError"],
      consoleMethod: [405, ["error", "message"], "MethodNotAllowedError"],
    });
  });
});
