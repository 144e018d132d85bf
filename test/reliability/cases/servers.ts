/** Cases 6–9 of issue 14: hostile requests to both local servers, over raw sockets. */
import { DIST_DIR, ensureBundle } from "@tollgate/console/bundle";
import type { ConsoleApi } from "@tollgate/console/server/api";
import { startHttp } from "@tollgate/console/server/http";
import { logger } from "@tollgate/core/logger";
import { servingConfigFromEnv } from "@tollgate/core/serving/config";
import { serveLocal } from "@tollgate/local/server";
import { envelopeOf, get, type RawAnswer, raw } from "../../helpers/raw-http.ts";
import { tempHome } from "../../helpers/topics.ts";
import { type Case, probe } from "./case.ts";

const quiet = logger.child({}, { level: "silent" });
/** Short timeouts, so that a trickling body is cut within seconds (the defaults are 10 s / 30 s). */
const timeouts = { headersMs: 800, requestMs: 1500, keepAliveMs: 500 };
const said = (a: RawAnswer) => `${a.status} ${a.body ? envelopeOf(a).error : "(no body)"}`;
/** A body of 100000 bytes announced, then one byte every 300 ms. */
const trickle = (head: string) => [head, ...Array.from({ length: 20 }, () => " ")];

export async function serverCases(): Promise<Case[]> {
  await ensureBundle();
  const api = { getRun: async (name: string) => ({ name }), listRuns: async () => [] } as unknown as ConsoleApi;
  const console = await startHttp({ api, staticDir: DIST_DIR, host: "127.0.0.1", port: 0, logger: quiet, timeouts });
  const config = servingConfigFromEnv({}, { modelName: "topics" });
  const serve = await serveLocal({ home: tempHome(), config, port: 0, logger: quiet, timeouts });
  const host = `127.0.0.1:${console.port}`;
  try {
    return [
      await probe(
        "console: a request target no URL parser takes costs only that request",
        "400 InvalidInputError, then 200",
        async () => {
          const bad = await raw(console.port, [get("http://[/", host)]);
          return `${said(bad)}, then ${(await raw(console.port, [get("/api/runs", host)])).status}`;
        },
      ),
      await probe("console: malformed percent-encoding is a 400", "400 InvalidInputError", async () =>
        said(await raw(console.port, [get("/api/runs/%E0%A4%A", host)])),
      ),
      await probe(
        "serve: a body trickling in is cut at the request timeout with 408",
        "408 RequestTimeoutError within 1.5–3.5 s",
        async () => {
          const head =
            "POST /predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n";
          const a = await raw(serve.port, trickle(head), 300);
          return `${said(a)} within ${a.ms >= 1400 && a.ms <= 3500 ? "1.5–3.5 s" : `${a.ms} ms`}`;
        },
      ),
      await probe(
        "console: a body trickling in is cut at the request timeout with 408",
        "408 RequestTimeoutError",
        async () => {
          const head = `POST /api/models/m/rollback HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n`;
          return said(await raw(console.port, trickle(head), 300));
        },
      ),
      await probe("serve: headers that never end get 408 at the header timeout", "408 RequestTimeoutError", async () =>
        said(await raw(serve.port, ["GET /health HTTP/1.1\r\n", "x-a: 1\r\n", "x-b: 2\r\n", "x-c: 3\r\n"], 300)),
      ),
      await probe(
        "serve and console: one envelope and one name for an unknown path and a wrong method",
        "404 RouteNotFoundError [error,message] ×2; 405 MethodNotAllowedError [error,message] ×2",
        async () => {
          const shape = (a: RawAnswer) => `${said(a)} [${Object.keys(envelopeOf(a)).sort().join(",")}]`;
          const del = (path: string, h: string) => `DELETE ${path} HTTP/1.1\r\nhost: ${h}\r\nconnection: close\r\n\r\n`;
          const missing = [
            await raw(serve.port, [get("/nope", "x")]),
            await raw(console.port, [get("/api/nope", host)]),
          ];
          const method = [
            await raw(serve.port, [del("/predict", "x")]),
            await raw(console.port, [del("/api/runs", host)]),
          ];
          const one = (answers: RawAnswer[]) =>
            new Set(answers.map(shape)).size === 1 ? `${shape(answers[0]!)} ×2` : answers.map(shape).join(" vs ");
          return `${one(missing)}; ${one(method)}`;
        },
      ),
    ];
  } finally {
    await console.close();
    await serve.close();
  }
}
