/**
 * A tollgate stage's stores on the emulator: buckets (versioned, as the Storage stack makes them)
 * and the registry table (the same definition the stack deploys). Call before enforcing IAM.
 * @example
 * await createBuckets(moto, ["stage-data", "stage-models"]);
 * await createRegistryTable(moto, "stage-registry");
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";
import { registryTableDefinition } from "@tollgate/aws";
import type { MotoServer } from "./server.ts";

/** Creates versioned buckets. */
export async function createBuckets(moto: MotoServer, names: string[]): Promise<void> {
  const s3 = new S3Client(moto.clientConfig());
  try {
    for (const Bucket of names) {
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
    }
  } finally {
    s3.destroy();
  }
}

/** Creates the registry table. */
export async function createRegistryTable(moto: MotoServer, name: string): Promise<void> {
  const dynamo = new DynamoDBClient(moto.clientConfig());
  try {
    await dynamo.send(new CreateTableCommand(registryTableDefinition(name)));
  } finally {
    dynamo.destroy();
  }
}
