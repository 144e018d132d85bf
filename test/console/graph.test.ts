/** The state machine drawing: every state and transition of the ASL file, laid out top to bottom. */
import { readFileSync } from "node:fs";
import { AslDefinition, describeRule, layoutGraph, transitions } from "@tollgate/console/server/graph";
import { describe, expect, it } from "vitest";

const retrain = AslDefinition.parse(JSON.parse(readFileSync("workflows/retrain.asl.json", "utf8")));

describe("the console's ASL graph", () => {
  it("draws every state of the retrain workflow once", () => {
    const graph = layoutGraph(retrain);
    expect(graph.startAt).toBe("Etl");
    expect(graph.nodes.map((n) => n.name).sort()).toEqual(Object.keys(retrain.States).sort());
  });

  it("draws Next, both Choice targets with the Default marked, and every Catch", () => {
    const edges = transitions(retrain);
    const pairs = edges.map((e) => `${e.from}>${e.to}:${e.kind}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        "Etl>CheckNewData:next",
        "NewData>Preprocess:choice",
        "NewData>NoNewData:choice",
        "Train>Merge:next",
        "Merge>MoreRounds:next",
        "MoreRounds>Train:choice",
        "MoreRounds>Export:choice",
        "Evaluate>Score:next",
        "Score>Gate:next",
        "Gate>Approval:choice",
        "Gate>Reject:choice",
        "Approval>Promote:choice",
        "Approval>RequestApproval:choice",
        "Etl>RecordFailure:catch",
        "Promote>RecordFailure:catch",
        "Promote>LiveModelChanged:catch",
        "NextReEvaluation>Evaluate:next",
        "RecordFailure>Failed:next",
      ]),
    );
    const toReject = edges.find((e) => e.from === "Gate" && e.to === "Reject");
    expect(toReject?.label).toBe("Default");
    expect(toReject?.detail).toBe(
      [
        "not (evaluation.accuracy ≥ gate.minAccuracy)",
        "or gate.minMacroF1 is present and not (evaluation.macroF1 ≥ gate.minMacroF1)",
        "or gate.minClassRecall is present and not (evaluation.minRecall ≥ gate.minClassRecall)",
        "or evaluation.live.covers is present and evaluation.live.covers = true",
        "or no rule matched",
      ].join("\n"),
    );
    const toApproval = edges.find((e) => e.from === "Approval" && e.to === "RequestApproval");
    expect(toApproval?.detail).toBe('gate.approval is present and gate.approval = "required"');
  });

  it("puts each state below the states that lead to it, and no two states on top of each other", () => {
    const graph = layoutGraph(retrain);
    const at = Object.fromEntries(graph.nodes.map((n) => [n.name, n]));
    const below = (a: string, b: string) => expect(at[b]!.y).toBeGreaterThan(at[a]!.y);
    below("Etl", "Preprocess");
    below("Evaluate", "Gate");
    below("Gate", "Approval");
    below("Approval", "Promote");
    below("Promote", "RecordFailure");
    below("RecordFailure", "Failed");
    expect(at.Approval!.y).toBe(at.Reject!.y);
    expect(at.Promote!.y).toBe(at.RequestApproval!.y);
    const boxes = graph.nodes.map((n) => `${n.x},${n.y}`);
    expect(new Set(boxes).size).toBe(boxes.length);
    for (const n of graph.nodes) {
      expect(n.x + n.width).toBeLessThanOrEqual(graph.width);
      expect(n.y + n.height).toBeLessThanOrEqual(graph.height);
    }
  });

  it("describes Choice rules in one line", () => {
    expect(describeRule({ Variable: "$.evaluation.live", IsNull: true, Next: "Promote" })).toBe(
      "evaluation.live is null",
    );
    expect(describeRule({ Variable: "$.a", IsPresent: false })).toBe("a is not present");
    expect(
      describeRule({
        And: [
          { Variable: "$.a", NumericLessThan: 1 },
          { Variable: "$.b", StringEquals: "x" },
        ],
      }),
    ).toBe('a < 1 and b = "x"');
  });
});
