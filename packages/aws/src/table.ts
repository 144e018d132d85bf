/**
 * The registry's single DynamoDB table: key schema and item keys, shared by
 * {@link DynamoRegistry}, the infrastructure stack and the tests.
 *
 * | item            | pk              | sk                  |
 * |-----------------|-----------------|---------------------|
 * | model version   | `MODEL#<name>`  | `VERSION#<version>` |
 * | live pointer    | `MODEL#<name>`  | `LIVE`              |
 * | run (lineage)   | `RUN#<runId>`   | `RUN`               |
 * | decision        | `MODEL#<name>`  | `DECISION#<at>#<8 hex>` (time order) |
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/** The key attributes: both strings. (`type` as in CDK's `AttributeType.STRING` = "S".) */
export const REGISTRY_KEY_SCHEMA = {
  partitionKey: { name: "pk", type: "S" },
  sortKey: { name: "sk", type: "S" },
} as const;

/**
 * The table as CloudFormation's `AWS::DynamoDB::Table` properties (also a valid
 * `CreateTableCommand` input): on-demand billing, `pk` HASH + `sk` RANGE.
 */
export function registryTableDefinition(tableName: string): CreateTableCommandInput & { TableName: string } {
  const { partitionKey, sortKey } = REGISTRY_KEY_SCHEMA;
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
      { AttributeName: sortKey.name, AttributeType: sortKey.type },
    ],
    KeySchema: [
      { AttributeName: partitionKey.name, KeyType: "HASH" },
      { AttributeName: sortKey.name, KeyType: "RANGE" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  };
}

/** Item keys of the registry table. */
export const keys = {
  modelPk: (modelName: string) => `MODEL#${modelName}`,
  version: (modelName: string, version: string) => ({ pk: `MODEL#${modelName}`, sk: `VERSION#${version}` }),
  live: (modelName: string) => ({ pk: `MODEL#${modelName}`, sk: "LIVE" }),
  run: (runId: string) => ({ pk: `RUN#${runId}`, sk: "RUN" }),
  decision: (modelName: string, at: string, id: string) => ({ pk: `MODEL#${modelName}`, sk: `DECISION#${at}#${id}` }),
  versionPrefix: "VERSION#",
  decisionPrefix: "DECISION#",
} as const;
