/**
 * The deployed roles, read from the synthesized templates and made concrete for the emulator: every
 * role's statements and every function's environment, with CloudFormation's references
 * (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::Join`, pseudo parameters) resolved to the names the
 * emulated stage uses. Nothing is written by hand: a statement added to a stack shows up here.
 */
import { handlerFileOf } from "@tollgate/core/workflow/asl";
import type { StackName, Synthesized } from "../infra/synth.ts";
import { type Resource, resolveImport, resources, roleStatements, type Statement } from "../infra/template.ts";
import { MOTO_ACCOUNT, MOTO_REGION } from "../moto/server.ts";

/** The emulated stage's physical names of the resources the code touches. */
export interface StageNames {
  dataBucket: string;
  modelBucket: string;
  registryTable: string;
  /** The retrain state machine's name. */
  stateMachine: string;
  etlJob: string;
}

/** A statement with every reference resolved. */
export interface ResolvedStatement {
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A role as deployed: who assumes it, the function that runs with it (if any), its statements. */
export interface DeployedRole {
  /** `Preprocess`, …, `Trigger`, `Predict` for a function's role; `Etl` (the Glue job's); `Retrain` (the state machine's). */
  key: string;
  stack: StackName;
  service: "lambda" | "states" | "glue";
  /** The Lambda entry point's module under functions/ (a function's role only). */
  handlerFile?: string;
  /** The function's environment variables (a function's role only). */
  env: Record<string, string>;
  statements: ResolvedStatement[];
}

const strip = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, "");
const arn = (service: string, resource: string, region = MOTO_REGION) =>
  `arn:aws:${service}:${region}:${MOTO_ACCOUNT}:${resource}`;

/** Resolves template values to strings, stack by stack (imports follow to the exporting stack). */
class Resolver {
  constructor(
    private readonly app: Synthesized,
    private readonly names: StageNames,
  ) {}

  /** The physical name a resource gets on the emulated stage. */
  private name(stack: StackName, id: string, r: Resource): string {
    if (r.Type === "AWS::S3::Bucket") {
      const prefix = JSON.stringify(r.Properties.LoggingConfiguration ?? {});
      if (prefix.includes('"Data/"')) return this.names.dataBucket;
      if (prefix.includes('"Models/"')) return this.names.modelBucket;
    }
    if (r.Type === "AWS::DynamoDB::Table") return this.names.registryTable;
    if (r.Type === "AWS::StepFunctions::StateMachine") return this.names.stateMachine;
    if (r.Type === "AWS::Glue::Job") return this.names.etlJob;
    if (r.Type === "AWS::Logs::LogGroup" && typeof r.Properties.LogGroupName === "string")
      return r.Properties.LogGroupName;
    return `${stack.toLowerCase()}-${strip(id).toLowerCase()}`;
  }

  private resource(stack: StackName, id: string): Resource {
    const r = this.app.template(stack).toJSON().Resources[id] as Resource | undefined;
    if (!r) throw new Error(`${stack} has no resource ${id}`);
    return r;
  }

  private ref(stack: StackName, id: string): string {
    const pseudo: Record<string, string> = {
      "AWS::Partition": "aws",
      "AWS::Region": MOTO_REGION,
      "AWS::AccountId": MOTO_ACCOUNT,
      "AWS::URLSuffix": "amazonaws.com",
    };
    if (pseudo[id]) return pseudo[id];
    const r = this.resource(stack, id);
    const name = this.name(stack, id, r);
    if (r.Type === "AWS::StepFunctions::StateMachine") return arn("states", `stateMachine:${name}`);
    if (r.Type === "AWS::SQS::Queue") return `https://sqs.${MOTO_REGION}.amazonaws.com/${MOTO_ACCOUNT}/${name}`;
    return name;
  }

  private getAtt(stack: StackName, id: string, attribute: string): string {
    const r = this.resource(stack, id);
    const name = this.name(stack, id, r);
    if (attribute !== "Arn") return name;
    switch (r.Type) {
      case "AWS::S3::Bucket":
        return `arn:aws:s3:::${name}`;
      case "AWS::DynamoDB::Table":
        return arn("dynamodb", `table/${name}`);
      case "AWS::Logs::LogGroup":
        return arn("logs", `log-group:${name}:*`);
      case "AWS::Lambda::Function":
        return arn("lambda", `function:${name}`);
      case "AWS::SQS::Queue":
        return arn("sqs", name);
      case "AWS::IAM::Role":
        return `arn:aws:iam::${MOTO_ACCOUNT}:role/${name}`;
      default:
        return arn(r.Type.split("::")[1]?.toLowerCase() ?? "unknown", name);
    }
  }

  /** A template value as a string (or a list of strings). */
  value(stack: StackName, v: unknown): string | string[] {
    if (typeof v === "string") return v;
    if (Array.isArray(v)) return v.flatMap((x) => this.value(stack, x));
    const o = v as Record<string, unknown>;
    if ("Ref" in o) return this.ref(stack, String(o.Ref));
    if ("Fn::GetAtt" in o) {
      const [id, attribute] = o["Fn::GetAtt"] as [string, string];
      return this.getAtt(stack, id, attribute);
    }
    if ("Fn::Join" in o) {
      const [separator, parts] = o["Fn::Join"] as [string, unknown[]];
      return parts.map((p) => this.value(stack, p)).join(separator);
    }
    if ("Fn::ImportValue" in o) {
      const { from, value } = resolveImport(this.app, v);
      return this.value(from ?? stack, value);
    }
    throw new Error(`cannot resolve ${JSON.stringify(v)} in ${stack}`);
  }

  statement(stack: StackName, s: Statement): ResolvedStatement {
    const list = (x: unknown) => [this.value(stack, x)].flat();
    return {
      Effect: s.Effect,
      Action: [s.Action].flat(),
      Resource: list(s.Resource),
      ...(s.Condition ? { Condition: s.Condition as NonNullable<ResolvedStatement["Condition"]> } : {}),
    };
  }
}

/** Who assumes a role, from its trust policy. */
function serviceOf(role: Resource): DeployedRole["service"] {
  const trust = JSON.stringify(role.Properties.AssumeRolePolicyDocument);
  if (trust.includes("lambda.amazonaws.com")) return "lambda";
  if (trust.includes("states.amazonaws.com")) return "states";
  if (trust.includes("glue.amazonaws.com")) return "glue";
  throw new Error(`a role is assumed by ${trust}: the IAM test knows no runner for it`);
}

/** Every role of every stack, resolved for the emulated stage. */
export function deployedRoles(app: Synthesized, names: StageNames): DeployedRole[] {
  const resolve = new Resolver(app, names);
  const roles: DeployedRole[] = [];
  for (const stack of app.names) {
    const t = app.template(stack);
    const functions = resources(t, "AWS::Lambda::Function");
    for (const [roleId, role] of resources(t, "AWS::IAM::Role")) {
      const service = serviceOf(role);
      const fn = functions.find(([, f]) => JSON.stringify(f.Properties.Role).includes(`"${roleId}"`));
      const key = fn ? strip(fn[0]) : strip(roleId).replace(/Role$/, "");
      const variables = ((fn?.[1].Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables ?? {}) as Record<string, unknown>;
      roles.push({
        key,
        stack,
        service,
        ...(fn ? { handlerFile: handlerFileOf(key) } : {}),
        env: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(resolve.value(stack, v))])),
        statements: roleStatements(t, roleId).map((s) => resolve.statement(stack, s)),
      });
    }
  }
  return roles;
}

/** An IAM policy document of statements. */
export const policyOf = (statements: ResolvedStatement[]) => ({ Version: "2012-10-17", Statement: statements });
