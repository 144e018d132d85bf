/**
 * What the code uses, read from the code itself, to hold the IAM policies against:
 * - a Lambda: the AWS SDK v3 commands in its built bundle, mapped to IAM actions;
 * - the state machine: the service integrations in the ASL's Task resources;
 * - the Glue job: the Hadoop/Spark S3 calls in its Python sources.
 * Plus what the platform does with the role on the code's behalf, each with its reason.
 */

/** IAM actions behind each SDK v3 command (client and DynamoDB document-client names). */
export const COMMAND_ACTIONS: Record<string, string[]> = {
  // S3 answers a missing key with 404 only to a caller that may also s3:ListBucket the key's prefix
  // (403 otherwise): reads of keys that may be missing consult that permission.
  GetObjectCommand: ["s3:GetObject", "s3:ListBucket"],
  HeadObjectCommand: ["s3:GetObject", "s3:ListBucket"],
  PutObjectCommand: ["s3:PutObject"],
  CopyObjectCommand: ["s3:GetObject", "s3:PutObject"],
  CreateMultipartUploadCommand: ["s3:PutObject"],
  ListObjectsV2Command: ["s3:ListBucket"],
  ListObjectsCommand: ["s3:ListBucket"],
  DeleteObjectCommand: ["s3:DeleteObject"],
  DeleteObjectsCommand: ["s3:DeleteObject"],
  GetItemCommand: ["dynamodb:GetItem"],
  GetCommand: ["dynamodb:GetItem"],
  PutItemCommand: ["dynamodb:PutItem"],
  PutCommand: ["dynamodb:PutItem"],
  UpdateItemCommand: ["dynamodb:UpdateItem"],
  UpdateCommand: ["dynamodb:UpdateItem"],
  DeleteItemCommand: ["dynamodb:DeleteItem"],
  DeleteCommand: ["dynamodb:DeleteItem"],
  QueryCommand: ["dynamodb:Query"],
  ScanCommand: ["dynamodb:Scan"],
  BatchGetItemCommand: ["dynamodb:BatchGetItem"],
  BatchWriteItemCommand: ["dynamodb:BatchWriteItem"],
  TransactWriteItemsCommand: [
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
  ],
  StartExecutionCommand: ["states:StartExecution"],
};

/** What the platform does with a role for the code, and why. */
export const PLATFORM_ACTIONS = {
  /** The Lambda runtime ships the function's logs with its role. */
  lambdaLogs: ["logs:CreateLogStream", "logs:PutLogEvents"],
  /** Lambda's SQS poller receives and deletes the messages with the function's role. */
  sqsPoller: [
    "sqs:ReceiveMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueUrl",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
  ],
  /** Step Functions sets up log delivery to CloudWatch Logs with the state machine's role. */
  stepFunctionsLogDelivery: [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
  ],
  /** Glue fetches the script and --extra-py-files, and writes the job's logs, with the job's role. */
  glueRuntime: ["s3:GetObject", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
} as const;

/** The IAM actions of the SDK commands that appear in a bundle. */
export function bundleActions(code: string): Set<string> {
  const used = new Set<string>();
  for (const [, name] of code.matchAll(/\b([A-Z][A-Za-z0-9]*Command)\b/g)) {
    for (const action of COMMAND_ACTIONS[name!] ?? []) used.add(action);
  }
  return used;
}

/** IAM actions of each Step Functions integration (what `arn:aws:states:::<x>` calls). */
const INTEGRATION_ACTIONS: Record<string, string[]> = {
  "lambda:invoke": ["lambda:InvokeFunction"],
  "glue:startJobRun.sync": ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
  "glue:startJobRun": ["glue:StartJobRun"],
  "states:startExecution": ["states:StartExecution"],
  // a Distributed Map's ItemReader and ResultWriter (ResultWriter uploads in parts, and cleans up)
  "s3:getObject": ["s3:GetObject"],
  "s3:putObject": ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
};

/**
 * What a Distributed Map's children need of the parent's role: each is an execution of the same
 * state machine (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html),
 * and a Map Run's redrive redrives them.
 */
const DISTRIBUTED_MAP_ACTIONS = [
  "states:StartExecution",
  "states:DescribeExecution",
  "states:StopExecution",
  "states:RedriveExecution",
];

/** The IAM actions the ASL's Task states need; throws on an integration this table does not know. */
export function aslActions(asl: string): Set<string> {
  const used = new Set<string>();
  for (const [, integration] of asl.matchAll(/"Resource":\s*"arn:aws:states:::([^"]+)"/g)) {
    const actions = INTEGRATION_ACTIONS[integration!];
    if (!actions) throw new Error(`unknown Step Functions integration ${integration}: add its IAM actions`);
    for (const action of actions) used.add(action);
  }
  if (/"Mode":\s*"DISTRIBUTED"/.test(asl)) for (const action of DISTRIBUTED_MAP_ACTIONS) used.add(action);
  return used;
}

/** Hadoop FileSystem / Spark / boto3 calls in Python, and the S3 actions each makes. */
const PYTHON_S3_CALLS: [RegExp, string[]][] = [
  [/\.exists\(/, ["s3:GetObject", "s3:ListBucket"]],
  [/\.listFiles\(|\.listStatus\(|list_objects/, ["s3:ListBucket"]],
  [/\.read\.format\(|spark\.read\b|get_object\(/, ["s3:GetObject", "s3:ListBucket"]],
  // the S3 connector checks for an existing object, uploads, then removes directory markers
  [/_fs\.create\(|\.write\.\w+\(/, ["s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject"]],
  [/put_object\(|upload_file\(/, ["s3:PutObject"]],
  [/delete_object/, ["s3:DeleteObject"]],
];

/** The S3 actions the Glue job's Python sources make. */
export function pythonActions(sources: string[]): Set<string> {
  const used = new Set<string>();
  for (const source of sources) {
    for (const [pattern, actions] of PYTHON_S3_CALLS) {
      if (pattern.test(source)) for (const action of actions) used.add(action);
    }
  }
  return used;
}

/** Granted actions the code does not use (wildcard actions are never "used"). */
export function excess(granted: Iterable<string>, used: Iterable<string>): string[] {
  const allowed = new Set(used);
  return [...new Set(granted)].filter((a) => a.includes("*") || !allowed.has(a)).sort();
}
