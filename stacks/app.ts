/**
 * The app's composition: context, the four stacks, and the cdk-nag AwsSolutions checks.
 * sst.config.ts calls this; so does the infra test, so both see the same app.
 */
import { Aspects } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { type App, Stack } from "sst/constructs";
import { Audit } from "./Audit.ts";
import { Pipeline } from "./Pipeline.ts";
import { Serving } from "./Serving.ts";
import { Storage } from "./Storage.ts";

/** SST v2 puts a generic custom-resource Lambda in every stack; these stacks never use it. */
const SST_CUSTOM_RESOURCE_HANDLER = "CustomResourceHandler";

/** Which optional stacks to build (all by default: `sst deploy` builds everything). */
export interface AppOptions {
  /** Build Serving (needs functions/predict.ts). */
  serving?: boolean;
}

/**
 * Adds the tollgate stacks to `app`.
 * @example export default { config: () => ({ name: "tollgate" }), stacks: (app) => tollgateApp(app) } satisfies SSTConfig;
 */
export function tollgateApp(app: App, options: AppOptions = {}): void {
  // grant S3 server access log delivery by bucket policy (ACLs are disabled on every bucket)
  app.node.setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
  app.stack(Storage).stack(Pipeline);
  if (options.serving ?? true) app.stack(Serving);
  app.stack(Audit);
  // Only SST's sourcemap upload, Auth, sites and secret prefetching use that handler: none here (source
  // maps are off). Dropping it keeps every role in the app one of ours; a construct that needed it
  // would fail synthesis on the dangling reference.
  for (const child of app.node.children) {
    if (child instanceof Stack) child.node.tryRemoveChild(SST_CUSTOM_RESOURCE_HANDLER);
  }
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
}
