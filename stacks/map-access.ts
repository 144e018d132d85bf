/**
 * What the state machine needs for its Distributed Maps (Train, Evaluate), and the rule that
 * records a run that ends without success: a failed Map Run is left uncaught, so that a redrive
 * reaches it (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html).
 */
import { ArnFormat, type Stack } from "aws-cdk-lib";
import { Rule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { IStateMachine } from "aws-cdk-lib/aws-stepfunctions";

/**
 * The Distributed Map statements of the state machine's role, as the Step Functions guide lists them
 * (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html):
 * - `states:StartExecution` on itself (each child is an execution of it), `DescribeExecution` and
 *   `StopExecution` on its own executions (children are named `<machine>/<map run>:<id>`), and
 *   `RedriveExecution` on them (a Map Run's redrive redrives its children);
 * - ItemReader: `s3:GetObject` on the shard lists Preprocess writes under `prepared/`;
 * - ResultWriter: `s3:PutObject` (and the multipart calls it makes) under `runs/`.
 * The Lambdas' `lambda:InvokeFunction` already covers the children's Task states.
 */
export function distributedMapStatements(
  stack: Stack,
  stateMachineName: string,
  dataBucket: IBucket,
): PolicyStatement[] {
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({ service: "states", resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  return [
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["states:StartExecution"],
      resources: [arn("stateMachine", stateMachineName)],
    }),
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["states:DescribeExecution", "states:StopExecution", "states:RedriveExecution"],
      resources: [arn("execution", `${stateMachineName}/*`)],
    }),
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["s3:GetObject"],
      resources: [dataBucket.arnForObjects("prepared/*")],
    }),
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
      resources: [dataBucket.arnForObjects("runs/*")],
    }),
  ];
}

/**
 * EventBridge rule: every run of the state machine that ends FAILED, TIMED_OUT or ABORTED invokes
 * RecordFailure with the status-change event (the local runtime does the same when a run ends).
 */
export function recordUnsuccessfulEnds(stack: Stack, stateMachine: IStateMachine, recordFailure: IFunction): Rule {
  return new Rule(stack, "RecordUnsuccessfulRuns", {
    description: "tollgate: records a retrain run that ended without success (RecordFailure)",
    eventPattern: {
      source: ["aws.states"],
      detailType: ["Step Functions Execution Status Change"],
      detail: { stateMachineArn: [stateMachine.stateMachineArn], status: ["FAILED", "TIMED_OUT", "ABORTED"] },
    },
    targets: [new LambdaFunction(recordFailure, { retryAttempts: 4 })],
  });
}
