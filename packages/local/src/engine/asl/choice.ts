/**
 * Choice rules of the Amazon States Language (JSONPath): And/Or/Not and the comparison operators
 * (String*, Numeric*, Boolean*, Timestamp*, each with a `…Path` form, StringMatches, Is*).
 */

import { States, StatesError } from "./errors.ts";
import { type ContextObject, NoSuchPathError, query } from "./paths.ts";

export interface ChoiceRule {
  Variable?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  Next?: string;
  [operator: string]: unknown;
}

type Kind = "string" | "number" | "boolean" | "timestamp";
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isTimestamp = (v: unknown): v is string => typeof v === "string" && RFC3339.test(v);

const COMPARISONS: Record<string, (a: number, b: number) => boolean> = {
  Equals: (a, b) => a === b,
  LessThan: (a, b) => a < b,
  GreaterThan: (a, b) => a > b,
  LessThanEquals: (a, b) => a <= b,
  GreaterThanEquals: (a, b) => a >= b,
};

/** Operators the loader accepts (also used to validate definitions). */
export const CHOICE_OPERATORS = new Set<string>([
  ...["String", "Numeric", "Boolean", "Timestamp"].flatMap((kind) =>
    Object.keys(COMPARISONS)
      .filter((op) => kind !== "Boolean" || op === "Equals")
      .flatMap((op) => [`${kind}${op}`, `${kind}${op}Path`]),
  ),
  "StringMatches",
  "IsNull",
  "IsPresent",
  "IsNumeric",
  "IsString",
  "IsBoolean",
  "IsTimestamp",
]);

function kindOf(operator: string): Kind {
  if (operator.startsWith("String")) return "string";
  if (operator.startsWith("Numeric")) return "number";
  if (operator.startsWith("Boolean")) return "boolean";
  return "timestamp";
}

function compare(kind: Kind, op: string, a: unknown, b: unknown): boolean {
  const cmp = COMPARISONS[op];
  if (!cmp) return false;
  switch (kind) {
    case "number":
      return typeof a === "number" && typeof b === "number" && cmp(a, b);
    case "boolean":
      return typeof a === "boolean" && typeof b === "boolean" && cmp(Number(a), Number(b));
    case "string":
      return typeof a === "string" && typeof b === "string" && cmp(a < b ? -1 : a > b ? 1 : 0, 0);
    case "timestamp":
      return isTimestamp(a) && isTimestamp(b) && cmp(Date.parse(a), Date.parse(b));
  }
}

/** `*` matches any run of characters; `\*` and `\\` are escapes. */
function wildcard(pattern: string, text: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\" && i + 1 < pattern.length) re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (c === "*") re += ".*";
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s").test(text);
}

/** Whether `rule` holds for `input`. */
export function evaluateRule(rule: ChoiceRule, input: unknown, context: ContextObject): boolean {
  if (rule.And) return rule.And.every((r) => evaluateRule(r, input, context));
  if (rule.Or) return rule.Or.some((r) => evaluateRule(r, input, context));
  if (rule.Not) return !evaluateRule(rule.Not, input, context);
  const operator = Object.keys(rule).find((k) => CHOICE_OPERATORS.has(k));
  if (!operator || rule.Variable === undefined)
    throw new StatesError(States.Runtime, `invalid choice rule ${JSON.stringify(rule)}`);
  let value: unknown;
  let present = true;
  try {
    value = query(rule.Variable, input, context);
  } catch (err) {
    if (!(err instanceof NoSuchPathError)) throw err;
    present = false;
  }
  const expected = rule[operator];
  if (operator === "IsPresent") return present === expected;
  if (!present)
    throw new StatesError(
      States.Runtime,
      `Invalid path '${rule.Variable}': the choice state's input has no value there`,
    );
  switch (operator) {
    case "IsNull":
      return (value === null) === expected;
    case "IsNumeric":
      return (typeof value === "number") === expected;
    case "IsString":
      return (typeof value === "string") === expected;
    case "IsBoolean":
      return (typeof value === "boolean") === expected;
    case "IsTimestamp":
      return isTimestamp(value) === expected;
    case "StringMatches":
      return typeof value === "string" && wildcard(String(expected), value);
  }
  const byPath = operator.endsWith("Path");
  const base = byPath ? operator.slice(0, -4) : operator;
  const kind = kindOf(base);
  const op = base.replace(/^(String|Numeric|Boolean|Timestamp)/, "");
  const other = byPath ? query(String(expected), input, context) : expected;
  return compare(kind, op, value, other);
}
