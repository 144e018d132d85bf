/**
 * One way to make a tollgate Lambda: nodejs22.x on arm64, its own log group, and its own role
 * holding only the statements given plus writes to that log group (no managed policies).
 */
import { Duration, RemovalPolicy, type Stack } from "aws-cdk-lib";
import {
  Effect,
  type PolicyStatement,
  Role,
  ServicePrincipal,
  PolicyStatement as Statement,
} from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Function as SstFunction } from "sst/constructs";
import { bundleProps } from "./bundle.ts";
import { suppress } from "./nag.ts";

/** What differs between tollgate functions. */
export interface TollgateFunctionOptions {
  /** e.g. `functions/train.handler` */
  handler: string;
  environment: Record<string, string>;
  statements: PolicyStatement[];
  /** Install and prune onnxruntime-node into the bundle. */
  onnx: boolean;
  memorySize?: number;
  timeoutSeconds?: number;
  description?: string;
  /** Reserved concurrency (a Distributed Map child's: the Maps' MaxConcurrency). */
  reservedConcurrency?: number;
}

/** A function with its dedicated role and log group. */
export interface TollgateFunction {
  fn: SstFunction;
  role: Role;
  logGroup: LogGroup;
}

/**
 * Creates the function `id` in `stack`.
 * @example const { fn } = tollgateFunction(stack, "Train", { handler: "functions/train.handler", environment, statements, onnx: true });
 */
export function tollgateFunction(stack: Stack, id: string, options: TollgateFunctionOptions): TollgateFunction {
  const logGroup = new LogGroup(stack, `${id}Logs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new Role(stack, `${id}Role`, {
    assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
    description: `tollgate ${id}: least privilege (see stacks/)`,
  });
  role.addToPolicy(
    new Statement({
      effect: Effect.ALLOW,
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [logGroup.logGroupArn],
    }),
  );
  for (const statement of options.statements) role.addToPolicy(statement);
  suppress(
    role,
    "AwsSolutions-IAM5",
    "log streams are created per function instance inside the function's own log group",
    [{ regex: "/^Resource::<.*Logs[0-9A-F]{8}\\.Arn>$/" }],
  );
  const fn = new SstFunction(stack, id, {
    handler: options.handler,
    runtime: "nodejs22.x",
    architecture: "arm_64",
    tracing: "disabled",
    memorySize: options.memorySize ?? 512,
    timeout: options.timeoutSeconds ?? 30,
    environment: options.environment,
    role,
    logGroup,
    ...(options.description ? { description: options.description } : {}),
    ...(options.reservedConcurrency ? { reservedConcurrentExecutions: options.reservedConcurrency } : {}),
    ...bundleProps({ onnx: options.onnx }),
  });
  suppress(
    fn,
    "AwsSolutions-L1",
    "nodejs22.x is the runtime tollgate targets and tests on; it moves when the project does",
  );
  return { fn, role, logGroup };
}

/** Lambda's timeout ceiling, used by the long steps (the ASL gives them 900 s too). */
export const MAX_TIMEOUT = Duration.minutes(15).toSeconds();
