/**
 * The tollgate SST v2 app: `sst deploy --stage <stage>` (see docs/deploy.md).
 * Stacks (stacks/app.ts): Storage (buckets, registry), Pipeline (Glue, Lambdas, state machine,
 * trigger), Serving (predict Function URL), Audit (CloudTrail); cdk-nag's AwsSolutions pack checks them.
 */
import type { SSTConfig } from "sst";
import { tollgateApp } from "./stacks/app.ts";

export default {
  config() {
    return { name: "tollgate", region: process.env.AWS_REGION ?? "us-east-1" };
  },
  stacks: (app) => tollgateApp(app),
} satisfies SSTConfig;
