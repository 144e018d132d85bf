/**
 * JSONPath processing of the Amazon States Language: Paths (InputPath, OutputPath, ItemsPath,
 * Variable, `.$` fields), Reference Paths (ResultPath) and Payload Templates (Parameters,
 * ResultSelector, ItemSelector), with `$$` addressing the context object. Queries use jsonpath-plus.
 */
import { JSONPath } from "jsonpath-plus";
import { States, StatesError } from "./errors.ts";
import { evaluateIntrinsic } from "./intrinsics.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The context object (`$$`): what Step Functions exposes to paths. */
export interface ContextObject {
  Execution: { Id: string; Name: string; StartTime: string; Input: unknown; RoleArn: string; RedriveCount: number };
  StateMachine: { Id: string; Name: string };
  State?: { Name: string; EnteredTime: string; RetryCount: number };
  Map?: { Item: { Index: number; Value: unknown } };
}

/** A path that selected nothing (the caller words the error for its field). */
export class NoSuchPathError extends Error {
  constructor(
    readonly path: string,
    readonly data: unknown,
  ) {
    super(`Invalid path '${path}' : No results for path: ${JSONPath.toPathString(JSONPath.toPathArray(path))}`);
    this.name = "NoSuchPathError";
  }
}

export const json = (value: unknown): string => JSON.stringify(value ?? null);

/** A path with wildcards, slices, unions, filters or descent selects a list; any other selects one value. */
const INDEFINITE = /\*|\.\.|\[\s*\?|\[[^\]]*[,:][^\]]*\]/;

/**
 * Evaluates a Path against the input (`$…`) or the context object (`$$…`).
 * @throws NoSuchPathError when a definite path selects nothing
 */
export function query(path: string, input: unknown, context: ContextObject | undefined): unknown {
  const [root, data] = path.startsWith("$$") ? [path.slice(1), context ?? null] : [path, input];
  if (root === "$") return data;
  const found = JSONPath({ path: root, json: data as object, wrap: true, eval: "safe" }) as unknown[];
  if (INDEFINITE.test(root)) return found;
  if (found.length === 0) throw new NoSuchPathError(path, data);
  return found[0];
}

/** InputPath / OutputPath / ItemsPath: `null` selects `{}`, absent selects everything. */
export function selectPath(path: string | null | undefined, input: unknown, context: ContextObject): unknown {
  if (path === undefined) return input;
  if (path === null) return {};
  return query(path, input, context);
}

/**
 * Applies a Payload Template: fields named `x.$` take the value of a Path or an intrinsic function.
 * @throws StatesError States.Runtime naming the field whose path selects nothing
 */
export function applyTemplate(template: unknown, input: unknown, context: ContextObject): unknown {
  if (Array.isArray(template)) return template.map((v) => applyTemplate(v, input, context));
  if (template === null || typeof template !== "object") return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith(".$") && typeof value === "string") {
      out[key.slice(0, -2)] = dynamicValue(key, value, input, context);
    } else {
      out[key] = applyTemplate(value, input, context);
    }
  }
  return out;
}

function dynamicValue(key: string, expr: string, input: unknown, context: ContextObject): unknown {
  if (!expr.startsWith("$")) return evaluateIntrinsic(expr, (path) => query(path, input, context));
  try {
    return query(expr, input, context);
  } catch (err) {
    if (!(err instanceof NoSuchPathError)) throw err;
    const where = expr.startsWith("$$") ? json(context) : json(input);
    throw new StatesError(
      States.Runtime,
      `The JSONPath '${expr}' specified for the field '${key}' could not be found in the input '${where}'`,
    );
  }
}

/**
 * ResultPath: places `result` into `input` at a Reference Path; `null` discards the result,
 * absent (or `$`) replaces the input.
 * @throws StatesError States.ResultPathMatchFailure when the path cannot be placed in the input
 */
export function applyResultPath(path: string | null | undefined, input: unknown, result: unknown): unknown {
  if (path === undefined || path === "$") return result;
  if (path === null) return input;
  const steps = JSONPath.toPathArray(path).slice(1);
  const fail = () =>
    new StatesError(States.ResultPathMatchFailure, `Unable to apply ResultPath '${path}' to input ${json(input)}`);
  const place = (node: unknown, at: number): unknown => {
    if (at === steps.length) return result;
    if (node === null || typeof node !== "object" || Array.isArray(node)) throw fail();
    const key = steps[at] as string;
    const record = node as Record<string, unknown>;
    return { ...record, [key]: place(key in record ? record[key] : {}, at + 1) };
  };
  return place(input, 0);
}

/** Bytes of a value as Step Functions counts a payload (UTF-8 JSON). */
export const payloadBytes = (value: unknown): number => Buffer.byteLength(json(value), "utf8");
