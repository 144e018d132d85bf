/**
 * The Etl state's Glue 5.0 job: jobs/etl_job.py as the script and jobs/tollgate_etl/ as
 * --extra-py-files (both S3 assets), and a role limited to the data bucket prefixes the job uses.
 */
import { join } from "node:path";
import { Stack } from "aws-cdk-lib";
import { CfnJob } from "aws-cdk-lib/aws-glue";
import { Effect, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import { Asset } from "aws-cdk-lib/aws-s3-assets";
import type { Construct } from "constructs";
import { useProject } from "sst/project.js";
import { listObjects, readObjects, writeObjects } from "./access.ts";
import { etlLogging } from "./etl-logs.ts";
import { suppress } from "./nag.ts";

/**
 * Where the ETL reads and writes in the data bucket (the ASL passes the exact prefixes per run).
 * The job reads and writes with boto3 (ranged GetObject, ListObjectsV2, PutObject), from the driver
 * and the executors; it never reads back what it wrote and never deletes.
 */
export const ETL_ACCESS = {
  read: ["raw/"],
  list: ["raw/"],
  write: ["curated/", "quarantine/", "runs/"],
} as const;

/** The Glue job and its role. */
export interface EtlJob {
  job: CfnJob;
  role: Role;
  /** `arn:…:glue:<region>:<account>:job/<name>` */
  jobArn: string;
}

/** Creates the ETL Glue job reading and writing `dataBucket`. */
export function etlJob(scope: Construct, dataBucket: IBucket): EtlJob {
  const stack = Stack.of(scope);
  const jobs = join(useProject().paths.root, "jobs");
  const script = new Asset(scope, "EtlScript", { path: join(jobs, "etl_job.py") });
  // a zip whose root holds tollgate_etl/ (nothing else from jobs/: no tests, no venv)
  const library = new Asset(scope, "EtlLibrary", {
    path: jobs,
    exclude: ["*", ".*", "!tollgate_etl", "!tollgate_etl/**", "**/__pycache__", "**/*.pyc"],
  });
  const role = new Role(scope, "EtlRole", {
    assumedBy: new ServicePrincipal("glue.amazonaws.com"),
    description: "tollgate Etl Glue job: least privilege (see stacks/etl.ts)",
  });
  role.addToPolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["s3:GetObject"],
      resources: [script, library].map((a) => `arn:${stack.partition}:s3:::${a.s3BucketName}/${a.s3ObjectKey}`),
    }),
  );
  role.addToPolicy(readObjects(dataBucket, [...ETL_ACCESS.read]));
  role.addToPolicy(listObjects(dataBucket, [...ETL_ACCESS.list]));
  role.addToPolicy(writeObjects(dataBucket, [...ETL_ACCESS.write]));
  const logging = etlLogging(scope, role);
  suppress(role, "AwsSolutions-IAM5", "objects under fixed prefixes of the data bucket", [
    { regex: "/^Resource::<Data[0-9A-F]{8}\\.Arn>\\/(raw|curated|quarantine|runs)\\/\\*$/" },
  ]);

  const job = new CfnJob(scope, "Etl", {
    description: "tollgate: raw/<dataset>/ → curated/<dataset>/<datasetVersion>/, bad rows quarantined, run manifest",
    role: role.roleArn,
    glueVersion: "5.0",
    command: { name: "glueetl", pythonVersion: "3", scriptLocation: script.s3ObjectUrl },
    workerType: "G.1X",
    numberOfWorkers: 2,
    timeout: 60,
    maxRetries: 0,
    executionProperty: { maxConcurrentRuns: 10 },
    securityConfiguration: logging.securityConfiguration,
    defaultArguments: {
      ...logging.arguments,
      "--job-language": "python",
      "--extra-py-files": library.s3ObjectUrl,
      "--job-bookmark-option": "job-bookmark-disable",
      "--enable-continuous-cloudwatch-log": "true",
    },
  });
  suppress(
    job,
    "AwsSolutions-GL1",
    "CloudWatch Logs encrypts the job's log groups at rest; they hold counts and reasons, never row content (stacks/etl-logs.ts)",
  );
  suppress(job, "AwsSolutions-GL3", "job bookmarks are disabled: every run reads its dataset's whole raw/ prefix");
  const jobArn = stack.formatArn({ service: "glue", resource: "job", resourceName: job.ref });
  return { job, role, jobArn };
}
