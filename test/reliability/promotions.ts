/**
 * What a set of runs that raced to promote must satisfy (shared by the tests and the bench, no
 * test-runner imports): every promotion was a compare-and-swap from the version live just before
 * it, so the promotions form one chain from the version live before the race to the one live after
 * it (no lost update), and every run ended with the truth: promoted, rejected by the gate with its
 * reason, or failed with LiveModelChangedError after its re-evaluations ran out.
 */
import type { ExecutionRecord } from "@tollgate/core/workflow/executions";

/** The ASL's bound on re-evaluations after a lost race (LiveModelChanged Choice). */
export const MAX_RE_EVALUATIONS = 3;

interface RunOutput {
  decision?: { decision: string; modelVersion: string; previousLive: string | null; reason: string };
  reEvaluations?: { count: number };
}

export interface RaceOutcome {
  promoted: number;
  rejected: number;
  /** Runs that lost the race more often than the ASL re-evaluates (failed, LiveModelChangedError). */
  exhausted: number;
  /** Re-evaluations after a lost race, over all runs. */
  reEvaluations: number;
  problems: string[];
}

/**
 * Checks the runs of one race against the live pointer before and after it.
 * @example const { problems } = checkRace(runs, "v1", (await registry.getLive("topics"))?.version);
 */
export function checkRace(runs: ExecutionRecord[], before: string | undefined, after: string | undefined): RaceOutcome {
  const problems: string[] = [];
  const outcome: RaceOutcome = { promoted: 0, rejected: 0, exhausted: 0, reEvaluations: 0, problems };
  const next = new Map<string | null, string>();
  for (const run of runs) {
    const output = (run.output ? JSON.parse(run.output) : {}) as RunOutput;
    outcome.reEvaluations += output.reEvaluations?.count ?? 0;
    if (run.status === "FAILED") {
      if (run.error === "LiveModelChangedError") {
        outcome.exhausted++;
        outcome.reEvaluations += MAX_RE_EVALUATIONS;
      } else problems.push(`${run.name} failed with ${run.error}`);
      continue;
    }
    if (run.status !== "SUCCEEDED") {
      problems.push(`${run.name} is ${run.status}`);
      continue;
    }
    const decision = output.decision;
    if (decision?.decision === "rejected") {
      outcome.rejected++;
      if (!decision.reason) problems.push(`${run.name} was rejected without a reason`);
    } else if (decision?.decision === "promoted") {
      outcome.promoted++;
      const from = decision.previousLive;
      const other = next.get(from);
      if (other) problems.push(`lost update: ${run.name} and another run both promoted from ${from} (${other})`);
      next.set(from, decision.modelVersion);
    } else {
      problems.push(`${run.name} succeeded without a decision`);
    }
  }
  // Follow the chain from the version live before the race: it must use every promotion and end at the live one.
  let at: string | null = before ?? null;
  let steps = 0;
  while (next.has(at) && steps <= next.size) {
    at = next.get(at) ?? null;
    steps++;
  }
  if (steps !== next.size) problems.push(`${next.size - steps} promotions do not continue the chain from ${before}`);
  if (at !== (after ?? null)) problems.push(`the chain of promotions ends at ${at}, but ${after} is live`);
  return outcome;
}
