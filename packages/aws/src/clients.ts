/**
 * The AWS SDK v3 clients of one CLI process, built once with the standard credential chain and
 * region. Credentials are resolved before the first call: without them the command stops with
 * one line ({@link NoCredentialsError}) and nothing is sent.
 */
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GlueClient } from "@aws-sdk/client-glue";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import type { HttpHandler } from "@smithy/protocol-http";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { ConfiguredRetryStrategy } from "@smithy/util-retry";
import { NoCredentialsError, NoRegionError } from "./errors.ts";

/** Every client the AWS backend uses. */
export interface AwsClients {
  cfn: CloudFormationClient;
  sfn: SFNClient;
  glue: GlueClient;
  cloudTrail: CloudTrailClient;
  s3: S3Client;
  dynamo: DynamoDBClient;
}

/** How to build the clients; only tests pass more than region and credentials. */
export interface ClientSettings {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  /** Attempts per request, retries included (throttling is retried with backoff). Default 6. */
  maxAttempts?: number;
  /** Delay before retry `attempt` (1-based), in ms. Default: exponential with jitter, at most 20 s. */
  backoffMs?: (attempt: number) => number;
  /** Endpoint per client, e.g. `{ dynamo: "http://127.0.0.1:8000" }` (else the SDK's, or `AWS_ENDPOINT_URL_<SERVICE>`). */
  endpoints?: Partial<Record<keyof AwsClients, string>>;
  /** Replaces the HTTP layer (tests answer requests in-process). */
  requestHandler?: HttpHandler;
}

const DEFAULT_ATTEMPTS = 6;
/** 250 ms, 500 ms, 1 s, … with full jitter between half and all of it, at most 20 s. */
export const defaultBackoff = (attempt: number) =>
  Math.min(20_000, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);

/** Builds the clients (no request is made). */
export function makeClients(settings: ClientSettings): AwsClients {
  const config = {
    region: settings.region,
    credentials: settings.credentials,
    retryStrategy: new ConfiguredRetryStrategy(
      settings.maxAttempts ?? DEFAULT_ATTEMPTS,
      settings.backoffMs ?? defaultBackoff,
    ),
    ...(settings.requestHandler ? { requestHandler: settings.requestHandler } : {}),
  };
  const at = (client: keyof AwsClients) => {
    const endpoint = settings.endpoints?.[client];
    return endpoint ? { ...config, endpoint } : config;
  };
  return {
    cfn: new CloudFormationClient(at("cfn")),
    sfn: new SFNClient(at("sfn")),
    glue: new GlueClient(at("glue")),
    cloudTrail: new CloudTrailClient(at("cloudTrail")),
    // checksums only where S3 requires them (FACTS: S3-compatible stores can corrupt streamed uploads)
    s3: new S3Client({
      ...at("s3"),
      ...(settings.endpoints?.s3 ? { forcePathStyle: true } : {}),
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
    dynamo: new DynamoDBClient(at("dynamo")),
  };
}

/**
 * Resolves credentials with the standard chain (environment, SSO/shared profiles, web identity,
 * container and instance roles) once, and returns the chain for the clients to share.
 * @throws NoCredentialsError when the chain finds none.
 * @example const credentials = await requireCredentials("prod");
 */
export async function requireCredentials(
  stage: string,
  chain: AwsCredentialIdentityProvider = fromNodeProviderChain(),
): Promise<AwsCredentialIdentityProvider> {
  try {
    await chain();
  } catch (err) {
    throw new NoCredentialsError(
      `no AWS credentials for stage ${stage}: set AWS_PROFILE (and run \`aws sso login\` if it uses SSO) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
      { cause: err },
    );
  }
  // the default chain memoizes what it found and refreshes it before it expires
  return chain;
}

/**
 * The region as the SDK resolves it (`AWS_REGION`, else the profile's `region`), without a request.
 * @throws NoRegionError when there is none.
 */
export async function requireRegion(stage: string): Promise<string> {
  const probe = new SFNClient({});
  try {
    return await probe.config.region();
  } catch (err) {
    throw new NoRegionError(`no AWS region for stage ${stage}: set AWS_REGION or a region in your AWS profile`, {
      cause: err,
    });
  } finally {
    probe.destroy();
  }
}
