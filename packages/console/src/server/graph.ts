/**
 * Draws a state machine from its ASL file: one node per state, one edge per transition (Next,
 * Choices/Default, Catch), laid out top to bottom by the longest path from StartAt. Catch edges
 * run along a bus on the right, the way failures leave the main flow.
 */
import { z } from "zod";
import type { Graph, GraphEdge, GraphNode } from "../api-types.ts";

const ChoiceRule: z.ZodType<Record<string, unknown>> = z.record(z.string(), z.unknown());
const AslState = z.looseObject({
  Type: z.string(),
  Comment: z.string().optional(),
  Next: z.string().optional(),
  End: z.boolean().optional(),
  Default: z.string().optional(),
  Choices: z.array(z.looseObject({ Next: z.string() }).and(ChoiceRule)).optional(),
  Catch: z.array(z.object({ ErrorEquals: z.array(z.string()), Next: z.string() })).optional(),
});
/** The parts of an ASL definition the drawing reads. */
export const AslDefinition = z.looseObject({ StartAt: z.string(), States: z.record(z.string(), AslState) });
export type AslDefinition = z.infer<typeof AslDefinition>;

const NODE = { width: 168, height: 44, gapX: 36, gapY: 44, margin: 24, bus: 36 };
type Transition = Omit<GraphEdge, "path">;

const pathText = (p: unknown) => (typeof p === "string" ? p.replace(/^\$\./, "") : JSON.stringify(p));
const OPERATORS: [RegExp, string][] = [
  [/GreaterThanEquals/, "≥"],
  [/LessThanEquals/, "≤"],
  [/GreaterThan/, ">"],
  [/LessThan/, "<"],
  [/Equals/, "="],
];

/** A Choice rule as one line, e.g. `not (evaluation.accuracy ≥ gate.minAccuracy)`. */
export function describeRule(rule: Record<string, unknown>): string {
  if (rule.Not) return `not (${describeRule(rule.Not as Record<string, unknown>)})`;
  for (const op of ["And", "Or"] as const) {
    const parts = rule[op] as Record<string, unknown>[] | undefined;
    if (parts) return parts.map(describeRule).join(` ${op.toLowerCase()} `);
  }
  const variable = pathText(rule.Variable);
  for (const [key, value] of Object.entries(rule)) {
    if (key === "Variable" || key === "Next") continue;
    const symbol = OPERATORS.find(([re]) => re.test(key))?.[1];
    const operand = key.endsWith("Path") ? pathText(value) : JSON.stringify(value);
    if (symbol) return `${variable} ${symbol} ${operand}`;
    const test = key.replace(/^Is/, "").toLowerCase();
    return value === false ? `${variable} is not ${test}` : `${variable} is ${test}`;
  }
  return variable;
}

/** The transitions of every state, choice edges to the same target merged into one. */
export function transitions(asl: AslDefinition): Transition[] {
  const out: Transition[] = [];
  for (const [from, state] of Object.entries(asl.States)) {
    if (state.Next) out.push({ from, to: state.Next, kind: "next", label: null, detail: null });
    const rules = [
      ...(state.Choices ?? []).map((c) => ({ to: c.Next, text: describeRule(c), isDefault: false })),
      ...(state.Default ? [{ to: state.Default, text: "no rule matched", isDefault: true }] : []),
    ];
    for (const rule of rules) {
      const same = out.find((t) => t.from === from && t.to === rule.to && t.kind === "choice");
      if (same) {
        same.detail = `${same.detail}\nor ${rule.text}`;
        if (rule.isDefault) same.label = "Default";
      } else {
        out.push({ from, to: rule.to, kind: "choice", label: rule.isDefault ? "Default" : null, detail: rule.text });
      }
    }
    for (const c of state.Catch ?? [])
      out.push({ from, to: c.Next, kind: "catch", label: null, detail: `Catch ${c.ErrorEquals.join(", ")}` });
  }
  return out;
}

/** Rank = longest path from StartAt (back edges, found by depth-first search, are ignored). */
function ranks(asl: AslDefinition, edges: Transition[]): Map<string, number> {
  const out = (name: string) =>
    edges.filter((e) => e.from === name).sort((a, b) => +(a.kind === "catch") - +(b.kind === "catch"));
  const order: string[] = [];
  const back = new Set<Transition>();
  const mark = new Map<string, "open" | "done">();
  const visit = (name: string) => {
    mark.set(name, "open");
    for (const e of out(name)) {
      if (mark.get(e.to) === "open") back.add(e);
      else if (!mark.has(e.to)) visit(e.to);
    }
    mark.set(name, "done");
    order.unshift(name);
  };
  visit(asl.StartAt);
  for (const name of Object.keys(asl.States)) if (!mark.has(name)) visit(name);
  const rank = new Map(order.map((n) => [n, 0]));
  for (const name of order)
    for (const e of out(name)) if (!back.has(e)) rank.set(e.to, Math.max(rank.get(e.to) ?? 0, rank.get(name)! + 1));
  return rank;
}

/** Lays out the definition; deterministic for a given file. */
export function layoutGraph(asl: AslDefinition): Graph {
  const edges = transitions(asl);
  const rank = ranks(asl, edges);
  const rows: string[][] = [];
  // Depth-first along the main flow (not catch edges), so a row keeps the order of Choices.
  const queue = [asl.StartAt, ...Object.keys(asl.States)];
  const placed = new Set<string>();
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (placed.has(name)) continue;
    placed.add(name);
    const r = rank.get(name)!;
    rows[r] = [...(rows[r] ?? []), name];
    queue.unshift(...edges.filter((e) => e.from === name && e.kind !== "catch").map((e) => e.to));
  }
  const widest = Math.max(...rows.map((r) => r.length));
  const inner = widest * NODE.width + (widest - 1) * NODE.gapX;
  const nodes: GraphNode[] = rows.flatMap((row, r) =>
    row.map((name, i) => {
      const state = asl.States[name]!;
      const rowWidth = row.length * NODE.width + (row.length - 1) * NODE.gapX;
      return {
        name,
        type: state.Type,
        comment: state.Comment ?? null,
        end: state.End === true || state.Type === "Succeed" || state.Type === "Fail",
        x: NODE.margin + (inner - rowWidth) / 2 + i * (NODE.width + NODE.gapX),
        y: NODE.margin + r * (NODE.height + NODE.gapY),
        width: NODE.width,
        height: NODE.height,
      };
    }),
  );
  const at = new Map(nodes.map((n) => [n.name, n]));
  const busX = NODE.margin + inner + NODE.bus;
  const hasCatch = edges.some((e) => e.kind === "catch");
  const drawn = mergeCatches(edges);
  return {
    startAt: asl.StartAt,
    width: busX + (hasCatch ? NODE.margin : NODE.margin - NODE.bus),
    height: NODE.margin * 2 + rows.length * NODE.height + (rows.length - 1) * NODE.gapY,
    nodes,
    edges: drawn.map((e) => {
      const [a, b] = [at.get(e.from)!, at.get(e.to)!];
      const adjacent = rank.get(e.to) === rank.get(e.from)! + 1;
      return { ...e, path: route(a, b, e.kind === "catch" && !adjacent, busX) };
    }),
  };
}

/** A catch to where the state goes next anyway is drawn once: the catch joins the edge's tooltip. */
function mergeCatches(edges: Transition[]): Transition[] {
  const out: Transition[] = [];
  for (const e of edges) {
    const same = e.kind === "catch" && out.find((o) => o.from === e.from && o.to === e.to && o.kind !== "catch");
    if (same) same.detail = [same.detail, e.detail].filter(Boolean).join("\n");
    else out.push({ ...e });
  }
  return out;
}

/** A curve from the bottom of one node to the top of another, or (catch edges skipping rows) via the bus. */
function route(a: GraphNode, b: GraphNode, viaBus: boolean, busX: number): string {
  if (viaBus) {
    const ay = a.y + a.height / 2;
    const by = b.y + b.height / 2;
    return `M ${a.x + a.width} ${ay} H ${busX} V ${by} H ${b.x + b.width}`;
  }
  const [x1, y1, x2, y2] = [a.x + a.width / 2, a.y + a.height, b.x + b.width / 2, b.y];
  if (y2 <= y1)
    return `M ${a.x} ${a.y + a.height / 2} C ${a.x - 40} ${a.y}, ${b.x - 40} ${b.y + b.height}, ${b.x} ${y2}`;
  const mid = (y1 + y2) / 2;
  return `M ${x1} ${y1} C ${x1} ${mid}, ${x2} ${mid}, ${x2} ${y2}`;
}
