/**
 * The console's JSON routes: each parses its path, query and body with zod and calls one
 * {@link ConsoleApi} method.
 */
import { InvalidInputError } from "@tollgate/core/errors";
import { runInstant } from "@tollgate/core/workflow/run-filter";
import { z } from "zod";
import { EXECUTION_STATUSES } from "../api-types.ts";
import type { ConsoleApi } from "./api.ts";

/** A matched request: path parameters, query and the parsed JSON body. */
export interface RouteInput {
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

/** One route: a method, a path pattern and what answers it (its JSON, status 200). */
export interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  handle(api: ConsoleApi, input: RouteInput): Promise<unknown>;
}

const RunsQuery = z.object({
  status: z.enum(EXECUTION_STATUSES).optional(),
  name: z.string().max(80).optional(),
  from: runInstant(false).optional(),
  to: runInstant(true).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
const QualityQuery = z.object({
  reason: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});
const CompareQuery = z.object({ a: z.string().min(1), b: z.string().min(1), on: z.string().min(1).optional() });
const StartBody = z.object({ dataset: z.string().min(1), force: z.boolean().default(false) });
const PromoteBody = z.object({ version: z.string().min(1), reason: z.string().optional() });
const RollbackBody = z.object({ reason: z.string().optional() }).default({});
/** Approve and reject: the reason is required (core's rules say so, naming `--reason`). */
const SettleBody = z.object({ version: z.string().min(1), reason: z.string().default("") });
const segment = "([^/]+)";
/** Path parameter `i`, percent-decoded. @throws InvalidInputError for malformed encoding (`%E0%A4%A`). */
function param(input: RouteInput, i: number): string {
  const raw = input.params[i] ?? "";
  try {
    return decodeURIComponent(raw);
  } catch (err) {
    throw new InvalidInputError(`malformed percent-encoding in the path: ${JSON.stringify(raw)}`, { cause: err });
  }
}

/** Every route of `/api`. */
export const ROUTES: Route[] = [
  {
    method: "GET",
    pattern: /^\/api\/runs$/,
    handle: (api, { query }) => {
      const q = RunsQuery.parse(Object.fromEntries(query));
      return api.listRuns({
        limit: q.limit,
        offset: q.offset,
        ...(q.status ? { status: q.status } : {}),
        ...(q.name ? { nameContains: q.name } : {}),
        ...(q.from ? { startedFrom: q.from } : {}),
        ...(q.to ? { startedBefore: q.to } : {}),
      });
    },
  },
  {
    method: "POST",
    pattern: /^\/api\/runs$/,
    handle: (api, { body }) => {
      const { dataset, force } = StartBody.parse(body);
      return api.startRun(dataset, force);
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/api/runs/${segment}/quality$`),
    handle: (api, input) => api.runQuality(param(input, 0), QualityQuery.parse(Object.fromEntries(input.query))),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/runs/${segment}/redrive$`),
    handle: (api, input) => api.redrive(param(input, 0)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/runs/${segment}/stop$`),
    handle: (api, input) => api.stop(param(input, 0)),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/api/runs/${segment}$`),
    handle: (api, input) => api.getRun(param(input, 0)),
  },
  { method: "GET", pattern: /^\/api\/models$/, handle: (api) => api.listModels() },
  {
    method: "GET",
    pattern: new RegExp(`^/api/models/${segment}$`),
    handle: (api, input) => api.getModel(param(input, 0)),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/api/models/${segment}/versions/${segment}/metrics$`),
    handle: (api, input) => api.versionMetrics(param(input, 0), param(input, 1)),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/api/models/${segment}/compare$`),
    handle: (api, input) => {
      const { a, b, on } = CompareQuery.parse(Object.fromEntries(input.query));
      return api.compare(param(input, 0), a, b, on);
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/api/models/${segment}/versions/${segment}/lineage$`),
    handle: (api, input) => api.lineage(param(input, 0), param(input, 1)),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/api/models/${segment}/versions/${segment}/training$`),
    handle: (api, input) => api.versionTraining(param(input, 0), param(input, 1)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/models/${segment}/promote$`),
    handle: (api, input) => {
      const { version, reason } = PromoteBody.parse(input.body);
      return api.promote(param(input, 0), version, reason);
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/models/${segment}/rollback$`),
    handle: (api, input) => api.rollback(param(input, 0), RollbackBody.parse(input.body ?? {}).reason),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/models/${segment}/approve$`),
    handle: (api, input) => {
      const { version, reason } = SettleBody.parse(input.body);
      return api.approve(param(input, 0), version, reason);
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^/api/models/${segment}/reject$`),
    handle: (api, input) => {
      const { version, reason } = SettleBody.parse(input.body);
      return api.reject(param(input, 0), version, reason);
    },
  },
];

/** The route for a method and path, with its captured parameters; `allowed` lists the methods the path has. */
export function matchRoute(method: string, path: string): { route?: Route; params: string[]; allowed: string[] } {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method === method) return { route, params: m.slice(1), allowed: [route.method] };
    allowed.push(route.method);
  }
  return { params: [], allowed };
}
