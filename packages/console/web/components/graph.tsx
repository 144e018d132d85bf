/**
 * The state machine drawn from the ASL file (layout by the server), each state colored by what
 * happened to it in this run. Clicking a state selects it.
 */
import type { Graph, StateStatus } from "../../src/api-types.ts";

const STATUS_TEXT: Record<StateStatus, string> = {
  succeeded: "succeeded",
  failed: "failed",
  caught: "failed · caught",
  running: "in progress",
  "not-reached": "not reached",
};

export interface GraphViewProps {
  graph: Graph;
  status: Record<string, StateStatus>;
  errors: Record<string, string>;
  selected: string | null;
  /** A Distributed Map state's last Map Run, for its node: children ended out of total, and every count in the tooltip. */
  mapCounts?: Record<string, { ended: number; total: number; text: string }>;
  /** The link that selects a state. */
  linkFor: (state: string) => string;
}

export function GraphView({ graph, status, errors, selected, mapCounts = {}, linkFor }: GraphViewProps) {
  return (
    <svg
      class="graph"
      viewBox={`0 0 ${graph.width} ${graph.height}`}
      width={graph.width}
      height={graph.height}
      role="img"
      aria-label="state machine graph"
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
        </marker>
      </defs>
      {graph.edges.map((e) => (
        <g key={`${e.from}-${e.to}-${e.kind}`} class={`edge edge-${e.kind}`}>
          <title>{e.detail ?? `${e.from} → ${e.to}`}</title>
          <path d={e.path} marker-end="url(#arrow)" />
        </g>
      ))}
      {graph.edges
        .filter((e) => e.label)
        .map((e) => {
          const to = graph.nodes.find((n) => n.name === e.to)!;
          return (
            <text key={`label-${e.from}-${e.to}`} class="edge-label" x={to.x + to.width / 2 + 6} y={to.y - 8}>
              {e.label}
            </text>
          );
        })}
      {graph.nodes.map((n) => {
        const s = status[n.name] ?? "not-reached";
        const map = mapCounts[n.name];
        return (
          <a
            key={n.name}
            href={linkFor(n.name)}
            class={`node node-${s} ${selected === n.name ? "selected" : ""}`}
            data-state={n.name}
            data-status={s}
          >
            <g transform={`translate(${n.x} ${n.y})`}>
              <title>{`${n.name} (${n.type}): ${STATUS_TEXT[s]}${errors[n.name] ? ` — ${errors[n.name]}` : ""}${map ? `\n${map.text}` : ""}${n.comment ? `\n${n.comment}` : ""}`}</title>
              <rect width={n.width} height={n.height} rx={n.type === "Choice" ? 22 : 6} />
              <text class="node-name" x={n.width / 2} y={n.height / 2 - 3}>
                {n.name}
              </text>
              <text class="node-sub" x={n.width / 2} y={n.height / 2 + 12}>
                {errors[n.name]
                  ? `${errors[n.name]}`
                  : map
                    ? `${n.type} · ${map.ended}/${map.total} children`
                    : `${n.type} · ${STATUS_TEXT[s]}`}
              </text>
            </g>
          </a>
        );
      })}
    </svg>
  );
}

/** The legend under the graph. */
export function GraphLegend() {
  return (
    <ul class="legend">
      {(Object.keys(STATUS_TEXT) as StateStatus[]).map((s) => (
        <li key={s}>
          <span class={`swatch node-${s}`} />
          {STATUS_TEXT[s]}
        </li>
      ))}
    </ul>
  );
}
