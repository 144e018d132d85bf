/**
 * cdk-nag suppressions: each one names the rule, the finding it applies to, and why it is accepted.
 */
import { NagSuppressions } from "cdk-nag";
import type { IConstruct } from "constructs";

/** A finding a suppression applies to: the exact text or a `/regex/`. */
export type AppliesTo = string | { regex: string };

/**
 * Suppresses rule `id` on `construct` and its children, with a written `reason`.
 * @example suppress(role, "AwsSolutions-IAM5", "objects under a prefix", ["Resource::<Data.Arn>/raw/*"]);
 */
export function suppress(construct: IConstruct, id: string, reason: string, appliesTo?: AppliesTo[]): void {
  NagSuppressions.addResourceSuppressions(construct, [{ id, reason, ...(appliesTo ? { appliesTo } : {}) }], true);
}
