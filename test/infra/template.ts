/** Small readers over synthesized CloudFormation templates (resources, imports, IAM statements). */
import type { Template } from "aws-cdk-lib/assertions";
import type { StackName, Synthesized } from "./synth.ts";

/** A CloudFormation resource as it appears in a template. */
export interface Resource {
  Type: string;
  Properties: Record<string, unknown> & { [key: string]: unknown };
  Metadata?: Record<string, unknown>;
}

/** An IAM statement as synthesized (Action and Resource may be one value or a list). */
export interface Statement {
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** All resources of a type, by logical id. */
export function resources(t: Template, type: string): [string, Resource][] {
  return Object.entries(t.findResources(type) as Record<string, Resource>);
}

/** The one resource of a type matching `pick` (fails the caller's expectation when not exactly one). */
export function only(t: Template, type: string, pick: (r: Resource) => boolean = () => true): [string, Resource] {
  const found = resources(t, type).filter(([, r]) => pick(r));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

/** The logical id of the Lambda with this handler (e.g. `functions/train.handler`). */
export function lambdaId(t: Template, handler: string): string {
  return only(t, "AWS::Lambda::Function", (r) => r.Properties.Handler === handler)[0];
}

/** `{ "Fn::GetAtt": [id, "Arn"] }` */
export const arnOf = (id: string) => ({ "Fn::GetAtt": [id, "Arn"] });
/** `{ Ref: id }` */
export const refOf = (id: string) => ({ Ref: id });

/**
 * Follows a cross-stack reference: `{ "Fn::ImportValue": name }` → the exporting stack and the
 * value of its output (e.g. `{ Ref: "Data…" }`); any other value is returned as is, with `from` undefined.
 */
export function resolveImport(s: Synthesized, value: unknown): { from?: StackName; value: unknown } {
  const name = (value as { "Fn::ImportValue"?: unknown } | null)?.["Fn::ImportValue"];
  if (typeof name !== "string") return { value };
  for (const stack of s.names) {
    const outputs = (s.template(stack).toJSON().Outputs ?? {}) as Record<
      string,
      { Value: unknown; Export?: { Name: string } }
    >;
    for (const output of Object.values(outputs)) {
      if (output.Export?.Name === name) return { from: stack, value: output.Value };
    }
  }
  throw new Error(`no stack exports ${name}`);
}

/** Every statement granted to a role: its inline policies and the AWS::IAM::Policy resources attached to it. */
export function roleStatements(t: Template, roleId: string): Statement[] {
  const role = t.toJSON().Resources[roleId] as Resource;
  const inline = ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
  const attached = resources(t, "AWS::IAM::Policy")
    .filter(([, p]) =>
      (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(refOf(roleId))),
    )
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

/** A statement's actions as a list. */
export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
