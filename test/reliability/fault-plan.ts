/**
 * The bench's fault cases (no test-runner imports): a fault in every Task state of the ASL, of a kind
 * drawn with a seeded PRNG per repetition — before the task runs, after its n-th write (a half-done
 * step), or after it returned — and what each must leave: a consistent registry, the live model
 * unchanged unless the fault came after Promote's swap, and a redrive that ends the run as it should.
 */
import { readFileSync } from "node:fs";
import type { ExecutionRecord } from "@tollgate/core/workflow";
import { openTollgate } from "@tollgate/local/app";
import { rng } from "../helpers/topics.ts";
import { checkConsistency } from "./consistency.ts";
import { addRaw, input, mapRunChildren, PERMISSIVE_GATE, SHARDED } from "./inputs.ts";

/** States a run of small data never reaches. */
const SMALL_DATA_SKIPS = ["Select", "CountTerms", "MergeTerms", "SelectTerms"];

/** A failed child of each Map only a sharded run reaches (issue 12 item 8: "add these cases"). */
export const SHARDED_MAP_FAULTS = ["CountTerms[0]", "MergeTerms[0]"];

/**
 * The Task states of the deployed ASL a run of the bench's data passes, in file order (Select runs
 * only when the data makes more than one Train child, CountTerms, MergeTerms and SelectTerms only when Preprocess did not read
 * every row; the bench's data is one small shard).
 */
export function taskStates(file = "workflows/retrain.asl.json"): string[] {
  const asl = JSON.parse(readFileSync(file, "utf8")) as { States: Record<string, { Type: string }> };
  return Object.entries(asl.States)
    .filter(([name, s]) => s.Type === "Task" && !SMALL_DATA_SKIPS.includes(name))
    .map(([name]) => name);
}

/**
 * A failed child of each Distributed Map (`<Map>[<index>]`): the run fails at the Map (left uncaught),
 * is recorded failed, keeps the live model, and its redrive reruns only that child.
 */
export function mapChildFaults(file = "workflows/retrain.asl.json"): string[] {
  const asl = JSON.parse(readFileSync(file, "utf8")) as { States: Record<string, { Type: string }> };
  return Object.entries(asl.States)
    .filter(([name, s]) => s.Type === "Map" && !SMALL_DATA_SKIPS.includes(name))
    .map(([name]) => `${name}[0]`);
}

/** One fault point for `state`, drawn from `random`: before it, after write 1–3, or after its return. */
export function drawFault(state: string, random: () => number): string {
  const kinds = ["", ":after-write:1", ":after-write:2", ":after-write:3", ":after-return"];
  return `${state}${kinds[Math.floor(random() * kinds.length)]}`;
}

/** What a redriven run decides when the fault was in these states (others: promoted). */
const DECISION_AFTER: Record<string, string> = { Reject: "rejected", RequestApproval: "pending-approval" };

/** Whether `fault` lands after Promote's commit point (its swap is its 2nd write: run record, swap, run record). */
const afterSwap = (fault: string) => /^Promote:after-(write:[23]|return)$/.test(fault);

export interface FaultOutcome {
  fault: string;
  failed: boolean;
  consistent: boolean;
  /** Live unchanged, or (after the swap) live = this run's candidate. */
  liveAsExpected: boolean;
  /**
   * The redrive ended as it should: promoted; rejected for Reject; failed (recorded) for RecordFailure;
   * for a Map's child, rerunning only the children that had not succeeded.
   */
  redriveAsExpected: boolean;
}

/**
 * Runs one fault case on `home` (which has a live `topics` model): the run with the fault, then a
 * redrive without it. Reject is reached with a gate no candidate passes (minGain 1), RequestApproval
 * with a gate that requires approval; RecordFailure after a fault in Export.
 */
export async function runFaultCase(
  home: string,
  fault: string,
  name: string,
  seed: number,
  sharded?: typeof SHARDED,
): Promise<FaultOutcome> {
  const state = fault.split(":")[0] ?? fault;
  // 80 rows make ~8 test rows: the gate's minimum test split (10 in tests) would fail the redrive
  // of most seeds with TestSplitTooSmallError, which is not what a fault case measures
  const permissive = { ...PERMISSIVE_GATE, minTestRows: 1 };
  const gate =
    state === "Reject"
      ? { ...permissive, minAccuracy: 0.5, minGain: 1 }
      : state === "RequestApproval"
        ? { ...permissive, approval: "required" as const }
        : permissive;
  const faults = state === "RecordFailure" ? ["Export", fault] : [fault];
  const options = { home, ...sharded?.options };
  const map = /^(\w+)\[\d+\]$/.exec(fault)?.[1];
  let succeeded: ExecutionRecord[] = [];
  const tg = openTollgate({ ...options, faults });
  let outcome: FaultOutcome;
  try {
    const before = await checkConsistency(tg);
    const dataset = `fault-${name}`;
    const key = await addRaw(tg, name, sharded?.rows ?? 80, seed, dataset);
    const run = await (await tg.workflow.start(name, input([key], gate, dataset))).done;
    const after = await checkConsistency(tg);
    const candidate = (await tg.stores.registry.listModelVersions("topics")).find((v) => v.runId === name)?.version;
    succeeded = map ? mapRunChildren(tg, name, map).children.filter((c) => c.status === "SUCCEEDED") : [];
    outcome = {
      fault,
      failed: run.status === "FAILED",
      consistent: after.problems.length === 0,
      liveAsExpected: afterSwap(fault) ? after.live === candidate : after.live === before.live,
      redriveAsExpected: false,
    };
  } finally {
    tg.close();
  }
  const again = openTollgate(options);
  try {
    const redriven = await (await again.workflow.redrive(name)).done;
    const decision = (await again.stores.registry.getRun(name))?.decision;
    const expected =
      state === "RecordFailure"
        ? redriven.status === "FAILED" && decision === "failed"
        : redriven.status === "SUCCEEDED" && decision === (DECISION_AFTER[state] ?? "promoted");
    const children = map ? mapRunChildren(again, name, map).children : [];
    const onlyUnfinished =
      children.every((c) => c.status === "SUCCEEDED") &&
      succeeded.every((s) =>
        children.some((c) => c.name === s.name && c.redriveCount === 0 && c.stopDate === s.stopDate),
      ) &&
      children.some((c) => c.redriveCount === 1);
    outcome.redriveAsExpected =
      expected && (!map || onlyUnfinished) && (await checkConsistency(again)).problems.length === 0;
  } finally {
    again.close();
  }
  return outcome;
}

/**
 * `reps` repetitions over every Task state (each fault drawn with the repetition's seed) and a child of
 * every Map (CountTerms and MergeTerms on a sharded run of their own).
 */
export async function faultPlan(home: string, reps: number) {
  const outcomes: FaultOutcome[] = [];
  const states = taskStates();
  for (let rep = 0; rep < reps; rep++) {
    const random = rng(1000 + rep);
    for (const [i, state] of states.entries()) {
      outcomes.push(await runFaultCase(home, drawFault(state, random), `f${rep}-${i}`, rep * 100 + i));
    }
    for (const [i, fault] of mapChildFaults().entries()) {
      outcomes.push(await runFaultCase(home, fault, `f${rep}-m${i}`, rep * 100 + 50 + i));
    }
    for (const [i, fault] of SHARDED_MAP_FAULTS.entries()) {
      outcomes.push(await runFaultCase(home, fault, `f${rep}-s${i}`, rep * 100 + 60 + i, SHARDED));
    }
  }
  return outcomes;
}
